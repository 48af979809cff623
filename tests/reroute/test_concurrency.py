"""Two consumers whose lines were refused move them to the last unit of a third shop at the
same moment: one gets it, the other is told it just sold; never oversold. PostgreSQL."""

import threading

import pytest
from django.db import connections

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart
from logistics.part_states import refuse_line
from marketplace.reroute import services
from marketplace.reroute.models import ChanceStatus, SecondChance
from tests.factories import ShopFactory, make_offer

from .helpers import also_sold_by, paid_order

pytestmark = pytest.mark.django_db(transaction=True)


def move(chance_id: int, record_id: int, barrier, outcomes: list) -> None:
    try:
        barrier.wait()
        services.move_line(chance_id=chance_id, stockrecord_id=record_id)
        outcomes.append("moved")
    except services.MoveRefused as refused:
        outcomes.append(("refused", str(refused)))
    except Exception as error:  # a deadlock or anything else fails the test
        outcomes.append(("error", repr(error)))
    finally:
        connections.close_all()


def test_two_consumers_moving_to_the_last_unit_one_wins(postgresql):
    last = ShopFactory()
    chances = []
    record = None
    for _ in range(2):
        shop = ShopFactory()
        book, pen = make_offer(shop, price="10.00"), make_offer(shop, price="1.00")
        if record is None:
            record = also_sold_by(last, book, price="9.00", on_hand=1)
        else:  # the same product: the second shop sells the first one's book too
            book.delete()
            book = also_sold_by(shop, record, price="10.00")
        order, part = paid_order(shop, (book, 1), (pen, 1))
        line = order.lines.get(stockrecord=book)
        refuse_line(part_id=part.pk, shop_id=shop.pk, line_id=line.pk, reason="gone")
        chances.append(SecondChance.objects.get(line=line).pk)

    barrier, outcomes = threading.Barrier(2, timeout=30), []
    threads = [
        threading.Thread(target=move, args=(chance, record.pk, barrier, outcomes))
        for chance in chances
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(o if isinstance(o, str) else o[0] for o in outcomes) == ["moved", "refused"]
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (1, 1)
    assert (
        Reservation.objects.filter(stockrecord=record, state=ReservationState.ACTIVE).count() == 1
    )
    assert OrderPart.objects.filter(shop=last).count() == 1
    statuses = sorted(SecondChance.objects.filter(pk__in=chances).values_list("status", flat=True))
    assert statuses == [ChanceStatus.MOVED, ChanceStatus.OPEN]
