"""Centre management's review moderation (/management/reviews/): approve, or reject with a
reason the reviewer sees on "my town"."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.staff import StaffOnlyMixin

from . import selectors
from .forms import RejectForm
from .reviews import ReviewRefused, moderate_review, version


class ReviewQueueView(StaffOnlyMixin, TemplateView):
    template_name = "community/management_reviews.html"

    def get_context_data(self, **kwargs):
        reviews = list(selectors.reviews_to_moderate()[:100])
        for review in reviews:
            review.seen_version = version(review)
        return super().get_context_data(reviews=reviews, **kwargs)


class ReviewModerateView(StaffOnlyMixin, View):
    def post(self, request, pk: int):
        approve = request.POST.get("decision") == "approve"
        reason = ""
        if not approve:
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(str(error) for error in form.errors["reason"]))
                return redirect("community:management-reviews")
            reason = form.cleaned_data["reason"]
        try:
            moderate_review(
                review_id=pk,
                seen_version=request.POST.get("version", ""),
                moderator=request.user,
                approve=approve,
                reason=reason,
            )
        except ReviewRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Approved.") if approve else _("Rejected."))
        return redirect("community:management-reviews")
