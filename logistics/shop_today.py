"""The shop's work of the day: parts to accept, to prepare and to hand over, each with the
time it is due, and the counter's pickup-code lookup."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from .models import DeliverySettings, OrderPart, PartMethod, PartStatus, StopKind

S = PartStatus
ACCEPT_WITHIN = timedelta(minutes=15)  # what consumers are promised on the order page


# Each state its own colour, so a list of parts reads at a glance.
BADGES: dict[str, str] = {
    S.PLACED: "badge-warning",
    S.ACCEPTED: "badge-primary",
    S.READY: "badge-success",
    S.HANDED_OVER: "badge-info",
    S.AT_HUB: "badge-info",
    S.COLLECTED: "badge-secondary",
    S.DELIVERED: "badge-secondary",
    S.REJECTED: "badge-danger",
    S.CANCELLED: "badge-dark",
}


@dataclass(frozen=True)
class Task:
    part: OrderPart
    due: datetime | None

    @property
    def badge(self) -> str:
        return BADGES.get(self.part.status, "badge-light")

    @property
    def customer(self) -> str:
        user = self.part.order.user
        return self.part.recipient_name or (user.get_full_name() if user else "") or ""

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()

    @property
    def items(self) -> int:
        return sum(line.quantity for line in self.part.order.lines.all())


def pickup_eta(part: OrderPart) -> datetime | None:
    etas = [
        stop.eta
        for stop in part.stops.all()
        if stop.kind == StopKind.PICKUP and stop.status == "pending"
    ]
    return min(etas) if etas else None


def due_of(part: OrderPart, preparation: timedelta) -> datetime | None:
    """When the shop's next step on the part is due."""
    if part.status == S.PLACED and part.placed_at:
        return part.placed_at + ACCEPT_WITHIN
    if part.method == PartMethod.COLLECT:
        return part.placed_at + preparation if part.placed_at else None
    eta = pickup_eta(part)
    if eta is not None:
        return eta
    if part.slot_id and (slot := part.slot) is not None:
        starts = datetime.combine(slot.date, slot.starts)
        return timezone.make_aware(starts) - preparation
    return None


def tasks_of(parts) -> list[Task]:
    """Parts with their due time, for a list (prefetch stops and order lines first)."""
    preparation = timedelta(minutes=DeliverySettings.current().preparation_minutes)
    open_states = (S.PLACED, S.ACCEPTED, S.READY)
    return [
        Task(part, due_of(part, preparation) if part.status in open_states else None)
        for part in parts
    ]


def todays_work(shop) -> dict[str, list[Task]]:
    preparation = timedelta(minutes=DeliverySettings.current().preparation_minutes)
    parts = (
        OrderPart.objects.filter(shop=shop, status__in=[S.PLACED, S.ACCEPTED, S.READY])
        .select_related("order", "order__user", "slot")
        .prefetch_related("stops", "order__lines")
    )
    work: dict[str, list[Task]] = {S.PLACED: [], S.ACCEPTED: [], S.READY: []}
    for part in parts:
        work[part.status].append(Task(part, due_of(part, preparation)))
    far = timezone.now() + timedelta(days=365)
    for tasks in work.values():
        tasks.sort(key=lambda task: task.due or far)
    return {"accept": work[S.PLACED], "prepare": work[S.ACCEPTED], "hand_over": work[S.READY]}


def part_for_code(shop, code: str) -> OrderPart | None:
    """The shop's ready collect part whose pickup code the consumer shows at the counter."""
    cleaned = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if not cleaned:
        return None
    return OrderPart.objects.filter(
        shop=shop, status=S.READY, method=PartMethod.COLLECT, pickup_code=cleaned
    ).first()
