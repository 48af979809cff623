"""The campaigns report in centre management's reports: one campaign's figures per shop
and in total (see `measurement`), a chart, and the same table as CSV and XLSX."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.reports import exports
from marketplace.reports.tables import COUNT, MONEY, TEXT, Column, ReportTable, cells
from marketplace.staff import StaffOnlyMixin

from .measurement import Figures, campaign_figures
from .models import Campaign


def campaign_table(campaign: Campaign) -> ReportTable:
    per_shop, total = campaign_figures(campaign)
    columns = [
        Column("shop", _("Shop"), TEXT),
        Column("orders_using", _("Orders using it"), COUNT),
        Column("discount_given", _("Discount given"), MONEY),
        Column("revenue_during", _("Revenue during"), MONEY),
        Column("revenue_before", _("Revenue before"), MONEY),
        Column("extra_revenue", _("Extra revenue"), MONEY),
        Column("new_customers", _("New customers"), COUNT),
        Column("returning_customers", _("Returning customers"), COUNT),
        Column("average_during", _("Average basket during"), MONEY),
        Column("average_before", _("Average basket before"), MONEY),
    ]
    rows = [row_of(figures) for figures in per_shop]
    rows.append(row_of(total, label=_("All participating shops")))
    return ReportTable(key="campaign", title=campaign.name, columns=columns, rows=rows)


def row_of(figures: Figures, label: str | None = None) -> list:
    return [
        label or figures.label,
        figures.orders_using,
        figures.discount_given,
        figures.revenue_during,
        figures.revenue_before,
        figures.extra_revenue,
        figures.new_customers,
        figures.returning_customers,
        figures.average_during,
        figures.average_before,
    ]


def chart_of(table: ReportTable) -> dict:
    shops = table.rows[:-1]  # the total row would dwarf the shops
    return {
        "chart-campaign": {
            "type": "bar",
            "labels": [str(row[0]) for row in shops],
            "datasets": [
                {"label": str(_("Revenue before")), "data": [float(row[4]) for row in shops]},
                {"label": str(_("Revenue during")), "data": [float(row[3]) for row in shops]},
            ],
        }
    }


def chosen_campaign(request) -> Campaign | None:
    raw = request.GET.get("campaign", "")
    if not raw:
        return Campaign.objects.order_by("-starts_at", "pk").first()
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Campaign, pk=int(raw))


class CampaignReportView(StaffOnlyMixin, TemplateView):
    template_name = "campaigns/report.html"

    def get_context_data(self, **kwargs):
        campaign = chosen_campaign(self.request)
        context = super().get_context_data(
            campaign=campaign, campaigns=Campaign.objects.order_by("-starts_at", "pk"), **kwargs
        )
        if campaign is not None:
            table = campaign_table(campaign)
            context.update(
                table=table,
                section={"table": table, "cells": cells(table)},
                charts=chart_of(table),
            )
        return context


class CampaignExportView(StaffOnlyMixin, View):
    def get(self, request, file_format):
        campaign = chosen_campaign(request)
        if campaign is None or file_format not in ("csv", "xlsx"):
            raise Http404
        table = campaign_table(campaign)
        if file_format == "csv":
            response = HttpResponse(exports.csv_text(table), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports.xlsx_bytes(table), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="campaign-{campaign.pk}.{file_format}"'
        )
        return response
