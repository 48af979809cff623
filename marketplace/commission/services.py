"""Commission snapshots: the plan as it stood when the order was paid, on each part and line."""

from decimal import Decimal

from django.db import transaction

from . import contributions
from .fees import ZERO, PlanTerms, SaleLine, part_commission
from .models import CommissionPlan, LineCommission, PartCommission

DEFAULT_PERCENTAGE = Decimal("5.00")


def plan_for(shop) -> CommissionPlan | None:
    if shop.commission_plan_id:
        return shop.commission_plan
    return CommissionPlan.objects.filter(is_default=True).first()


def terms_of(plan: CommissionPlan | None) -> PlanTerms:
    """The plan as pure terms; no plan at all means the low default percentage."""
    if plan is None:
        return PlanTerms(percentage=DEFAULT_PERCENTAGE)
    return PlanTerms(
        percentage=plan.percentage,
        fixed_fee_per_part=plan.fixed_fee_per_part,
        minimum_per_line=plan.minimum_per_line,
        maximum_per_line=plan.maximum_per_line,
        category_percentages={
            str(rate.category_id): rate.percentage for rate in plan.category_rates.all()
        },
    )


def category_path_of(product) -> tuple[str, ...]:
    """Root-to-leaf category ids of the product's first category, as plan keys."""
    category = product.categories.order_by("pk").first()
    if category is None:
        return ()
    return tuple(str(node.pk) for node in category.get_ancestors_and_self())


def snapshot_part(part) -> PartCommission:
    """Idempotent: a part keeps the commission it got first."""
    existing = PartCommission.objects.filter(part=part).first()
    if existing:
        return existing
    plan = plan_for(part.shop)
    terms = terms_of(plan)
    lines = list(part.lines().select_related("product"))
    paths = [category_path_of(line.product) for line in lines]
    # A campaign discount the centre pays is part of the sale: see `contributions`.
    centre_pays = contributions.line_contributions(part)
    figures = part_commission(
        terms=terms,
        lines=[
            SaleLine(
                line_total_incl_vat=line.line_price_incl_tax + centre_pays.get(line.pk, ZERO),
                category_path=path,
            )
            for line, path in zip(lines, paths, strict=True)
        ],
    )
    with transaction.atomic():
        snapshot = PartCommission.objects.create(
            part=part,
            plan_name=plan.name if plan else "default",
            percentage=terms.percentage,
            gross=figures.gross,
            fixed_fee=figures.fixed_fee,
            commission=figures.commission_total,
            vat_on_commission=figures.vat_on_commission,
        )
        LineCommission.objects.bulk_create(
            LineCommission(
                order_line=line,
                part=snapshot,
                percentage=terms.percentage_for(path),
                commission=amount,
            )
            for line, path, amount in zip(lines, paths, figures.line_commissions, strict=True)
        )
    return snapshot
