"""The shop acts on its part (accept, mark ready) at the moment the consumer moves a refused
line into that part: whatever wins, the state is consistent (the line is in the part with
its reservation and ledger, or not at all with the unit back on sale). PostgreSQL."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import translation

from inventory_sync.models import Reservation, ReservationState
from logistics import part_states
from logistics.models import OrderPart, PartStatus
from marketplace.commission.ledger import open_payout
from marketplace.reroute import services
from marketplace.reroute.models import ChanceStatus, SecondChance

from .test_join_part import order_at_two_shops, refuse

pytestmark = pytest.mark.django_db(transaction=True)


def run(target, barrier, outcomes, name):
    try:
        barrier.wait()
        target()
        outcomes[name] = "done"
    except (services.MoveRefused, part_states.TransitionRefused) as refused:
        outcomes[name] = ("refused", str(refused))
    except Exception as error:  # a deadlock or anything else fails the test
        outcomes[name] = ("error", repr(error))
    finally:
        connections.close_all()


def race(*targets):
    barrier, outcomes = threading.Barrier(len(targets), timeout=30), {}
    threads = [
        threading.Thread(target=run, args=(target, barrier, outcomes, name))
        for name, target in targets
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("step", ["accept", "ready"])
def test_the_shop_acting_while_the_consumer_moves_a_line_into_its_part(postgresql, step):  # noqa: F811
    order, part, joined, line, elsewhere = order_at_two_shops(other_price="8.00")
    chance = refuse(part, line)
    if step == "ready":
        part_states.accept_part(part_id=joined.pk, shop_id=joined.shop_id)
    charged_before = open_payout(part=joined).charged

    def shop_acts():
        if step == "accept":
            part_states.accept_part(part_id=joined.pk, shop_id=joined.shop_id)
        else:
            part_states.mark_ready(part_id=joined.pk, shop_id=joined.shop_id)

    def consumer_moves():
        with translation.override("en"):  # a new thread starts in the site's language
            services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)

    outcomes = race(("shop", shop_acts), ("consumer", consumer_moves))
    assert outcomes["shop"] == "done", outcomes
    joined = OrderPart.objects.get(pk=joined.pk)
    assert joined.status == (PartStatus.ACCEPTED if step == "accept" else PartStatus.READY)
    elsewhere.refresh_from_db()
    payout = open_payout(part=joined)
    if outcomes["consumer"] == "done":
        new_line = joined.lines().get(title="Book")
        assert Reservation.objects.get(order_line=new_line).state == ReservationState.ACTIVE
        assert elsewhere.num_allocated == 1
        assert joined.subtotal_incl_vat == Decimal("14.00")
        assert payout.charged == charged_before + Decimal("8.00")
        assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.MOVED
    else:
        assert step == "ready" and outcomes["consumer"][0] == "refused", outcomes
        assert joined.lines().count() == 1
        assert elsewhere.num_allocated == 0
        assert not Reservation.objects.filter(stockrecord=elsewhere).exists()
        assert joined.subtotal_incl_vat == Decimal("6.00")
        assert payout.charged == charged_before
        assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.OPEN


@pytest.mark.parametrize("first", ["shop", "consumer"])
def test_whoever_holds_the_part_first_the_other_waits_for_it(postgresql, first):  # noqa: F811
    """Each order forced: the first one's transaction stays open until the second is waiting
    on the part's row lock, then commits."""
    import time

    from django.db import transaction

    order, part, joined, line, elsewhere = order_at_two_shops(other_price="8.00")
    chance = refuse(part, line)
    part_states.accept_part(part_id=joined.pk, shop_id=joined.shop_id)
    release = threading.Event()

    def hold(step):
        def held():
            with transaction.atomic():
                step()
                time.sleep(0.5)  # the other one is now waiting on the part's row
                release.wait(timeout=30)

        return held

    def shop_acts():
        part_states.mark_ready(part_id=joined.pk, shop_id=joined.shop_id)

    def consumer_moves():
        with translation.override("en"):  # a new thread starts in the site's language
            services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)

    steps = {"shop": shop_acts, "consumer": consumer_moves}
    second = "consumer" if first == "shop" else "shop"

    def second_step():
        time.sleep(0.2)  # after the first one took the lock
        release_later = threading.Timer(0.5, release.set)
        release_later.start()
        steps[second]()

    outcomes = race((first, hold(steps[first])), (second, second_step))
    joined = OrderPart.objects.get(pk=joined.pk)
    assert joined.status == PartStatus.READY
    assert outcomes["shop"] == "done", outcomes
    elsewhere.refresh_from_db()
    if first == "consumer":  # the move went in first: the packed part has the line
        assert outcomes["consumer"] == "done", outcomes
        assert sorted(joined.lines().values_list("title", flat=True)) == ["Book", "Mug"]
        assert elsewhere.num_allocated == 1
    else:  # packed first: the move is refused and leaves nothing behind
        assert outcomes["consumer"][0] == "refused", outcomes
        assert "just packed" in outcomes["consumer"][1]
        assert joined.lines().count() == 1
        assert elsewhere.num_allocated == 0
        assert not Reservation.objects.filter(stockrecord=elsewhere).exists()
        assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.OPEN


def test_an_automatic_move_does_not_wait_for_a_busy_part(postgresql):  # noqa: F811
    """ "Find it elsewhere" runs in the refusing shop's transaction: when the other shop is
    acting on its part just then, the line is not moved automatically but left open for
    the consumer (no lock waits across two parts, so no deadlock)."""
    from django.db import transaction

    from marketplace.reroute.services import remember_preference

    order, part, joined, line, elsewhere = order_at_two_shops(other_price="8.00")
    remember_preference(order=order, find_elsewhere=True)
    holding, release = threading.Event(), threading.Event()

    def other_shop_busy():
        with transaction.atomic():
            OrderPart.objects.select_for_update().get(pk=joined.pk)
            holding.set()
            release.wait(timeout=30)

    def refusing_shop():
        holding.wait(timeout=30)
        try:
            part_states.refuse_line(
                part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason=""
            )
        finally:
            release.set()

    outcomes = race(("busy", other_shop_busy), ("refuse", refusing_shop))
    assert outcomes == {"busy": "done", "refuse": "done"}
    chance = SecondChance.objects.get(line=line)
    assert (chance.status, chance.held) == (ChanceStatus.OPEN, Decimal("10.00"))
    assert OrderPart.objects.get(pk=joined.pk).lines().count() == 1
    elsewhere.refresh_from_db()
    assert elsewhere.num_allocated == 0
    # Later, with the part free, the consumer moves it in one click.
    services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.MOVED
