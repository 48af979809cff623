"""Money pages: the shop's settlements and statements (/shop/money/, its own shop only) and
all settlements for centre management (/management/settlements/, staff only)."""

from django.http import HttpResponse
from django.views.generic import ListView, TemplateView, View

from marketplace.payments.models import PayoutAccount
from marketplace.staff import StaffOnlyMixin
from shops.access import ShopMixin

from . import selectors
from .statements import statement_csv, statement_pdf


class MoneyView(ShopMixin, TemplateView):
    template_name = "commission/shop_money.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shop=self.shop,
            settlements=selectors.settlements_for_shop(shop=self.shop)[:52],
            unsettled=selectors.unsettled_parts_for_shop(shop=self.shop),
            payout_account=PayoutAccount.objects.filter(shop=self.shop).first(),
            **kwargs,
        )


class SettlementView(ShopMixin, TemplateView):
    template_name = "commission/shop_settlement.html"

    def get_context_data(self, **kwargs):
        settlement = selectors.settlement_for_shop(shop=self.shop, pk=self.kwargs["pk"])
        return super().get_context_data(
            shop=self.shop,
            settlement=settlement,
            lines=selectors.lines_of_settlement(settlement=settlement),
            **kwargs,
        )


class StatementView(ShopMixin, View):
    """The statement as a download; another shop's settlement is a 404."""

    def get(self, request, pk, kind):
        settlement = selectors.settlement_for_shop(shop=self.shop, pk=pk)
        name = f"statement-{settlement.shop.slug}-{settlement.period_start.isoformat()}"
        if kind == "pdf":
            response = HttpResponse(statement_pdf(settlement), content_type="application/pdf")
        else:
            response = HttpResponse(
                statement_csv(settlement), content_type="text/csv; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        return response


class ManagementSettlementsView(StaffOnlyMixin, ListView):
    template_name = "commission/management_settlements.html"
    context_object_name = "settlements"
    paginate_by = 100

    def get_queryset(self):
        return selectors.settlements_for_management()
