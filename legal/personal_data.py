"""A consumer's own data: the export they download (JSON and CSV in one zip).

Everything is read for the one user asked about (`user=`); nothing of anyone else is in it,
not even the other parts of a shop's order list. CSV cells that a spreadsheet would read as
a formula are written as text (marketplace.spreadsheet_cells).

Packages above this one (gift cards, community) add their own sections: an installed app
with a `personal_data` module whose `export(*, user) -> dict[str, list[dict]]` gives them
(and whose `forget(*, user)` runs when the account is deleted, see legal.accounts), so this
module never imports them."""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils import timezone
from oscar.core.loading import get_model

from logistics.models import OrderPart
from marketplace.spreadsheet_cells import neutralise_row

Order = get_model("order", "Order")
Line = get_model("order", "Line")
UserAddress = get_model("address", "UserAddress")
UserSearch = get_model("analytics", "UserSearch")
ProductAlert = get_model("customer", "ProductAlert")
Email = get_model("communication", "Email")

ADDRESS_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "phone_number",
    "notes",
)
PART_FIELDS = (
    "method",
    "status",
    "recipient_name",
    "address_line",
    "house_number",
    "house_number_addition",
    "postcode",
    "city",
    "phone",
    "safe_place",
    "allow_neighbour",
)


def plain(value):
    """A JSON- and CSV-friendly value: text for dates, amounts and phone numbers."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def address_of(address, fields=ADDRESS_FIELDS) -> dict:
    if address is None:
        return {}
    data = {field: plain(getattr(address, field, "")) for field in fields}
    data["country"] = plain(getattr(address, "country_id", ""))
    return data


def account_of(user) -> dict:
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": plain(user.date_joined),
        "last_login": plain(user.last_login),
    }


def orders_of(user) -> list[dict]:
    orders = (
        Order.objects.filter(user=user)
        .select_related("shipping_address", "billing_address")
        .order_by("date_placed", "pk")
    )
    lines_by_order: dict[int, list] = {}
    for line in Line.objects.filter(order__user=user).order_by("order_id", "pk"):
        lines_by_order.setdefault(line.order_id, []).append(line)
    parts_by_order: dict[int, list] = {}
    for part in OrderPart.objects.filter(order__user=user).select_related("shop__partner"):
        parts_by_order.setdefault(part.order_id, []).append(part)
    return [
        {
            "number": order.number,
            "placed_at": plain(order.date_placed),
            "status": order.status,
            "total": plain(order.total_incl_tax),
            "currency": order.currency,
            "email": order.guest_email or user.email,
            "shipping_address": address_of(order.shipping_address),
            "billing_address": address_of(order.billing_address),
            "parts": [
                {
                    "shop": part.shop.partner.name,
                    **{f: plain(getattr(part, f)) for f in PART_FIELDS},
                }
                for part in parts_by_order.get(order.pk, [])
            ],
            "lines": [
                {
                    "shop": line.partner_name,
                    "product": line.title,
                    "ean": line.upc or "",
                    "quantity": line.quantity,
                    "total": plain(line.line_price_incl_tax),
                }
                for line in lines_by_order.get(order.pk, [])
            ],
        }
        for order in orders
    ]


def personal_data_of(*, user) -> dict:
    """All the data the platform holds about this consumer, by section."""
    return {
        "exported_at": plain(timezone.now()),
        "account": account_of(user),
        "addresses": [
            address_of(address) for address in UserAddress.objects.filter(user=user).order_by("pk")
        ],
        "orders": orders_of(user),
        "searches": [
            {"query": search.query, "searched_at": plain(search.date_created)}
            for search in UserSearch.objects.filter(user=user).order_by("pk")
        ],
        "product_alerts": [
            {
                "product": alert.product.get_title(),
                "status": alert.status,
                "created_at": plain(alert.date_created),
            }
            for alert in ProductAlert.objects.filter(user=user).select_related("product")
        ],
        "emails": [
            {"subject": email.subject, "sent_at": plain(email.date_sent)}
            for email in Email.objects.filter(user=user).order_by("pk")
        ],
        # Only strictly necessary cookies are set, so no consent is asked or recorded;
        # the section is here so an export always says so.
        "consents": [],
        **other_sections(user),
    }


def section_modules() -> Iterator[ModuleType]:
    """Each installed app's `personal_data` module, this one left out."""
    for config in apps.get_app_configs():
        name = f"{config.name}.personal_data"
        if name == __name__:
            continue
        try:
            yield import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name not in (name, config.name):
                raise


def other_sections(user) -> dict[str, list[dict]]:
    sections: dict[str, list[dict]] = {}
    for module in section_modules():
        if hasattr(module, "export"):
            sections.update(module.export(user=user))
    return sections


def csv_text(headers: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(neutralise_row(["" if value is None else value for value in row]))
    return out.getvalue()


def table(records: list[dict]) -> tuple[list[str], list[list]]:
    headers = list(records[0]) if records else []
    return headers, [[record.get(header) for header in headers] for record in records]


CORE = {
    "exported_at",
    "account",
    "addresses",
    "orders",
    "searches",
    "product_alerts",
    "emails",
    "consents",
}


def csv_files(data: dict) -> dict[str, str]:
    orders = [
        {key: value for key, value in order.items() if not isinstance(value, list | dict)}
        for order in data["orders"]
    ]
    lines = [
        {"order": order["number"], **line} for order in data["orders"] for line in order["lines"]
    ]
    parts = [
        {"order": order["number"], **part} for order in data["orders"] for part in order["parts"]
    ]
    sections = {
        "account.csv": [data["account"]],
        "addresses.csv": data["addresses"],
        "orders.csv": orders,
        "order_lines.csv": lines,
        "order_parts.csv": parts,
        "searches.csv": data["searches"],
        "product_alerts.csv": data["product_alerts"],
        "emails.csv": data["emails"],
        "consents.csv": data["consents"],
        **{f"{name}.csv": records for name, records in data.items() if name not in CORE},
    }
    return {name: csv_text(*table(records)) for name, records in sections.items()}


def personal_data_zip(*, user) -> bytes:
    """data.json and one CSV per section, in a zip."""
    data = personal_data_of(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, text in csv_files(data).items():
            archive.writestr(name, text)
    return buffer.getvalue()
