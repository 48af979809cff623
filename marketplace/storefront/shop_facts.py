"""What the storefront knows about every active shop at this minute: open, pick up today, stale.

Opening depends on weekly periods and dated exceptions together, so it is computed in Python
(shops.hours) rather than in SQL. Computing it for a few hundred shops on every page would
cost three queries and a few milliseconds, so the result is cached per minute: a change of
hours shows within a minute; a shop activated, paused or edited changes the cache key at once
(active_shops_fingerprint); what is in stock always comes with the products themselves.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from inventory_sync.selectors import stock_is_stale
from logistics.models import DeliverySettings
from shops.hours import schedule_for
from shops.models import Shop, ShopKind, ShopStatus
from shops.selectors import shops_with_hours

# Shop hours are the town's wall-clock times, whatever zone the server or visitor is in.
SHOP_TIME_ZONE = ZoneInfo("Europe/Amsterdam")
CACHE_SECONDS = 60
# This process's copy of the newest facts, keyed like the shared cache; the facts are frozen.
_latest: tuple[str | None, dict] = (None, {})


@dataclass(frozen=True)
class ShopFacts:
    partner_id: int
    slug: str
    name: str
    kind: str
    url: str
    open_now: bool
    closes_at: time | None
    pickup_today_from: time | None
    stale: bool
    safety_buffer: int

    @property
    def kind_label(self) -> str:
        return str(ShopKind(self.kind).label)


def now() -> datetime:
    """The current moment; a function of its own so tests can fix the time."""
    return timezone.now()


def local_now() -> datetime:
    return timezone.localtime(now(), SHOP_TIME_ZONE)


def shop_facts_for_storefront(*, moment: datetime | None = None) -> dict[int, ShopFacts]:
    """Every active shop by partner id, at `moment` (default: now), cached for the minute."""
    global _latest
    moment = moment or local_now()
    key = f"storefront:shop-facts:v1:{moment:%Y%m%d%H%M}:{active_shops_fingerprint()}"
    latest_key, latest_facts = _latest
    if latest_key == key:
        return latest_facts  # unpickling 500 shops from the cache costs more than the page
    facts = cache.get(key)
    if facts is None:
        facts = compute_shop_facts(moment)
        cache.set(key, facts, CACHE_SECONDS)
    _latest = (key, facts)  # one tuple: threads see the old pair or the new, never a mix
    return facts


def forget_latest() -> None:
    """Drops this process's copy (tests that rebuild the town within one minute)."""
    global _latest
    _latest = (None, {})


def fingerprint_sql() -> str:
    """The aggregate of active_shops_fingerprint in SQL by hand: building it with the ORM
    on every page cost more CPU than the query itself."""
    quote, meta = connection.ops.quote_name, Shop._meta
    pk, updated, status = (
        quote(meta.get_field(name).column) for name in ("id", "updated_at", "status")
    )
    table = quote(meta.db_table)
    # Names from the model, the value a parameter.
    return f"SELECT COUNT({pk}), MAX({updated}), MAX({pk}) FROM {table} WHERE {status} = %s"  # noqa: S608


def active_shops_fingerprint() -> str:
    """Changes when a shop is activated, paused or edited, so those show at once (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(fingerprint_sql(), [ShopStatus.ACTIVE.value])
        count, newest, last = cursor.fetchone()
    # The newest change: a datetime, or text on SQLite (no spaces in a cache key).
    if isinstance(newest, datetime):
        newest = newest.timestamp()
    return f"{count}-{last}-{str(newest or 0).replace(' ', '_')}"


def compute_shop_facts(moment: datetime) -> dict[int, ShopFacts]:
    """Four queries: shops with their POS connection, hours, today's exceptions, settings."""
    preparation = timedelta(minutes=DeliverySettings.current().preparation_minutes)
    shops = shops_with_hours(first_day=moment.date(), last_day=moment.date()).select_related(
        "pos_connection"
    )
    facts = {}
    for shop in shops:
        schedule = schedule_for(shop)
        stale = stock_is_stale(shop, moment)
        facts[shop.partner_id] = ShopFacts(
            partner_id=shop.partner_id,
            slug=shop.slug,
            name=shop.partner.name,
            kind=shop.kind,
            url=shop.get_absolute_url(),
            open_now=schedule.is_open_at(moment),
            closes_at=schedule.closes_at(moment),
            # Stale counts cannot promise a pickup: the goods may not be on the shelf.
            pickup_today_from=None
            if stale
            else schedule.earliest_pickup_today(moment, preparation),
            stale=stale,
            safety_buffer=shop.safety_buffer,
        )
    return facts


def partners_where(facts: dict[int, ShopFacts], *, open_now=False, pickup_today=False) -> set:
    """Partner ids of the shops that are open now and/or can hand goods over today."""
    return {
        partner_id
        for partner_id, fact in facts.items()
        if (fact.open_now or not open_now) and (fact.pickup_today_from or not pickup_today)
    }
