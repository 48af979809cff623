"""The signed-in user comes from the cache (storefront/signed_in_user.py) but follows every
change of the row at once: deactivated, password changed elsewhere, deleted, renamed; and
the basket page reads its lines' thumbnails in one query."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from marketplace.models import ImageThumbnails
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.support.cache_down import cache_down  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
ProductImage = get_model("catalogue", "ProductImage")
USER_TABLE = f'"{get_user_model()._meta.db_table}"'


def user_queries(captured) -> list[str]:
    """The session's user lookup (ModelBackend.get_user: a get() by primary key)."""
    return [
        q["sql"]
        for q in captured
        if f'FROM {USER_TABLE} WHERE {USER_TABLE}."id" =' in q["sql"] and "LIMIT 21" in q["sql"]
    ]


def test_a_signed_in_page_reads_the_user_row_once_then_from_the_cache(town):
    user = UserFactory()
    client = client_for(user)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/").wsgi_request.user == user
    assert len(user_queries(first)) == 1
    with CaptureQueriesContext(connection) as later:
        response = client.get("/search/?q=kaas")
    assert response.status_code == 200
    shown = response.wsgi_request.user
    assert shown == user and shown.is_authenticated and shown.email == user.email
    assert user_queries(later) == []


def test_a_deactivated_user_is_signed_out_on_the_next_page(town):
    user = UserFactory()
    client = client_for(user)
    assert client.get("/").wsgi_request.user == user  # cached now
    user.is_active = False
    user.save()
    assert client.get("/").wsgi_request.user.is_anonymous


def test_a_password_changed_elsewhere_signs_the_other_sessions_out(town):
    user = UserFactory()
    phone, laptop = client_for(user), client_for(user)
    assert phone.get("/").wsgi_request.user == user
    assert laptop.get("/").wsgi_request.user == user
    user.set_password("a-new-and-long-password")
    user.save()
    assert phone.get("/").wsgi_request.user.is_anonymous
    assert laptop.get("/").wsgi_request.user.is_anonymous


def test_a_deleted_user_is_signed_out_and_a_renamed_one_shows_the_new_name(town):
    renamed, deleted = UserFactory(), UserFactory()
    renamed_client, deleted_client = client_for(renamed), client_for(deleted)
    assert renamed_client.get("/").wsgi_request.user == renamed
    assert deleted_client.get("/").wsgi_request.user == deleted
    renamed.first_name = "Femke"
    renamed.save()
    deleted.delete()
    assert renamed_client.get("/").wsgi_request.user.first_name == "Femke"
    assert deleted_client.get("/").wsgi_request.user.is_anonymous


def test_a_cached_user_saved_by_a_page_keeps_its_password(town):
    """The password is deferred on a cached user: a save writes the fields it loaded."""
    user = UserFactory()
    user.set_password("the-password-stays-the-same")
    user.save()
    client = client_for(user)
    client.get("/")
    cached = client.get("/").wsgi_request.user
    cached.first_name = "Sanne"
    cached.save()
    again = get_user_model().objects.get(pk=user.pk)
    assert again.first_name == "Sanne"
    assert again.check_password("the-password-stays-the-same")


def test_signed_in_pages_read_the_row_while_the_cache_is_down(town, request):
    user = UserFactory()
    client = client_for(user)
    request.getfixturevalue("cache_down")
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").wsgi_request.user == user
        assert len(user_queries(captured)) == 1
    user.is_active = False
    user.save()
    assert client.get("/").wsgi_request.user.is_anonymous


def basket_page(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/basket/")
    assert response.status_code == 200
    return response, [q["sql"] for q in captured]


def test_the_basket_page_costs_the_same_queries_for_one_line_or_three(town):
    """Lines, photos with their thumbnails and the products' classes come with the lines'
    own queries (storefront/basket_middleware.py), not a query per line."""
    records = (town.novel, town.gouda, town.novel_at_cheese)
    for number, record in enumerate(records):
        name = f"tests/line-{number}.jpg"
        ProductImage.objects.get_or_create(
            product=record.product, defaults={"original": name, "display_order": 0}
        )
        source = ProductImage.objects.filter(product=record.product).first().original.name
        thumb = {"name": f"thumbnails/line-{number}.jpg", "width": 80, "height": 60}
        ImageThumbnails.objects.get_or_create(source=source, defaults={"sizes": {"line": [thumb]}})
    client = client_for(UserFactory())
    client.post(f"/basket/add-offer/{records[0].pk}/", {"quantity": "1"})
    basket_page(client)  # fills the per-minute caches (offers, work areas)
    _, one_line = basket_page(client)
    for record in records[1:]:
        client.post(f"/basket/add-offer/{record.pk}/", {"quantity": "1"})
    response, three_lines = basket_page(client)
    assert len(three_lines) == len(one_line), three_lines
    assert not [sql for sql in three_lines if sql.startswith('SELECT "catalogue_productclass"')]
    assert not [sql for sql in three_lines if sql.startswith('SELECT "marketplace_imagethumb')]
    body = response.content.decode()
    assert body.count('class="float-left mr-2 basket-line-photo"') == 3
    assert "thumbnails/line-0.jpg" in body and "thumbnails/line-1.jpg" in body
    assert response.context["basket"].total_incl_tax == Decimal("53.95")  # 19.95+12.50+21.50


def test_adding_twice_adds_to_the_line_and_the_stock_check_counts_the_basket(town):
    client = client_for(UserFactory())
    for _ in range(2):
        added = client.post(f"/basket/add-offer/{town.novel_at_cheese.pk}/", {"quantity": "1"})
        assert added.status_code == 302 and added["Location"].endswith("/basket/")
    lines = list(client.get("/basket/").context["basket"].all_lines())
    assert [(line.stockrecord_id, line.quantity) for line in lines] == [
        (town.novel_at_cheese.pk, 2)
    ]
    # The cheese shop has 3 on hand: a third and a fourth would be one too many.
    refused = client.post(f"/basket/add-offer/{town.novel_at_cheese.pk}/", {"quantity": "2"})
    assert "available online" in client.get(refused["Location"]).content.decode()
    assert client.get("/basket/").context["basket"].all_lines()[0].quantity == 2


# A signed-in visit of the load benchmark's pages (benchmarks/storefront_load.py), caches
# warm: the user, the basket and its lines each cost their queries once.
# Before this round: 6, 7, 12, 15 and 16 (the user's row, Oscar's line counts and classes,
# the line lookup and the hub each read again).
SESSION_BUDGETS = {"home": 5, "product": 6, "add": 8, "basket": 10, "checkout": 11}


def test_a_signed_in_visit_stays_within_its_query_budgets(town):
    client = client_for(UserFactory())
    product = town.gouda.product.get_absolute_url()
    counts = {}
    for _ in range(2):  # the second visit is measured: per-minute caches are filled
        steps = {
            "home": lambda: client.get("/"),
            "product": lambda: client.get(product),
            "add": lambda: client.post(f"/basket/add-offer/{town.gouda.pk}/", {"quantity": "1"}),
            "basket": lambda: client.get("/basket/"),
            "checkout": lambda: client.get("/checkout/"),
        }
        for name, step in steps.items():
            with CaptureQueriesContext(connection) as captured:
                response = step()
            assert response.status_code in (200, 302), name
            counts[name] = len(captured)
    over = {name: count for name, count in counts.items() if count > SESSION_BUDGETS[name]}
    assert not over, counts
