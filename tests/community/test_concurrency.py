"""Racing on real PostgreSQL: several beats closing the same due alerts e-mail each alert once;
many clicks at once make one alert and one favourite."""

import threading

import pytest
from django.core import mail
from django.db import connections
from oscar.core.loading import get_model

from inventory_sync.services import set_on_hand
from marketplace.community import services
from marketplace.community.alerts import close_due_alerts
from marketplace.community.models import FavouriteShop
from tests.factories import ShopFactory, UserFactory, make_offer

ProductAlert = get_model("customer", "ProductAlert")
THREADS = 8
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql")]


def at_once(work) -> list:
    """Runs `work()` in THREADS threads released together; their results or errors."""
    outcomes: list = []
    barrier = threading.Barrier(THREADS, timeout=60)

    def run():
        try:
            barrier.wait()
            outcomes.append(("done", work()))
        except Exception as error:  # a deadlock or anything else fails the test
            outcomes.append(("error", repr(error)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_beats_racing_close_and_e_mail_each_alert_once():
    shop = ShopFactory()
    record = make_offer(shop, on_hand=0, title="Theepot")
    people = [UserFactory() for _ in range(5)]
    for person in people:
        services.ask_back_in_stock(user=person, product=record.product)
    set_on_hand(stockrecord_id=record.pk, quantity=1)

    outcomes = at_once(close_due_alerts)
    assert [kind for kind, _ in outcomes] == ["done"] * THREADS
    closed = sorted(alert_id for _, ids in outcomes for alert_id in ids)
    assert closed == sorted(ProductAlert.objects.values_list("pk", flat=True))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert set(ProductAlert.objects.values_list("status", flat=True)) == {ProductAlert.CLOSED}


def test_many_clicks_at_once_make_one_alert_and_one_favourite():
    shop = ShopFactory()
    record = make_offer(shop, on_hand=0)
    person = UserFactory()
    alerts = at_once(lambda: services.ask_back_in_stock(user=person, product=record.product).pk)
    assert [kind for kind, _ in alerts] == ["done"] * THREADS
    assert ProductAlert.objects.filter(user=person).count() == 1
    favourites = at_once(lambda: services.add_favourite(user=person, shop=shop))
    assert sorted(added for _, added in favourites) == [False] * (THREADS - 1) + [True]
    assert FavouriteShop.objects.filter(user=person).count() == 1
