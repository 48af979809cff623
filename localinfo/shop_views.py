"""The shop's own events and news (/shop/local/): written here, shown once management approved.

A shop sees and edits only its own items; another shop's item is a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from shops.access import ShopMixin

from . import services
from .forms import EventForm, NewsForm
from .models import Event, NewsItem

KINDS = {"event": (Event, EventForm), "news": (NewsItem, NewsForm)}


class ShopItemsView(ShopMixin, TemplateView):
    template_name = "localinfo/shop_items.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shop=self.shop,
            events=Event.objects.filter(shop=self.shop).order_by("-starts_at"),
            news=NewsItem.objects.filter(shop=self.shop).order_by("-created_at"),
            **kwargs,
        )


class ShopItemFormView(ShopMixin, FormView):
    template_name = "localinfo/shop_item_form.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in KINDS:
            raise Http404
        self.model, self.form_class = KINDS[kwargs["kind"]]
        return super().dispatch(request, *args, **kwargs)

    def item(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.model, pk=self.kwargs["pk"], shop=self.shop)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.item()}

    def form_valid(self, form):
        item = form.save(commit=False)
        services.save_publication(item, shop=self.shop)
        messages.success(self.request, _("Saved. It shows once centre management approved it."))
        return redirect("localinfo:shop-items")

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, kind=self.kwargs["kind"], **kwargs)
