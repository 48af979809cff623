from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shops.models import Weekday


class Hub(models.Model):
    """A pickup point in the centre where parcels of several shops are collected together."""

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
    capacity_parcels = models.PositiveSmallIntegerField(_("capacity (parcels)"))
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
    """The area around the centre where couriers deliver: a circle for now."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    centre_latitude = models.DecimalField(_("centre latitude"), max_digits=9, decimal_places=6)
    centre_longitude = models.DecimalField(_("centre longitude"), max_digits=9, decimal_places=6)
    radius_metres = models.PositiveIntegerField(_("radius (m)"))

    def __str__(self):
        return self.name


class DeliverySlot(models.Model):
    zone = models.ForeignKey(DeliveryZone, on_delete=models.PROTECT, related_name="slots")
    date = models.DateField(_("date"))
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("capacity (deliveries)"))
    cutoff = models.DateTimeField(_("order before"))

    class Meta:
        ordering = ["date", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__lt=models.F("ends")), name="slot_starts_before_end"
            ),
            models.UniqueConstraint(fields=["zone", "date", "starts"], name="one_slot_per_start"),
        ]

    def __str__(self):
        return f"{self.date} {self.starts:%H:%M}-{self.ends:%H:%M}"
