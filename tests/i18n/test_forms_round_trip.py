"""Every form of the shop area and centre management, opened and saved unchanged, saves,
in Dutch and in English (a Dutch "8,55" in a number input once came back blank and the
form refused to save). The pages are read from the URL configuration, so a form added later
is covered without editing this test; forms that start something (no field filled in, only
buttons) are actions, not edits, and are left alone."""

import re

import pytest

from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner
from tests.shops.test_isolation import fill, url_patterns
from tests.support.forms_html import FormReader

pytestmark = pytest.mark.django_db
AREAS = {
    "owner": re.compile(r"^shop/"),
    "staff": re.compile(r"^management/"),
    "consumer": re.compile(r"^accounts/profile/"),
}
EDITABLE = {"text", "number", "date", "time", "email", "url", "tel"}
REFUSED = re.compile(r'is-invalid|class="errorlist|invalid-feedback d-block|alert-danger')


def pages(area: re.Pattern, values: dict[str, str]) -> list[str]:
    found = []
    for route, pattern in url_patterns():
        route = route.lstrip("^")
        names = list(pattern.pattern.regex.groupindex)
        if not area.match(route) or any(name not in values for name in names):
            continue
        found.append(fill(route, values))
    return sorted(set(found))


def edit_forms(html: str) -> list:
    reader = FormReader()
    reader.feed(html)
    return [form for form in reader.forms if form.attrs.get("method", "").lower() == "post"]


def filled(form) -> bool:
    """An edit form shows values; an action form shows only buttons and hidden fields."""
    return any(
        attrs.get("type", "text") in EDITABLE and attrs.get("value")
        for attrs in form.inputs.values()
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_form_saved_unchanged_saves(language):
    shop = ShopFactory()
    offer = make_offer(shop, price="8.55", on_hand=3)
    people = {
        "owner": make_owner(shop),
        "staff": UserFactory(is_staff=True),
        "consumer": UserFactory(first_name="Zoë", last_name="de Vries"),
    }
    values = {"pk": str(offer.pk)}
    tried, refused = [], {}
    for role, area in AREAS.items():
        client = client_for(people[role])
        client.cookies["django_language"] = language
        for path in pages(area, values):
            page = client.get(path)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            for form in edit_forms(page.content.decode()):
                if not filled(form):
                    continue
                data: dict[str, list[str]] = {}
                for name, value in form.fields:
                    data.setdefault(name, []).append(value)
                target = form.attrs.get("action") or path
                answer = client.post(target, data)
                tried.append(target)
                body = answer.content.decode() if answer.status_code == 200 else ""
                if answer.status_code not in (200, 302) or REFUSED.search(body):
                    refused[(path, target)] = answer.status_code
    assert {"/shop/profile/", f"/shop/products/{offer.pk}/", "/accounts/profile/edit/"} <= set(
        tried
    )
    assert refused == {}
