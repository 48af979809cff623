"""The report page and its exports, for centre management (the whole centre) and for a
shop (its own shop only). The scope is decided here and passed to every selector."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.commission.economics import NATIONAL_PERCENTAGE, kept_in_days
from marketplace.staff import StaffOnlyMixin
from shops.access import ShopMixin

from . import exports
from .charts import chart_data
from .forms import ReportForm
from .selectors import Scope
from .tables import TABLES, Request, cells

CHARTS = {
    "over_time": "chart-over-time",
    "methods": "chart-methods",
    "shops": "chart-shops",
    "categories": "chart-categories",
}


class ReportPage(TemplateView):
    template_name = "reports/report.html"
    url_namespace = ""

    def scope(self) -> Scope:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        form = ReportForm.for_query(self.request.GET)
        context = super().get_context_data(form=form, url_namespace=self.url_namespace, **kwargs)
        if not form.is_valid():
            return context
        request = Request(self.scope(), form.period(), form.cleaned_data["granularity"])
        tables = {key: build(request) for key, build in TABLES.items()}
        return {
            **context,
            "period": request.period,
            "previous": request.period.previous(),
            "sections": [
                {"table": table, "cells": cells(table), "canvas": CHARTS.get(key)}
                for key, table in tables.items()
            ],
            "charts": chart_data(tables),
            "query": self.request.GET.urlencode(),
        }


class ExportView(View):
    def scope(self) -> Scope:
        raise NotImplementedError

    def get(self, request, table, file_format):
        if table not in TABLES or file_format not in ("csv", "xlsx"):
            raise Http404
        form = ReportForm.for_query(request.GET)
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[name].label}: {' '.join(errors)}"
                if name in form.fields
                else " ".join(errors)
                for name, errors in form.errors.items()
            )
            return HttpResponseBadRequest(
                _("Nothing exported: %(problems)s") % {"problems": problems}
            )
        built = TABLES[table](
            Request(self.scope(), form.period(), form.cleaned_data["granularity"])
        )
        name = f"{table}-{form.cleaned_data['start']}-{form.cleaned_data['end']}"
        if file_format == "csv":
            response = HttpResponse(exports.csv_text(built), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports.xlsx_bytes(built), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response


class CentreReportView(StaffOnlyMixin, ReportPage):
    url_namespace = "reports"

    def scope(self) -> Scope:
        return Scope(shop=None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "period" in context:  # what the shops kept, per payment method, beside 15%
            period = context["period"]
            context["economics"] = kept_in_days(start=period.start, end=period.end)
            context["national_percentage"] = NATIONAL_PERCENTAGE
        from marketplace.giftcards.selectors import centre_figures

        context["gift_cards"] = centre_figures()  # the cards' money owed, as it stands today
        return context


class CentreExportView(StaffOnlyMixin, ExportView):
    def scope(self) -> Scope:
        return Scope(shop=None)


class ShopReportView(ShopMixin, ReportPage):
    url_namespace = "shop-reports"

    def scope(self) -> Scope:
        return Scope(shop=self.shop)

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, **kwargs)


class ShopExportView(ShopMixin, ExportView):
    def scope(self) -> Scope:
        return Scope(shop=self.shop)
