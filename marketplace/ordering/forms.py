from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from logistics.models import FulfilmentMethod, Hub

from . import delivery


def method_choices() -> list:
    """Collect at the shop, delivery, and collect at the hub when the town has one."""
    if Hub.objects.exists():
        return FulfilmentMethod.choices
    return [(v, label) for v, label in FulfilmentMethod.choices if v != FulfilmentMethod.HUB]


def slot_label(slot) -> str:
    return f"{date_format(slot.date, 'l j F')}, {slot.starts:%H:%M}–{slot.ends:%H:%M}"


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, slot):
        return slot_label(slot)


class CheckoutForm(forms.Form):
    """Per shop: collect or delivery (with a slot); one delivery address for the order."""

    recipient_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    address_line = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        slots = delivery.open_slots()
        self._slots = slots
        methods = method_choices() if groups else []  # one query for every shop
        for group in groups:
            key = group.shop.partner_id
            self.fields[f"method_{key}"] = forms.ChoiceField(
                label=group.shop.name,
                choices=methods,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=FulfilmentMethod.COLLECT,
            )
            self.fields[f"slot_{key}"] = SlotChoiceField(
                label=_("Delivery slot"), queryset=slots, required=False
            )
        self.area = None

    @cached_property
    def slot_choices(self) -> list[tuple[int, str]]:
        """The open slots as (pk, label), read once for every shop's select (each field's
        own choices would count and read the slots again per shop)."""
        return [(slot.pk, slot_label(slot)) for slot in self._slots.all()]

    def method_field(self, group):
        return self[f"method_{group.shop.partner_id}"]

    def slot_field(self, group):
        return self[f"slot_{group.shop.partner_id}"]

    def deliveries(self) -> list:
        return [
            g
            for g in self.groups
            if self.cleaned_data.get(f"method_{g.shop.partner_id}") == FulfilmentMethod.DELIVERY
        ]

    def clean(self):
        cleaned = super().clean()
        wanted = self.deliveries()
        for group in wanted:
            if not cleaned.get(f"slot_{group.shop.partner_id}"):
                self.add_error(
                    f"slot_{group.shop.partner_id}",
                    _("Choose a delivery slot for %(shop)s.") % {"shop": group.shop.name},
                )
        if wanted:
            self.clean_address(cleaned)
        return cleaned

    def clean_address(self, cleaned) -> None:
        for name in ("recipient_name", "address_line", "postcode", "city"):
            if not cleaned.get(name):
                self.add_error(name, _("Needed for delivery."))
        if cleaned.get("postcode"):
            try:
                self.area = delivery.locate_in_zone(cleaned["postcode"])
                cleaned["postcode"] = delivery.normalise_postcode(cleaned["postcode"])
            except delivery.DeliveryRefused as refused:
                self.add_error("postcode", str(refused))

    def address(self) -> delivery.DeliveryAddress | None:
        if not self.deliveries() or self.area is None:
            return None
        data = self.cleaned_data
        return delivery.DeliveryAddress(
            recipient_name=data["recipient_name"],
            address_line=data["address_line"],
            postcode=data["postcode"],
            city=data["city"],
            phone=data.get("phone", ""),
            latitude=Decimal(self.area.latitude),
            longitude=Decimal(self.area.longitude),
        )

    def choices(self):
        from .services import PartChoice

        result = {}
        for group in self.groups:
            key = group.shop.partner_id
            method = self.cleaned_data[f"method_{key}"]
            slot = self.cleaned_data.get(f"slot_{key}")
            is_delivery = method == FulfilmentMethod.DELIVERY
            result[key] = PartChoice(method=method, slot_id=slot.pk if is_delivery else None)
        return result
