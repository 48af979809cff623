"""The daily retention task removes only what is past its period (settings), and is
scheduled by beat."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from oscar.core.loading import get_model

from legal.models import AnonymisedOrder
from legal.retention import years_before
from legal.tasks import remove_expired_personal_data_task
from marketplace.models import SearchRecord
from tests.conftest import set_clock
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

from .conftest import paid_part

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
UserSearch = get_model("analytics", "UserSearch")
NOW = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)


def aged(queryset, field: str, days: float) -> None:
    queryset.update(**{field: NOW - timedelta(days=days)})


def search_record(query: str) -> SearchRecord:
    return SearchRecord.objects.create(query=query, normalised_query=query, result_count=0)


def session(expires_in_days: float) -> str:
    store = SessionStore()
    store["basket"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=NOW + timedelta(days=expires_in_days)
    )
    return store.session_key


def test_only_what_is_past_its_period_goes(monkeypatch, settings):
    set_clock(monkeypatch, NOW)
    settings.SEARCH_LOG_RETENTION_DAYS = 400
    settings.ANONYMOUS_BASKET_RETENTION_DAYS = 30
    settings.ORDER_RETENTION_YEARS = 7
    person = UserFactory()
    old_search = UserSearch.objects.create(user=person, query="oud")
    new_search = UserSearch.objects.create(user=person, query="nieuw")
    aged(UserSearch.objects.filter(pk=old_search.pk), "date_created", 401)
    aged(UserSearch.objects.filter(pk=new_search.pk), "date_created", 399)
    old_record, new_record = search_record("anna@example.nl"), search_record("kaas")
    aged(SearchRecord.objects.filter(pk=old_record.pk), "created_at", 401)
    aged(SearchRecord.objects.filter(pk=new_record.pk), "created_at", 399)

    shop = ShopFactory()
    record = make_offer(shop, price="2.00")
    old_anonymous, fresh_anonymous, touched_anonymous = (Basket.objects.create() for _ in range(3))
    aged(Basket.objects.filter(pk__in=[old_anonymous.pk, touched_anonymous.pk]), "date_created", 31)
    aged(Basket.objects.filter(pk=fresh_anonymous.pk), "date_created", 29)
    touched_anonymous.lines.create(
        product=record.product,
        stockrecord=record,
        quantity=1,
        line_reference="recent",
        price_currency="EUR",
        price_incl_tax=record.price,
    )
    old_owned = make_basket(person, (record, 1))
    aged(Basket.objects.filter(pk=old_owned.pk), "date_created", 90)

    session(-1)  # expired yesterday
    alive = session(1)

    old_part = paid_part(shop, (make_offer(shop, price="3.00"), 1))
    recent_part = paid_part(shop, (make_offer(shop, price="3.00"), 1))
    cutoff = years_before(NOW, 7)
    Order.objects.filter(pk=old_part.order_id).update(date_placed=cutoff - timedelta(days=1))
    Order.objects.filter(pk=recent_part.order_id).update(date_placed=cutoff + timedelta(days=1))

    removed = remove_expired_personal_data_task()

    assert removed == {
        "user_searches": 1,
        "search_records": 1,
        "baskets": 1,
        "sessions": 1,
        "orders_anonymised": 1,
    }
    assert list(UserSearch.objects.values_list("query", flat=True)) == ["nieuw"]
    assert list(SearchRecord.objects.values_list("query", flat=True)) == ["kaas"]
    assert not Basket.objects.filter(pk=old_anonymous.pk).exists()
    assert (
        Basket.objects.filter(
            pk__in=[fresh_anonymous.pk, touched_anonymous.pk, old_owned.pk]
        ).count()
        == 3
    )
    assert list(Session.objects.values_list("pk", flat=True)) == [alive]
    old_order = Order.objects.get(pk=old_part.order_id)
    assert old_order.user_id is None
    assert Order.objects.get(pk=recent_part.order_id).user_id is not None
    assert list(AnonymisedOrder.objects.values_list("order_id", flat=True)) == [old_order.pk]

    # Again: nothing more to do.
    assert set(remove_expired_personal_data_task().values()) == {0}


def test_an_ordered_anonymous_basket_stays(monkeypatch):
    set_clock(monkeypatch, NOW)
    shop = ShopFactory()
    part = paid_part(shop, (make_offer(shop, price="3.00"), 1))
    basket = Basket.objects.get(pk=part.order.basket_id)
    Basket.objects.filter(pk=basket.pk).update(owner=None, status="Open")
    aged(Basket.objects.filter(pk=basket.pk), "date_created", 365)
    assert remove_expired_personal_data_task()["baskets"] == 0
    assert Basket.objects.filter(pk=basket.pk).exists()


def test_leap_day_cutoff_and_the_beat_schedule():
    assert years_before(datetime(2028, 2, 29, tzinfo=UTC), 7) == datetime(2021, 2, 28, tzinfo=UTC)
    entry = settings.CELERY_BEAT_SCHEDULE["remove-expired-personal-data"]
    assert entry["task"] == remove_expired_personal_data_task.name
    assert entry["schedule"] == 86400.0
