from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shops.models import Weekday

DEFAULT_PART_LITRES = 10
MAX_PART_LITRES = 2000  # an e-van's load; anything larger is not a part
UNCOLLECTED_DAYS_ERROR = _(
    "Uncollected parts: the number of days before cancelling must be between 2 and 60."
)


class Hub(models.Model):
    """A pickup point in the centre where parts of several shops are collected together."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")

    def __str__(self):
        return self.name


class VehicleType(models.TextChoices):
    BIKE = "bike", _("Bike")
    CARGO_BIKE = "cargo_bike", _("Cargo bike")
    E_VAN = "e_van", _("Electric van")


class Courier(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courier"
    )
    vehicle = models.CharField(_("vehicle"), max_length=12, choices=VehicleType.choices)
    capacity_parts = models.PositiveSmallIntegerField(_("capacity (parts)"))
    capacity_litres = models.PositiveIntegerField(_("capacity (litres)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("courier")
        verbose_name_plural = _("couriers")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class CourierShift(models.Model):
    courier = models.ForeignKey(Courier, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__lt=models.F("ends")), name="shift_starts_before_end"
            ),
            models.UniqueConstraint(fields=["courier", "weekday"], name="one_shift_per_day"),
        ]

    def __str__(self):
        return f"{self.courier}: {self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class DeliveryZone(models.Model):
    """The area around the centre where couriers deliver, as the postcodes it covers.

    Dutch delivery areas are drawn by four-digit postcode (PC4); each postcode area carries
    a centroid so the dispatcher has coordinates without an online geocoder.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    centre_latitude = models.DecimalField(_("centre latitude"), max_digits=9, decimal_places=6)
    centre_longitude = models.DecimalField(_("centre longitude"), max_digits=9, decimal_places=6)
    radius_metres = models.PositiveIntegerField(_("radius (m)"))
    is_active = models.BooleanField(_("active"), default=True)

    def __str__(self):
        return self.name


class PostcodeArea(models.Model):
    zone = models.ForeignKey(DeliveryZone, on_delete=models.CASCADE, related_name="postcodes")
    pc4 = models.CharField(_("postcode (4 digits)"), max_length=4, unique=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        ordering = ["pc4"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")

    def __str__(self):
        return self.pc4


class DeliverySettings(models.Model):
    """Centre management's delivery fee rules; one row (pk=1)."""

    fee_incl_vat = models.DecimalField(
        _("delivery fee per shop (incl. VAT)"), max_digits=6, decimal_places=2, default=4.95
    )
    free_from = models.DecimalField(
        _("free delivery from (shop subtotal)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        default=50,
    )
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=21)
    reservation_minutes = models.PositiveSmallIntegerField(
        _("unpaid reservations expire after (minutes)"), default=15
    )
    preparation_minutes = models.PositiveSmallIntegerField(
        _("shops need (minutes) to prepare a pickup"), default=30
    )
    # A part ready for collection that nobody collects is cancelled and refunded this many
    # days after it was ready (logistics.uncollected); the reminder goes after one day.
    uncollected_cancel_days = models.PositiveSmallIntegerField(
        _("cancel and refund uncollected parts after (days)"),
        default=7,
        validators=[
            MinValueValidator(2, message=UNCOLLECTED_DAYS_ERROR),
            MaxValueValidator(60, message=UNCOLLECTED_DAYS_ERROR),
        ],
    )

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self):
        return str(_("Delivery settings"))

    @classmethod
    def current(cls) -> "DeliverySettings":
        return cls.objects.get_or_create(pk=1)[0]


class DeliverySlot(models.Model):
    zone = models.ForeignKey(DeliveryZone, on_delete=models.PROTECT, related_name="slots")
    date = models.DateField(_("date"))
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("capacity (deliveries)"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    cutoff = models.DateTimeField(_("order before"))

    class Meta:
        ordering = ["date", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(starts__lt=models.F("ends")), name="slot_starts_before_end"
            ),
            models.UniqueConstraint(fields=["zone", "date", "starts"], name="one_slot_per_start"),
        ]

    def __str__(self):
        return f"{self.date} {self.starts:%H:%M}-{self.ends:%H:%M}"


class PartMethod(models.TextChoices):
    COLLECT = "collect", _("Collect at the shop")
    DELIVERY = "delivery", _("Local delivery")
    HUB = "hub", _("Collect at the hub")


class PartStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PLACED = "placed", _("Placed")
    ACCEPTED = "accepted", _("Accepted")
    READY = "ready", _("Ready")
    HANDED_OVER = "handed_over", _("Handed to courier")
    AT_HUB = "at_hub", _("Waiting at the hub")
    COLLECTED = "collected", _("Collected")
    DELIVERED = "delivered", _("Delivered")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# What a delivered part keeps of the consumer's address and drop-off permissions.
PART_ADDRESS_FIELDS = (
    "recipient_name",
    "address_line",
    "house_number",
    "house_number_addition",
    "postcode",
    "city",
    "phone",
    "latitude",
    "longitude",
    "location_approximate",
    "allow_neighbour",
    "safe_place",
)


class OrderPart(models.Model):
    """One shop's part of a consumer order: how it gets to the consumer, and where it is."""

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="parts")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="parts")
    method = models.CharField(_("method"), max_length=10, choices=PartMethod.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PartStatus.choices,
        default=PartStatus.PENDING_PAYMENT,
        db_index=True,
    )
    # Collect: the consumer shows it at the counter. Delivery: the courier shows it at the shop.
    pickup_code = models.CharField(_("pickup code"), max_length=8)
    # Delivery only: the consumer gives it to the courier at the door.
    delivery_code = models.CharField(_("delivery code"), max_length=8, blank=True)
    failed_code_attempts = models.PositiveSmallIntegerField(default=0)
    slot = models.ForeignKey(
        DeliverySlot, on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # True when the address register could not be asked and the postcode area's centre
    # stands in for the house.
    location_approximate = models.BooleanField(_("location approximate"), default=False)
    # What the consumer allows when nobody opens the door.
    allow_neighbour = models.BooleanField(_("may be left with a neighbour"), default=False)
    safe_place = models.CharField(_("safe place"), max_length=200, blank=True)
    # Set when the courier could not deliver; cleared when the consumer rebooks.
    delivery_failed_at = models.DateTimeField(null=True, blank=True)
    # The "your courier is next" e-mail went out (once per delivery attempt).
    next_notified_at = models.DateTimeField(null=True, blank=True)
    # The "still waiting for you" e-mail of a part nobody collected went out (once).
    collect_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Given to this courier by centre management: the planner keeps it on them.
    pinned_courier = models.ForeignKey(
        "Courier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subtotal_incl_vat = models.DecimalField(_("subtotal"), max_digits=10, decimal_places=2)
    # The part's size as the shop packed it (set when marking ready): what the dispatcher
    # loads on a courier, and bulky parts go only on a cargo bike or van.
    volume_litres = models.PositiveIntegerField(
        _("volume (litres)"),
        default=DEFAULT_PART_LITRES,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PART_LITRES)],
    )
    bulky = models.BooleanField(_("bulky (cargo bike or van only)"), default=False)
    delivery_fee_incl_vat = models.DecimalField(
        _("delivery fee"), max_digits=8, decimal_places=2, default=0
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    at_hub_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order part")
        verbose_name_plural = _("order parts")
        ordering = ["order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "shop"], name="one_part_per_shop"),
            models.CheckConstraint(
                condition=Q(method__in=["collect", "hub"], slot__isnull=True)
                | Q(method="delivery", slot__isnull=False),
                name="delivery_has_slot",
            ),
        ]
        indexes = [models.Index(fields=["shop", "status"], name="part_shop_status_idx")]

    def __str__(self):
        return f"{self.order.number} / {self.shop}"

    @property
    def total_incl_vat(self):
        return self.subtotal_incl_vat + self.delivery_fee_incl_vat

    def lines(self):
        return self.order.lines.filter(partner_id=self.shop.partner_id)


class RouteStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Route(models.Model):
    """One courier's stops of one day, as the dispatcher last planned them (logistics.dispatch)."""

    courier = models.ForeignKey(Courier, on_delete=models.PROTECT, related_name="routes")
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=12, choices=RouteStatus.choices, default=RouteStatus.PLANNED
    )
    planned_at = models.DateTimeField(_("planned at"))
    distance_metres = models.PositiveIntegerField(_("distance (m)"), default=0)
    duration_seconds = models.PositiveIntegerField(_("riding time (s)"), default=0)
    # The stops as the courier last saw them, to tell them what re-planning changed.
    seen_stops = models.JSONField(default=list, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["date", "courier_id"]
        constraints = [
            models.UniqueConstraint(fields=["courier", "date"], name="one_route_per_courier_day")
        ]

    def __str__(self):
        return f"{self.courier} {self.date}"


class StopKind(models.TextChoices):
    PICKUP = "pickup", _("Pick up")
    DELIVERY = "delivery", _("Deliver")
    HUB = "hub", _("Hub")


class StopStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RouteStop(models.Model):
    """A pickup at a shop or a delivery at a door. Re-planning replaces only pending stops."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=10, choices=StopKind.choices)
    # Empty only for a hub stop, which carries no part of its own.
    part = models.ForeignKey(
        OrderPart, on_delete=models.CASCADE, null=True, blank=True, related_name="stops"
    )
    # Set instead of `part` on the two stops of a consumer's return (logistics.return_pickups).
    return_pickup = models.ForeignKey(
        "ReturnPickup", on_delete=models.CASCADE, null=True, blank=True, related_name="stops"
    )
    eta = models.DateTimeField(_("expected at"))
    status = models.CharField(
        _("status"), max_length=8, choices=StopStatus.choices, default=StopStatus.PENDING
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("route stop")
        verbose_name_plural = _("route stops")
        ordering = ["route_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["route", "sequence"], name="one_stop_per_sequence")
        ]
        indexes = [models.Index(fields=["part", "status"], name="stop_part_status_idx")]

    def __str__(self):
        return f"{self.route} #{self.sequence} {self.kind}"


class UnplannedPart(models.Model):
    """A delivery part the last planning run of its day could not put on a route, and why.

    A table rather than a field on OrderPart: the rows belong to one planning run and are
    replaced as a whole by the next, without touching the part itself.
    """

    part = models.OneToOneField(OrderPart, on_delete=models.CASCADE, related_name="unplanned")
    date = models.DateField(_("date"), db_index=True)
    # The routing layer's reason text (logistics.routing_checks); translated when shown.
    reason = models.CharField(_("reason"), max_length=200)
    noted_at = models.DateTimeField(_("noted at"))

    class Meta:
        verbose_name = _("unplanned part")
        verbose_name_plural = _("unplanned parts")
        ordering = ["date", "part_id"]

    def __str__(self):
        return f"{self.part_id}: {self.reason}"


class ProofKind(models.TextChoices):
    RECIPIENT = "recipient", _("Handed to the recipient")
    NEIGHBOUR = "neighbour", _("Left with a neighbour")
    SAFE_PLACE = "safe_place", _("Left at the safe place")


class DeliveryProof(models.Model):
    """What the courier recorded at the door: who took the part, and/or a photo."""

    part = models.OneToOneField(OrderPart, on_delete=models.CASCADE, related_name="proof")
    courier = models.ForeignKey(Courier, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(_("handed over"), max_length=12, choices=ProofKind.choices)
    received_by = models.CharField(_("received by"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to="delivery-proof/%Y/%m/", blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proof of delivery")
        verbose_name_plural = _("proofs of delivery")

    def __str__(self):
        return f"{self.part_id}: {self.get_kind_display()}"


class CourierAction(models.Model):
    """A stop action as the courier's phone sent it, under the key the phone made up.

    An action queued offline may arrive twice; the second arrival finds its key here and
    gets the first one's outcome instead of acting again.
    """

    key = models.CharField(max_length=64, unique=True)
    courier = models.ForeignKey(Courier, on_delete=models.CASCADE, related_name="actions")
    stop = models.ForeignKey(RouteStop, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=20)
    ok = models.BooleanField(default=False)
    outcome = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.courier_id} {self.action} {self.key}"


class ReturnPickupStatus(models.TextChoices):
    OPEN = "open", _("To be picked up")
    PICKED_UP = "picked_up", _("On its way to the shop")
    DROPPED = "dropped", _("At the shop")
    CANCELLED = "cancelled", _("Cancelled")


class ReturnPickup(models.Model):
    """A consumer's return fetched by a courier in a slot and dropped at the shop.

    Made by marketplace.returns (which sits above logistics) and known here only by its
    return's id, so logistics plans it without importing returns.
    """

    return_id = models.PositiveIntegerField(_("return"), unique=True)
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(DeliverySlot, on_delete=models.PROTECT, related_name="+")
    address_line = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The postcode area's centre: returns are not looked up in the address register.
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    # The postcode area's centre when the address register could not place the house.
    location_approximate = models.BooleanField(_("location approximate"), default=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReturnPickupStatus.choices,
        default=ReturnPickupStatus.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("return pickup")
        verbose_name_plural = _("return pickups")
        ordering = ["slot_id", "pk"]

    def __str__(self):
        return f"return {self.return_id}: {self.address_line}"
