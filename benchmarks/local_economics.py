"""Local economics: the share of gross sales the demo city's shops kept over its last 90
days, overall and per payment method, beside what the same orders would have left them on
a national platform's 15% commission (with VAT on it, as ours). Also the promise to shops:
at least 92% kept of a €40 basket paid with iDEAL under the default plan.

Reads the parts' ledgers, so it measures what the money code really booked. `--size smoke`
loads a tiny city when the database has no orders (as the reports benchmark does); `--size
full` uses the city in the database (`manage.py seed_demo_city`).
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Max

from benchmarks import benchmark
from benchmarks.reports import tiny_city
from marketplace.commission.economics import NATIONAL_PERCENTAGE, kept_by_method
from marketplace.commission.models import PartPayout
from marketplace.commission.previews import BASKET_EXAMPLE, basket_example

DAYS = 90
GOAL_SHARE = Decimal("92")


@benchmark("local_economics")
def run(size: str) -> dict:
    if size == "smoke" and not PartPayout.objects.exists():
        tiny_city()
    last = PartPayout.objects.aggregate(last=Max("completed_at"))["last"]
    if last is None:
        raise SystemExit("local_economics needs a city with orders: manage.py seed_demo_city")
    until = last + timedelta(seconds=1)
    totals = kept_by_method(since=until - timedelta(days=DAYS), until=until)
    basket = {row.method: row for row in basket_example()}
    ideal = basket.get("ideal")
    return {
        "days": DAYS,
        "national_percentage": str(NATIONAL_PERCENTAGE),
        "overall": totals["all"].as_dict(),
        "per_method": {key: kept.as_dict() for key, kept in totals.items() if key != "all"},
        "basket": str(BASKET_EXAMPLE),
        "basket_kept": {method: str(row.keeps) for method, row in basket.items()},
        "basket_kept_share": {method: str(row.share) for method, row in basket.items()},
        "goal_share": str(GOAL_SHARE),
        "goal_met": bool(ideal and ideal.share >= GOAL_SHARE),
    }
