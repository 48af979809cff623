"""Feed messages follow the active language: a Dutch shop reads them in Dutch."""

import pytest
from django.utils import translation

from inventory_sync.feeds import FeedError, RowError, parse_stock_file


def test_bad_quantity_is_reported_in_dutch():
    content = b"Artikelnummer;Voorraad\nA-1;3\nA-2;veel\n"
    with translation.override("nl"):
        feed = parse_stock_file(content=content, filename="voorraad.csv")
    assert [row.sku for row in feed.rows] == ["A-1"]
    assert feed.errors == [
        RowError(
            3,
            "Voorraad",
            "veel",
            "aantal moet een heel getal van 0 of meer zijn, gevonden: 'veel'",
        )
    ]


def test_missing_column_is_reported_in_dutch():
    content = b"Artikelnummer;Prijs\nA-1;12,95\n"
    with translation.override("nl"), pytest.raises(FeedError) as refused:
        parse_stock_file(content=content, filename="voorraad.csv")
    assert refused.value.message == (
        "Het bestand heeft een kolom met de voorraad "
        "(zoals Voorraad, Aantal, Quantity, Stock of On hand) nodig. "
        "Gevonden kolommen: 'Artikelnummer', 'Prijs'."
    )
