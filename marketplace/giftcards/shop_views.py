"""The shop's counter (/shop/giftcards/, a phone): scan or type a card's code (+ PIN above
the limit), see what is left, take an amount off; sell a new card and print it. Only shops
that take part in the city gift card; codes tried are counted per shop."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from marketplace.throttling import hit, over_rate
from shops.access import ShopMixin

from . import codes, printed, selectors, services
from .forms import ActivateForm, CodeForm, RedeemForm, SellForm
from .models import CardStatus, Scheme
from .views import pdf_response


class CounterView(ShopMixin, TemplateView):
    template_name = "giftcards/counter.html"

    def participating(self) -> bool:
        scheme = Scheme.current()
        return scheme.is_active and scheme.shops.filter(pk=self.shop.pk).exists()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("code_form", CodeForm())
        kwargs.setdefault("sell_form", SellForm(initial={"token": uuid.uuid4().hex}))
        return super().get_context_data(
            shop=self.shop,
            participating=self.participating(),
            scheme=Scheme.current(),
            recent=selectors.recent_entries_of_shop(shop=self.shop),
            **kwargs,
        )

    def post(self, request):
        if not self.participating():
            messages.error(request, _("Your shop does not take part in the city gift card."))
            return redirect("giftcards:counter")
        action = request.POST.get("action")
        if action == "sell":
            return self.sell()
        if action == "redeem":
            return self.redeem()
        if action == "activate":
            return self.activate()
        return self.look_up()

    def card_from(self, form, code_text: str, pin: str, *, selling: bool = False):
        """The card of a typed or scanned code with its PIN, or None with the error on form.
        `selling` a printed card asks no PIN: it holds nothing yet."""
        if over_rate([("giftcard_code_shop", str(self.shop.pk))]):
            form.add_error(None, _("Too many codes tried; wait a minute and try again."))
            return None
        try:
            card = services.find_card(code_text=code_text)
            # A printed card not sold yet holds nothing: the shop sells it without its PIN.
            if card.needs_pin and not selling and card.status != CardStatus.PRINTED:
                if hit("giftcard_pin_card", card.code) is not None:
                    raise services.Refused(
                        _("Too many PINs tried for this card; wait an hour and try again.")
                    )
                if not pin:
                    raise services.Refused(_("This card needs its PIN: ask the holder for it."))
                services.check_pin(card, pin)
        except services.Refused as refused:
            form.add_error(None, str(refused))
            return None
        return card

    def look_up(self):
        form = CodeForm(self.request.POST)
        card = None
        if form.is_valid():
            card = self.card_from(form, form.cleaned_data["code"], form.cleaned_data["pin"])
        if card is None:
            return self.render_to_response(self.get_context_data(code_form=form))
        if card.status == CardStatus.PRINTED:
            activate_form = ActivateForm(
                initial={"card": codes.shown(card.code), "token": uuid.uuid4().hex}
            )
            return self.render_to_response(
                self.get_context_data(
                    printed=card, activate_form=activate_form, code=codes.shown(card.code)
                )
            )
        redeem_form = RedeemForm(
            initial={
                "card": codes.shown(card.code),
                "token": uuid.uuid4().hex,
                "pin": form.cleaned_data["pin"],
            }
        )
        return self.render_to_response(
            self.get_context_data(
                card=card,
                problem=services.usable_now(card),
                redeem_form=redeem_form,
                code=codes.shown(card.code),
            )
        )

    def redeem(self):
        form = RedeemForm(self.request.POST)
        card = None
        if form.is_valid():
            card = self.card_from(form, form.cleaned_data["card"], form.cleaned_data["pin"])
        if card is not None:
            try:
                services.redeem(
                    card_id=card.pk,
                    shop=self.shop,
                    amount=form.cleaned_data["amount"],
                    key=f"{self.shop.pk}-{form.cleaned_data['token']}",
                    user=self.request.user,
                )
            except services.Refused as refused:
                form.add_error("amount", str(refused))
            else:
                card.refresh_from_db()
                messages.success(
                    self.request,
                    _("%(amount)s euros taken off the card; %(balance)s euros are left.")
                    % {
                        "amount": number_format(form.cleaned_data["amount"], 2),
                        "balance": number_format(card.balance, 2),
                    },
                )
                return redirect("giftcards:counter")
        return self.render_to_response(
            self.get_context_data(
                card=card,
                problem=services.usable_now(card) if card else "",
                redeem_form=form,
                code=codes.shown(card.code) if card else "",
            )
        )

    def activate(self):
        """Sells a pre-printed card: it becomes active with the amount taken at the till."""
        form = ActivateForm(self.request.POST)
        card = None
        if form.is_valid():
            card = self.card_from(form, form.cleaned_data["card"], "", selling=True)
        if card is not None:
            try:
                card = printed.activate_printed(
                    card_id=card.pk,
                    shop=self.shop,
                    amount=form.cleaned_data["amount"],
                    user=self.request.user,
                    key=f"{self.shop.pk}-{form.cleaned_data['token']}",
                )
            except services.Refused as refused:
                form.add_error("amount", str(refused))
            else:
                messages.success(
                    self.request,
                    _("Card %(code)s is sold: %(amount)s euros on it.")
                    % {"code": codes.shown(card.code), "amount": number_format(card.balance, 2)},
                )
                return redirect("giftcards:counter")
        return self.render_to_response(
            self.get_context_data(
                printed=card, activate_form=form, code=codes.shown(card.code) if card else ""
            )
        )

    def sell(self):
        form = SellForm(self.request.POST)
        if form.is_valid():
            try:
                made = services.sell_at_counter(
                    shop=self.shop,
                    amount=form.cleaned_data["amount"],
                    user=self.request.user,
                    key=f"{self.shop.pk}-{form.cleaned_data['token']}",
                )
            except services.Refused as refused:
                form.add_error("amount", str(refused))
            else:
                return self.render_to_response(
                    self.get_context_data(
                        sold=made.card, sold_code=codes.shown(made.card.code), sold_pin=made.pin
                    )
                )
        return self.render_to_response(self.get_context_data(sell_form=form))


class CounterCardPdfView(ShopMixin, View):
    """A card this shop sold, to print; any other card is a 404."""

    def get(self, request, pk):
        return pdf_response(selectors.card_sold_by_shop(shop=self.shop, pk=pk))
