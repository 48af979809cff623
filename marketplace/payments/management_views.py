"""Centre management's desk for Stripe events the marketplace could not apply by itself:
failed ones (a refund made in Stripe's dashboard, an event that gave up after its retries)
and ones still being retried. Staff only; actions are POST and a second click changes
nothing."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from marketplace.staff import StaffOnlyMixin

from . import webhooks
from .models import EventStatus, WebhookEvent


class HandledForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=300,
        help_text=gettext_lazy("For example: refunded the shop's part by hand, order 100123."),
    )


def summary(record: WebhookEvent) -> dict:
    """What the event is about, read from its payload for the person deciding."""
    obj = (record.payload.get("data") or {}).get("object") or {}
    cents = obj.get("amount_refunded") or obj.get("amount")
    return {
        "object_id": obj.get("id", ""),
        "order_number": (obj.get("metadata") or {}).get("order_number", ""),
        "amount": Decimal(cents) / 100 if isinstance(cents, int) else None,
    }


class PaymentEventsView(StaffOnlyMixin, TemplateView):
    template_name = "payments/management_events.html"

    def get_context_data(self, **kwargs):
        def rows(events):
            return [{"event": event, **summary(event)} for event in events]

        events = WebhookEvent.objects.select_related("handled_by")
        return super().get_context_data(
            failed=rows(events.filter(status=EventStatus.FAILED).order_by("received_at")),
            waiting=rows(events.filter(status=EventStatus.WAITING).order_by("next_attempt_at")),
            handled=rows(events.filter(status=EventStatus.HANDLED).order_by("-handled_at")[:20]),
            form=HandledForm(),
            **kwargs,
        )

    def post(self, request):
        try:
            event_pk = int(request.POST.get("event", ""))
        except ValueError:
            messages.error(request, _("No event was chosen."))
            return redirect("payment-events:list")
        action = request.POST.get("action")
        try:
            if action == "retry":
                record = webhooks.retry_now(event_pk=event_pk)
                if record.status == EventStatus.APPLIED:
                    messages.success(request, _("Applied."))
                else:
                    messages.warning(request, _("Still not applied: %(error)s") % {
                        "error": record.error
                    })  # fmt: skip
            elif action == "handled":
                form = HandledForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Say what was done before marking it handled."))
                    return redirect("payment-events:list")
                webhooks.mark_handled(event_pk=event_pk, user=request.user, **form.cleaned_data)
                messages.success(request, _("Marked as handled."))
            else:
                messages.error(request, _("Unknown action."))
        except webhooks.EventNotOpen:
            messages.info(request, _("That event was already applied or handled."))
        return redirect("payment-events:list")
