"""The consumer's pages: "my town", favourites, back-in-stock alerts, reviews, and the
signed unsubscribe link of the news e-mails. Thin: forms and services do the work."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from shops.models import Shop, ShopStatus

from . import selectors, services
from .forms import NewsPreferenceForm, ReviewForm
from .reviews import ReviewRefused, may_review, write_review
from .unsubscribe import user_id_from

Product = get_model("catalogue", "Product")


def back_to(request, fallback: str):
    """The `next` address of the form when it is one of ours, else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


class MyTownView(LoginRequiredMixin, TemplateView):
    template_name = "community/my_town.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            page_title=_("My town"),
            active_tab="my_town",
            favourites=selectors.favourite_shops_of(user=user),
            alerts=selectors.open_alerts_of(user=user),
            cards=selectors.gift_cards_of(user=user),
            news=selectors.news_for(user=user, today=timezone.localdate()),
            reviews=selectors.reviews_of(user=user),
            news_form=NewsPreferenceForm(
                initial={"news_by_email": selectors.wants_news(user=user)}
            ),
            **kwargs,
        )


class NewsPreferenceView(LoginRequiredMixin, View):
    def post(self, request):
        form = NewsPreferenceForm(request.POST)
        form.is_valid()  # a checkbox: anything but "on" is off
        wanted = bool(form.cleaned_data.get("news_by_email"))
        services.set_news_by_email(user=request.user, wanted=wanted)
        if wanted:
            messages.success(request, _("You get news from your favourite shops by e-mail."))
        else:
            messages.success(request, _("You no longer get news by e-mail."))
        return redirect("community:my-town")


class FavouriteView(LoginRequiredMixin, View):
    """POST `action=add` or `action=remove` for a shop; back to the page it came from."""

    def post(self, request, shop_id: int):
        if request.POST.get("action") == "remove":
            services.remove_favourite(user=request.user, shop_id=shop_id)
            messages.success(request, _("Removed from my town."))
        else:
            shop = get_object_or_404(Shop, pk=shop_id, status=ShopStatus.ACTIVE)
            services.add_favourite(user=request.user, shop=shop)
            messages.success(
                request, _("%(shop)s is in my town now.") % {"shop": shop.partner.name}
            )
        return back_to(request, "community:my-town")


class AlertView(LoginRequiredMixin, View):
    def post(self, request, product_id: int):
        product = get_object_or_404(Product.objects.browsable(), pk=product_id)
        try:
            services.ask_back_in_stock(user=request.user, product=product)
        except services.CommunityRefused as refused:
            messages.info(request, str(refused))
        else:
            messages.success(request, _("We will e-mail you once when it is back in stock."))
        return back_to(request, product.get_absolute_url())


class AlertCancelView(LoginRequiredMixin, View):
    def post(self, request, alert_id: int):
        if services.cancel_alert(user=request.user, alert_id=alert_id):
            messages.success(request, _("The alert is cancelled."))
        return redirect("community:my-town")


class ReviewView(LoginRequiredMixin, View):
    """Write or edit one's review of a shop (`slug`) or a product (`product_id`). Someone
    who did not buy there gets a 403 page that says why, and nothing is stored."""

    template_name = "community/review_form.html"

    def subject(self) -> dict:
        if "slug" in self.kwargs:
            return {"shop": get_object_or_404(Shop, slug=self.kwargs["slug"])}
        product = get_object_or_404(Product.objects.browsable(), pk=self.kwargs["product_id"])
        return {"product": product}

    def refuse(self, request, subject):
        return render(request, "community/review_refused.html", subject, status=403)

    def show(self, request, subject, form, status=200):
        existing = selectors.review_of(user=request.user, **subject)
        return render(
            request,
            self.template_name,
            {**subject, "form": form, "existing": existing},
            status=status,
        )

    def get(self, request, **kwargs):
        subject = self.subject()
        if not may_review(user=request.user, **subject):
            return self.refuse(request, subject)
        existing = selectors.review_of(user=request.user, **subject)
        initial = {"rating": existing.rating, "text": existing.text} if existing else None
        return self.show(request, subject, ReviewForm(initial=initial))

    def post(self, request, **kwargs):
        subject = self.subject()
        form = ReviewForm(request.POST)
        if not form.is_valid():
            return self.show(request, subject, form, status=400)
        try:
            write_review(user=request.user, **form.cleaned_data, **subject)
        except ReviewRefused:
            return self.refuse(request, subject)
        messages.success(request, _("Thank you! Your review is shown once it is approved."))
        return redirect("community:my-town")


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The link in each news e-mail: a page with one button (a mail scanner following the
    link changes nothing), no sign-in needed. Without CSRF: a mail program's one-click
    unsubscribe (RFC 8058) posts here with no cookie, the signed token is the authority,
    and all a post can do is turn news off."""

    template_name = "community/unsubscribe.html"

    def person(self, token: str):
        user_id = user_id_from(token)
        return get_user_model().objects.filter(pk=user_id).first() if user_id else None

    def get(self, request, token: str):
        user = self.person(token)
        return render(
            request, self.template_name, {"valid": user is not None}, status=200 if user else 404
        )

    def post(self, request, token: str):
        user = self.person(token)
        if user is None:
            return render(request, self.template_name, {"valid": False}, status=404)
        services.set_news_by_email(user=user, wanted=False)
        return render(request, self.template_name, {"valid": True, "done": True})
