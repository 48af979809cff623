"""The shop's own area (/shop/): its profile, hours and photos. (Its products: inventory_sync.
offer_views and marketplace.shop_area.views; the area's URLs: marketplace.shop_area.urls.)

Every query goes through the signed-in user's shop; another shop's object is a 404.
"""

from django.contrib import messages
from django.db import transaction
from django.forms import inlineformset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from marketplace.thumbnails import with_thumbnails

from .access import ShopMixin
from .dashboard_forms import (
    DayHoursFormSet,
    ExceptionForm,
    PhotoForm,
    ProfileForm,
)
from .models import OpeningHours, OpeningHoursException, Shop, ShopPhoto, Weekday
from .views import map_config

StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")
ExceptionFormSet = inlineformset_factory(
    Shop, OpeningHoursException, form=ExceptionForm, extra=2, can_delete=True
)


def int_or_404(value: str) -> int:
    if not value.isdigit():
        raise Http404
    return int(value)


class PhotoView(ShopMixin, View):
    """Adds (POST image + alt) or removes (POST delete=<id>) a photo of the user's own shop."""

    def post(self, request):
        if "delete" in request.POST:
            photo = get_object_or_404(
                ShopPhoto, shop=self.shop, pk=int_or_404(request.POST["delete"])
            )
            photo.delete()  # the file and its thumbnails go after the commit (thumbnails.py)
            messages.success(request, _("Photo removed."))
            return redirect("shop:profile")
        form = PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            view = ProfileView(request=request, shop=self.shop, kwargs={})
            return view.render_to_response(view.get_context_data(photo_form=form), status=400)
        ShopPhoto.objects.create(
            shop=self.shop,
            image=form.cleaned_data["image"],
            alt=form.cleaned_data["alt"],
            display_order=self.shop.photos.count(),
        )
        messages.success(request, _("Photo added."))
        return redirect("shop:profile")


class ProfileView(ShopMixin, TemplateView):
    """Profile, weekly hours and exceptions, saved together or not at all."""

    template_name = "shops/dashboard/profile.html"

    def forms(self, data=None):
        return (
            ProfileForm(data, instance=self.shop, prefix="profile"),
            DayHoursFormSet(data, initial=self.hours_initial(), prefix="hours"),
            ExceptionFormSet(data, instance=self.shop, prefix="exceptions"),
        )

    def hours_initial(self) -> list[dict]:
        by_day: dict[int, list] = {}
        for period in self.shop.opening_hours.order_by("weekday", "opens"):
            by_day.setdefault(period.weekday, []).append(period)
        initial = []
        for day in range(7):
            periods = by_day.get(day, [])
            row = {"open": bool(periods)}
            if periods:
                row.update(opens=periods[0].opens, closes=periods[0].closes)
            if len(periods) > 1:
                row.update(opens_again=periods[1].opens, closes_again=periods[1].closes)
            initial.append(row)
        return initial

    def get_context_data(self, **kwargs):
        profile, hours, exceptions = kwargs.pop("forms", None) or self.forms()
        if len(hours.forms) != len(Weekday.labels):
            # A post without the week's rows (a tampered or cut-off form): show the stored week.
            hours = DayHoursFormSet(initial=self.hours_initial(), prefix="hours")
        days = list(zip(Weekday.labels, hours.forms, strict=True))
        return super().get_context_data(
            shop=self.shop,
            profile=profile,
            hours=hours,
            days=days,
            exceptions=exceptions,
            photo_form=kwargs.pop("photo_form", None) or PhotoForm(),
            photos=with_thumbnails(self.shop.photos.all(), "image"),
            map_config=map_config(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        forms = self.forms(request.POST)
        if not all(form.is_valid() for form in forms):
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(forms=forms))
        profile, hours, exceptions = forms
        with transaction.atomic():
            profile.save()
            exceptions.save()
            OpeningHours.objects.filter(shop=self.shop).delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(shop=self.shop, weekday=day, opens=opens, closes=closes)
                for day, form in enumerate(hours.forms)
                for opens, closes in form.periods()
            )
        messages.success(request, _("Profile saved."))
        return redirect("shop:profile")
