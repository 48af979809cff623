"""Centre management's review of shops: applications, approve or reject, pause and reopen.

Staff only (`is_staff`): anonymous visitors go to the sign-in page, other users get a 403.
Actions are POST only; a second click finds the status moved on and changes nothing.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from marketplace.staff import StaffOnlyMixin

from . import services
from .models import Shop, ShopStatus
from .onboarding_forms import DecisionForm, RejectionForm


def shops_for_review():
    return Shop.objects.select_related("partner", "application__decided_by").order_by(
        "-created_at", "-id"
    )


class ShopReviewListView(StaffOnlyMixin, ListView):
    template_name = "shops/onboarding/management_list.html"
    context_object_name = "shops"
    paginate_by = 50

    def status_filter(self) -> str:
        """Applications waiting for a decision first; 'all' shows every shop."""
        wanted = self.request.GET.get("status", ShopStatus.APPLIED)
        return wanted if wanted in ShopStatus.values else "all"

    def get_queryset(self):
        shops = shops_for_review()
        wanted = self.status_filter()
        return shops if wanted == "all" else shops.filter(status=wanted)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status=self.status_filter(), statuses=ShopStatus.choices, **kwargs
        )


class ShopReviewDetailView(StaffOnlyMixin, DetailView):
    template_name = "shops/onboarding/management_detail.html"
    context_object_name = "shop"

    def get_queryset(self):
        return shops_for_review().prefetch_related("opening_hours", "partner__users")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            approve_form=kwargs.pop("approve_form", DecisionForm()),
            reject_form=kwargs.pop("reject_form", RejectionForm()),
            statuses=ShopStatus,
            **kwargs,
        )


class ShopActionView(StaffOnlyMixin, View):
    """approve, reject, pause, reopen: one POST each, redirecting back to the shop."""

    DONE = {
        "approve": gettext_lazy("The shop is approved and its owner has been e-mailed."),
        "reject": gettext_lazy("The application is rejected and the applicant has been e-mailed."),
        "pause": gettext_lazy("The shop is paused: it is off the storefront."),
        "reopen": gettext_lazy("The shop is open again on the storefront."),
    }

    def post(self, request, pk, action):
        if action not in self.DONE:
            raise Http404
        shop = get_object_or_404(Shop, pk=pk)
        if action in {"approve", "reject"}:
            form = (DecisionForm if action == "approve" else RejectionForm)(request.POST)
            if not form.is_valid():
                return self.show_again(request, shop, action, form)
            changed = self.decide(shop, action, form.cleaned_data["message"])
        else:
            service = services.pause_shop if action == "pause" else services.reopen_shop
            changed = service(shop_id=shop.pk)
        if changed:
            messages.success(request, self.DONE[action])
        else:
            messages.warning(request, _("The shop's status had already changed; nothing was done."))
        return redirect("shop-management:detail", pk=shop.pk)

    def decide(self, shop, action, message) -> bool:
        service = services.approve_shop if action == "approve" else services.reject_shop
        return service(shop_id=shop.pk, decided_by=self.request.user, message=message)

    def show_again(self, request, shop, action, form):
        """The detail page with the form's errors next to its field, nothing changed."""
        view = ShopReviewDetailView(request=request, kwargs={"pk": shop.pk})
        view.object = get_object_or_404(view.get_queryset(), pk=shop.pk)
        context = view.get_context_data(object=view.object, **{f"{action}_form": form})
        return render(request, view.template_name, context, status=400)
