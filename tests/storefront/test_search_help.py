"""When filters leave nothing, search says the words do find products and offers them
without the filters; such searches are not counted as demand the shops miss. English words
find the Dutch-named products."""

from datetime import datetime

import pytest

from marketplace.models import SearchRecord
from marketplace.reports.selectors import Period, Scope, failed_searches_for_scope
from tests.storefront.conftest import AMSTERDAM
from tests.storefront.test_search import search, titles

pytestmark = pytest.mark.django_db


def test_kaas_open_now_before_opening_says_why_and_offers_the_products(client, town, at):
    at(datetime(2026, 11, 26, 7, 0, tzinfo=AMSTERDAM))  # every shop still closed
    response = search(client, q="kaas", open_now="1")
    assert titles(response) == []
    html = response.content.decode()
    assert "1 product matches your words, but not with the filters you chose" in html
    assert 'href="/search/?q=kaas"' in html
    assert "No shop in town has this yet" not in html
    assert titles(search(client, q="kaas")) == ["Oude Goudse kaas"]

    record = SearchRecord.objects.filter(filters__open_now=True).get()
    assert (record.result_count, record.filtered_out) == (0, True)


def test_a_real_miss_is_still_a_miss(client, town):
    response = search(client, q="surfplank", open_now="1")
    assert "No shop in town has this yet" in response.content.decode()
    assert SearchRecord.objects.get().filtered_out is False


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("cheese", ["Oude Goudse kaas"]),
        ("Cheese", ["Oude Goudse kaas"]),
        ("novel", ["De avond is ongemak"]),  # "roman" in its description
        ("surfboard cheese", []),  # every word must still match
    ],
)
def test_english_words_find_dutch_products(client, town, words, expected):
    assert titles(search(client, q=words, sort="title")) == expected


def test_searches_filtered_to_nothing_are_not_counted_as_misses(client, town, at):
    at(datetime(2026, 11, 26, 7, 0, tzinfo=AMSTERDAM))
    search(client, q="kaas", open_now="1")
    search(client, q="surfplank")
    day = datetime(2026, 11, 26).date()
    misses = failed_searches_for_scope(scope=Scope(), period=Period(day, day))
    assert [row["query"] for row in misses] == ["surfplank"]
