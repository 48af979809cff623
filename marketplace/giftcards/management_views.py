"""Centre management: the gift card's set-up, and its books (the liability to card holders,
what is owed to each shop)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, UpdateView, View

from marketplace.staff import StaffOnlyMixin

from . import codes, ledger, printed, selectors, services
from .forms import CodeForm, PrintRunForm, SchemeForm
from .models import GiftCard, Purchase, Scheme


class OverviewView(StaffOnlyMixin, TemplateView):
    template_name = "giftcards/management_overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            scheme=Scheme.current(),
            figures=selectors.centre_figures(),
            shops=selectors.shop_balances(),
            counts=selectors.card_counts(),
            balanced=not ledger.unbalanced_entries(),
            code_form=CodeForm(),
            print_form=PrintRunForm(),
            print_runs=printed.print_runs(),
            **kwargs,
        )


class SetupView(StaffOnlyMixin, UpdateView):
    template_name = "giftcards/management_setup.html"
    form_class = SchemeForm
    success_url = reverse_lazy("giftcards:management")

    def get_object(self, queryset=None):
        return Scheme.current()

    @transaction.atomic
    def form_valid(self, form):
        messages.success(self.request, _("The gift card set-up is saved."))
        return super().form_valid(form)


class RefundView(StaffOnlyMixin, View):
    """Pays what is left on a card back to its holder; the card stops working."""

    def post(self, request):
        form = CodeForm(request.POST)
        card = None
        if form.is_valid():
            try:
                card = services.find_card(code_text=form.cleaned_data["code"])
            except services.Refused as refused:
                messages.error(request, str(refused))
        if card is not None:
            card = get_object_or_404(GiftCard, pk=card.pk)
            try:
                entry = refund(card, request.user)
            except services.Refused as refused:
                messages.error(request, str(refused))
                return redirect("giftcards:management")
            if entry is None:
                messages.info(request, _("Nothing to refund on this card."))
            else:
                messages.success(
                    request,
                    _("%(amount)s euros of card %(code)s refunded; the card is closed.")
                    % {"amount": entry.amount, "code": codes.shown(card.code)},
                )
        return redirect("giftcards:management")


def refund(card: GiftCard, user):
    """A card bought online goes back through the gateway (within the withdrawal period);
    one sold at a counter is paid back there, outside the gateway."""
    if Purchase.objects.filter(card=card).exists():
        return services.refund_purchase(card_id=card.pk, user=user)
    return services.refund_card(card_id=card.pk, user=user)


class PrintRunView(StaffOnlyMixin, View):
    """Makes a run of blank cards to print; its CSV goes to the printer."""

    def post(self, request):
        form = PrintRunForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("count", []):
                messages.error(request, _("Number of cards to print: %(error)s") % {"error": error})
            return redirect("giftcards:management")
        run = printed.make_print_run(count=form.cleaned_data["count"])
        messages.success(
            request,
            _("Print run %(batch)s made: %(count)s cards.")
            % {"batch": run.batch, "count": run.count},
        )
        return redirect("giftcards:management")


class PrintRunCsvView(StaffOnlyMixin, View):
    def get(self, request, batch):
        if not GiftCard.objects.filter(batch=batch).exists():
            raise Http404
        response = HttpResponse(printed.print_run_csv(batch=batch), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="cadeaubonnen-{batch}.csv"'
        return response
