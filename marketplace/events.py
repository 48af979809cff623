"""Domain events: how one package tells the others what happened, without importing them.

A publisher calls `publish(SomeEvent(...))`; every listener subscribed to that event type
runs at once, in the publisher's process and inside its transaction, in the order they
subscribed (the order of INSTALLED_APPS, since apps subscribe in `AppConfig.ready()`
through their `listeners.py`). So a listener's rows commit or roll back with the step that
caused them, and a listener that starts a task uses `marketplace.outbox.enqueue` (sent on
commit): a rolled-back step sends nothing. An exception in a listener goes to the
publisher, which rolls back its step.

Events whose effect is money (`required = True`) refuse to be published with no listener:
`NoListener` then rolls the step back, so a part can never be rejected without its refund
or leave its shop without its transfer just because an app was not loaded. Listeners that
move money must be safe to run twice (their rows carry idempotency keys).

Part events carry the part as the step left it (`part`, a logistics OrderPart loaded with
its order and shop); listeners read it and must not save it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

if TYPE_CHECKING:
    from logistics.models import OrderPart


@dataclass(frozen=True)
class Event:
    # True: publishing with no listener raises NoListener (see the module's docstring).
    required: ClassVar[bool] = False


class NoListener(RuntimeError):
    pass


E = TypeVar("E", bound=Event)
listeners: defaultdict[type[Event], list[Callable]] = defaultdict(list)


def subscribe(event_type: type[E], listener: Callable[[E], None]) -> None:
    """Adds a listener once; subscribing the same function again changes nothing."""
    if listener not in listeners[event_type]:
        listeners[event_type].append(listener)


def unsubscribe(event_type: type[E], listener: Callable[[E], None]) -> None:
    if listener in listeners[event_type]:
        listeners[event_type].remove(listener)


def publish(event: Event) -> None:
    subscribed = list(listeners[type(event)])
    if event.required and not subscribed:
        raise NoListener(f"{type(event).__name__} needs a listener; none is subscribed")
    for listener in subscribed:
        listener(event)


# Payments: published by marketplace.payments.stripe_events.


@dataclass(frozen=True)
class PaymentSucceeded(Event):
    """The consumer paid the order (a replay of the same payment is published again)."""

    required: ClassVar[bool] = True
    order_id: int
    reference: str = ""


@dataclass(frozen=True)
class PaymentEndedUnpaid(Event):
    """The payment will not come: Stripe's Checkout page expired or the bank payment failed."""

    required: ClassVar[bool] = True
    order_id: int


@dataclass(frozen=True)
class TopUpPaid(Event):
    """The consumer paid a second chance's difference (reroute's TopUp) on the gateway's
    page; a replay is published again and must change nothing."""

    required: ClassVar[bool] = True
    top_up_id: int
    reference: str = ""


@dataclass(frozen=True)
class TopUpEnded(Event):
    """A difference will not be paid: its Checkout page expired or the bank refused."""

    required: ClassVar[bool] = True
    top_up_id: int


@dataclass(frozen=True)
class GiftCardPaid(Event):
    """A gift card purchase was paid on the gateway's page (a replay is published again)."""

    required: ClassVar[bool] = True
    purchase_id: int
    reference: str = ""


@dataclass(frozen=True)
class GiftCardEnded(Event):
    """A gift card purchase will not be paid: its Checkout page expired."""

    required: ClassVar[bool] = True
    purchase_id: int


# Shops: published by shops.services.


@dataclass(frozen=True)
class ShopApproved(Event):
    """Management approved the shop: its new owner is e-mailed how to start, with the link
    where payouts are set up (payments knows the gateway's)."""

    required: ClassVar[bool] = True  # the owner must never go without the e-mail
    shop_id: int
    owner_id: int


# Order parts: published by logistics.part_states, one event per step of a part.


@dataclass(frozen=True)
class PartEvent(Event):
    part: OrderPart


@dataclass(frozen=True)
class PartPlaced(PartEvent):
    """The order's payment came: the part waits for its shop."""


@dataclass(frozen=True)
class PartCancelled(PartEvent):
    """The part ends before its shop began: the order was never paid."""


@dataclass(frozen=True)
class PartUncollected(PartEvent):
    """Nobody collected the ready part in time: it is cancelled and the consumer refunded."""

    required: ClassVar[bool] = True


@dataclass(frozen=True)
class PartAccepted(PartEvent):
    pass


@dataclass(frozen=True)
class PartRejected(PartEvent):
    """The shop cannot supply the part (or stopped taking orders): the consumer gets it back."""

    required: ClassVar[bool] = True
    reason: str = ""


@dataclass(frozen=True)
class LineRefused(PartEvent):
    """The shop has one line of the part not on the shelf after all; the rest goes ahead.
    Its money must be refunded or offered a second chance (marketplace.reroute)."""

    required: ClassVar[bool] = True
    line_id: int = 0
    reason: str = ""


@dataclass(frozen=True)
class PartReady(PartEvent):
    pass


@dataclass(frozen=True)
class GoodsLeftShop(PartEvent):
    """Collected by the consumer at the shop, or handed to a courier: the shop's share is due."""

    required: ClassVar[bool] = True


@dataclass(frozen=True)
class PartAtHub(PartEvent):
    pass


@dataclass(frozen=True)
class PartCollectedAtHub(PartEvent):
    pass


@dataclass(frozen=True)
class PartDelivered(PartEvent):
    pass


# Returns: published by marketplace.returns.services.


@dataclass(frozen=True)
class ReturnRequested(Event):
    """The consumer asked to return goods of a part: they and the shop are e-mailed."""

    return_id: int


@dataclass(frozen=True)
class ReturnRefunded(Event):
    """The shop confirmed it got the goods back; the refund is recorded (sent on commit)."""

    return_id: int
