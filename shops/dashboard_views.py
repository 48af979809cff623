"""The shop's own area (/shop/): its products and offers, its profile and hours.

Every query goes through the signed-in user's shop; another shop's object is a 404.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, Q
from django.forms import inlineformset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from oscar.core.loading import get_model

from inventory_sync.selectors import available_from
from logistics import handover, shop_today
from logistics.shop_views import ShopMixin
from marketplace.thumbnails import with_thumbnails

from . import catalogue_services
from .dashboard_forms import (
    DayHoursFormSet,
    ExceptionForm,
    NewProductForm,
    OfferForm,
    PhotoForm,
    ProductDetailsForm,
    ProfileForm,
)
from .models import OpeningHours, OpeningHoursException, Shop, ShopPhoto, Weekday
from .views import map_config

StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")
ExceptionFormSet = inlineformset_factory(
    Shop, OpeningHoursException, form=ExceptionForm, extra=2, can_delete=True
)


class HomeView(ShopMixin, TemplateView):
    template_name = "shops/dashboard/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shop=self.shop,
            work=shop_today.todays_work(self.shop),
            today=timezone.localdate().isoformat(),
            handovers=handover.handovers_of_shop(shop_id=self.shop.pk),
            offers=StockRecord.objects.filter(partner_id=self.shop.partner_id).count(),
            **kwargs,
        )


class OfferListView(ShopMixin, ListView):
    template_name = "shops/dashboard/offers.html"
    context_object_name = "offers"
    paginate_by = 50

    def get_queryset(self):
        offers = (
            StockRecord.objects.filter(partner_id=self.shop.partner_id)
            .select_related("product")
            .prefetch_related(
                Prefetch("product__images", with_thumbnails(ProductImage.objects.all(), "original"))
            )
        )
        query = self.request.GET.get("q", "").strip()
        if query:
            offers = offers.filter(
                Q(product__title__icontains=query) | Q(product__upc=query) | Q(partner_sku=query)
            )
        return offers.order_by("product__title", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(shop=self.shop, query=self.request.GET.get("q", ""))
        for offer in context["offers"]:
            offer.available = available_from(
                on_hand=offer.num_in_stock,
                reserved=offer.num_allocated,
                safety_buffer=self.shop.safety_buffer,
            )
        return context


class OfferEditView(ShopMixin, FormView):
    template_name = "shops/dashboard/offer_form.html"
    form_class = OfferForm

    def get_record(self):
        return get_object_or_404(
            StockRecord.objects.select_related("product"),
            pk=self.kwargs["pk"],
            partner_id=self.shop.partner_id,
        )

    def get_initial(self):
        record = self.get_record()
        return {
            "price": record.price,
            "vat_rate": f"{record.vat_rate:.2f}",
            "num_in_stock": record.num_in_stock,
            "partner_sku": record.partner_sku,
        }

    def get_context_data(self, **kwargs):
        record = self.get_record()
        shared = not catalogue_services.sole_seller(record)
        details = kwargs.pop("details", None) or ProductDetailsForm(
            initial={"title": record.product.title, "description": record.product.description},
            prefix="product",
        )
        return super().get_context_data(
            shop=self.shop,
            record=record,
            shared=shared,
            details=details,
            keeps=catalogue_services.what_shop_keeps_of(shop=self.shop, record=record),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        form = self.get_form()
        details = ProductDetailsForm(request.POST, request.FILES, prefix="product")
        shared = not catalogue_services.sole_seller(record)
        if not form.is_valid() or (not shared and not details.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, details=details))
        catalogue_services.update_offer(
            shop=self.shop,
            stockrecord_id=record.pk,
            changes=dict(form.cleaned_data),
            product_changes={} if shared else dict(details.cleaned_data),
        )
        messages.success(request, _("Saved."))
        return redirect("shop:offers")


class OfferCreateView(ShopMixin, FormView):
    template_name = "shops/dashboard/offer_new.html"
    form_class = NewProductForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            catalogue_services.add_offer(
                shop=self.shop,
                ean=data["ean"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                price=data["price"],
                vat_rate=data["vat_rate"],
                on_hand=data["num_in_stock"],
                sku=data["partner_sku"],
                image=data.get("image"),
                image_alt=data.get("image_alt", ""),
            )
        except catalogue_services.OfferRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
            return self.form_invalid(form)
        messages.success(self.request, _("Product added."))
        return redirect("shop:offers")


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
