from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from logistics.models import Hub, PartMethod, PostcodeArea
from logistics.slots import open_slots

from . import address_lookup, delivery, gift_card_payment, guest_forms


def method_choices(has_hub: bool | None = None) -> list:
    """Collect at the shop, delivery, and collect at the hub when the town has one
    (`has_hub`: when the caller has read the hub already)."""
    if has_hub if has_hub is not None else Hub.objects.exists():
        return PartMethod.choices
    return [(v, label) for v, label in PartMethod.choices if v != PartMethod.HUB]


def slot_label(slot) -> str:
    return f"{date_format(slot.date, 'l j F')}, {slot.starts:%H:%M}–{slot.ends:%H:%M}"


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, slot):
        return slot_label(slot)


class CheckoutForm(forms.Form):
    """Per shop: collect or delivery (with a slot); one delivery address for the order."""

    recipient_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    house_number = forms.CharField(label=_("House number"), max_length=5, required=False)
    house_number_addition = forms.CharField(
        label=_("Letter or addition"), max_length=10, required=False
    )
    # The street alone; the address register fills it (and the city) when it knows the house.
    address_line = forms.CharField(label=_("Street"), max_length=180, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    allow_neighbour = forms.BooleanField(
        label=_("If nobody is home, the courier may leave it with a neighbour"), required=False
    )
    safe_place = forms.CharField(
        label=_("Safe place (if nobody is home)"),
        help_text=_("For example: behind the garden gate. Leave empty if there is none."),
        max_length=200,
        required=False,
    )
    # Stored by marketplace.reroute: a refused line moves by itself when not dearer.
    find_elsewhere = forms.BooleanField(
        label=_("Find it elsewhere if a shop cannot deliver"),
        help_text=_(
            "If a shop does not have a product after all, we move it to another shop that"
            " has it for the same price or less, and refund any difference."
        ),
        required=False,
    )

    ADDRESS_FIELDS = (
        "recipient_name",
        "postcode",
        "house_number",
        "house_number_addition",
        "address_line",
        "city",
        "phone",
    )

    def __init__(self, *args, groups, has_hub: bool | None = None, guest=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.guest = guest  # no account: e-mail and phone are asked (guest_forms.py)
        if guest:
            guest_forms.add_guest_fields(self)
        gift_card_payment.add_fields(self)
        slots = open_slots()
        self._slots = slots
        methods = method_choices(has_hub) if groups else []  # once for every shop
        for group in groups:
            key = group.shop.partner_id
            self.fields[f"method_{key}"] = forms.ChoiceField(
                label=group.shop.name,
                choices=methods,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=PartMethod.COLLECT,
            )
            self.fields[f"slot_{key}"] = SlotChoiceField(
                label=_("Delivery slot"), queryset=slots, required=False
            )
        self.area: PostcodeArea | None = None
        self.house = None  # the address register's house, when it knows it

    @cached_property
    def slot_choices(self) -> list[tuple[int, str]]:
        """The open slots as (pk, label), read once for every shop's select (each field's
        own choices would count and read the slots again per shop)."""
        return [(slot.pk, slot_label(slot)) for slot in self._slots.all()]

    @property
    def address_fields(self) -> tuple[str, ...]:
        """A guest's phone is asked with the e-mail, for every order, not with the address."""
        if self.guest:
            return tuple(name for name in self.ADDRESS_FIELDS if name != "phone")
        return self.ADDRESS_FIELDS

    def clean_email(self):
        return guest_forms.clean_guest_email(self.cleaned_data["email"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return guest_forms.clean_guest_phone(phone) if self.guest else phone

    def guest_contact(self):
        from .services import GuestContact

        if not self.guest:
            return None
        return GuestContact(email=self.cleaned_data["email"], phone=self.cleaned_data["phone"])

    def method_field(self, group):
        return self[f"method_{group.shop.partner_id}"]

    def slot_field(self, group):
        return self[f"slot_{group.shop.partner_id}"]

    def deliveries(self) -> list:
        return [
            g
            for g in self.groups
            if self.cleaned_data.get(f"method_{g.shop.partner_id}") == PartMethod.DELIVERY
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
        """The zone by postcode, then the house: from the address register when it answers
        (its street and city win over what was typed), else the street and city as typed
        and the postcode area's centre. A house the register does not have is refused."""
        take_number_from_street_line(cleaned)
        for name in ("recipient_name", "postcode", "house_number"):
            if not cleaned.get(name):
                self.add_error(name, _("Needed for delivery."))
        if not cleaned.get("postcode"):
            return
        try:
            # The zone first: outside it, the house does not matter.
            self.area = delivery.locate_in_zone(cleaned["postcode"])
            cleaned["postcode"] = delivery.normalise_postcode(cleaned["postcode"])
            if not self.valid_house_number(cleaned):
                return
            self.house = delivery.find_house(
                postcode=cleaned["postcode"],
                house_number=cleaned["house_number"],
                addition=cleaned.get("house_number_addition", ""),
            )
        except delivery.DeliveryRefused as refused:
            self.area = None
            self.add_error(refused.field, str(refused))
            return
        if self.house is not None:
            cleaned["address_line"], cleaned["city"] = self.house.street, self.house.city
            cleaned["house_number_addition"] = self.house.addition
        for name in ("address_line", "city"):
            if not cleaned.get(name):
                self.add_error(name, _("Needed for delivery."))

    def valid_house_number(self, cleaned) -> bool:
        number = cleaned.get("house_number", "")
        addition = cleaned.get("house_number_addition", "")
        if number and not address_lookup.is_house_number(number):
            self.add_error("house_number", _("A house number is digits only, like 12."))
            return False
        if not address_lookup.is_addition(addition):
            self.add_error(
                "house_number_addition", _("Letters and digits only, like A or 2 (at most 10).")
            )
            return False
        cleaned["house_number_addition"] = addition.strip().upper()
        return bool(number)

    def address(self) -> delivery.DeliveryAddress | None:
        if not self.deliveries() or self.area is None:
            return None
        data = self.cleaned_data
        house, area = self.house, self.area
        return delivery.DeliveryAddress(
            recipient_name=data["recipient_name"],
            address_line=delivery.street_line(
                data["address_line"], data["house_number"], data["house_number_addition"]
            ),
            postcode=data["postcode"],
            city=data["city"],
            phone=data.get("phone", ""),
            # Never from the browser: the register's point of the house, else the area's.
            latitude=house.latitude if house else Decimal(area.latitude),
            longitude=house.longitude if house else Decimal(area.longitude),
            house_number=data["house_number"],
            house_number_addition=data["house_number_addition"],
            location_approximate=house is None,
            allow_neighbour=bool(data.get("allow_neighbour")),
            safe_place=data.get("safe_place", "").strip(),
        )

    def choices(self):
        from .services import PartChoice

        result = {}
        for group in self.groups:
            key = group.shop.partner_id
            method = self.cleaned_data[f"method_{key}"]
            slot = self.cleaned_data.get(f"slot_{key}")
            is_delivery = method == PartMethod.DELIVERY
            result[key] = PartChoice(method=method, slot_id=slot.pk if is_delivery else None)
        return result


def take_number_from_street_line(cleaned) -> None:
    """A street typed with its number ("Walstraat 3A", as before the number had its own
    field, or by habit) gives the number and addition; a number typed in both is kept once."""
    split = delivery.split_street_line(cleaned.get("address_line", ""))
    if split is None:
        return
    street, number, addition = split
    typed = cleaned.get("house_number", "").strip()
    if typed and typed != number:
        return  # the street's name ends in a number ("Plein 1940"): leave it as typed
    cleaned["address_line"], cleaned["house_number"] = street, number
    if not cleaned.get("house_number_addition"):
        cleaned["house_number_addition"] = addition
