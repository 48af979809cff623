"""Search over every active shop's products, and the record of each search.

On PostgreSQL: full-text search with the 'dutch' configuration (stemming, so "fietsen" finds
"fiets"), ranked with title words above description words, on a GIN index whose expression
is exactly PRODUCT_DOCUMENT (migration marketplace 0003). Elsewhere (the SQLite demo): every
word must appear in the title or description, case-insensitively.

Filters that concern a shop (shop, kind, open now, pick up today) become a list of partner
ids from the cached shop facts; every filter that concerns an offer is applied to one and the
same stock record, so "in stock, under € 20, pick up today" means one shop has it so.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from oscar.core.loading import get_model

from inventory_sync.availability import in_stock_online
from marketplace.catalogue_selectors import BROWSE_ORDER
from marketplace.models import SearchRecord
from shops.models import ShopStatus

from .forms import SearchCriteria
from .search_words import alternatives
from .shop_facts import ShopFacts, partners_where

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

SEARCH_CONFIG = "dutch"
# Must stay identical to the indexed expression in marketplace/migrations/0003: PostgreSQL
# uses the GIN index only for the very same expression.
PRODUCT_DOCUMENT = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
    "description", weight="B", config=SEARCH_CONFIG
)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def offers_in_stock(offers: QuerySet) -> QuerySet:
    """Stock records with at least one unit for sale online (on hand − reserved − buffer)."""
    return offers.filter(in_stock_online())


def matching_offers(criteria: SearchCriteria, facts: dict[int, ShopFacts]) -> QuerySet:
    """The active shops' stock records that satisfy every offer filter (not yet per product)."""
    offers = StockRecord.objects.filter(partner__shop__status=ShopStatus.ACTIVE)
    partner_ids = shop_filter(criteria, facts)
    if partner_ids is not None:
        offers = offers.filter(partner_id__in=sorted(partner_ids))
    if criteria.min_price is not None:
        offers = offers.filter(price__gte=criteria.min_price)
    if criteria.max_price is not None:
        offers = offers.filter(price__lte=criteria.max_price)
    if criteria.in_stock or criteria.pickup_today:
        offers = offers_in_stock(offers)
    return offers


def shop_filter(criteria: SearchCriteria, facts: dict[int, ShopFacts]) -> set[int] | None:
    """Partner ids the shop filters allow, or None when no shop filter is in use."""
    if not (criteria.shop or criteria.kind or criteria.open_now or criteria.pickup_today):
        return None
    allowed = partners_where(facts, open_now=criteria.open_now, pickup_today=criteria.pickup_today)
    return {
        partner_id
        for partner_id in allowed
        if (not criteria.shop or facts[partner_id].slug == criteria.shop)
        and (not criteria.kind or facts[partner_id].kind == criteria.kind)
    }


def products_for_search(
    *, criteria: SearchCriteria, facts: dict[int, ShopFacts], category=None
) -> QuerySet:
    """Public products that some active shop offers under the criteria, best first.

    `category` is a catalogue entry (pk and path) whose subtree the products must be in.
    """
    offers = matching_offers(criteria, facts)
    products = Product.objects.browsable().filter(Exists(offers.filter(product=OuterRef("pk"))))
    if category is not None:
        in_tree = ProductCategory.objects.filter(
            product=OuterRef("pk"), category__path__startswith=category.path
        )
        products = products.filter(Exists(in_tree))
    if criteria.text:
        products = matching_text(products, criteria.text)
    return ordered(products, criteria, offers)


def matching_text(products: QuerySet, text: str) -> QuerySet:
    by_code = Q(upc=text) if text.isdigit() else Q(pk__in=[])
    words = [alternatives(word) for word in text.split()]
    if uses_full_text():
        query = text_query(text, words)
        return (
            products.alias(document=PRODUCT_DOCUMENT)
            .filter(Q(document=query) | by_code)
            .annotate(rank=SearchRank(PRODUCT_DOCUMENT, query))
        )
    every_word = Q()
    for names in words:
        any_name = Q()
        for name in names:
            any_name |= Q(title__icontains=name) | Q(description__icontains=name)
        every_word &= any_name
    title_hits = Case(
        When(title__icontains=text, then=Value(2)), default=Value(1), output_field=IntegerField()
    )
    return products.filter(every_word | by_code).annotate(rank=title_hits)


def text_query(text: str, words: list[list[str]]) -> SearchQuery:
    """Web-search syntax as typed; where a word has Dutch names (search_words), each word
    is one of its names and all words must match."""
    if all(len(names) == 1 for names in words):
        return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    query = None
    for names in words:
        any_name = None
        for name in names:
            one = SearchQuery(name, config=SEARCH_CONFIG, search_type="plain")
            any_name = one if any_name is None else any_name | one
        query = any_name if query is None else query & any_name
    return query


def ordered(products: QuerySet, criteria: SearchCriteria, offers: QuerySet) -> QuerySet:
    if criteria.sort in ("price", "-price"):
        cheapest = offers.filter(product=OuterRef("pk")).order_by("price").values("price")[:1]
        products = products.annotate(from_price=cheapest)
        field = F("from_price")
        first = (
            field.asc(nulls_last=True) if criteria.sort == "price" else field.desc(nulls_last=True)
        )
        return products.order_by(first, "id")
    if criteria.sort == "relevance" and criteria.text:
        return products.order_by("-rank", *BROWSE_ORDER)
    return products.order_by(*BROWSE_ORDER)


def record_search(
    *, criteria: SearchCriteria, result_count: int, filtered_out: bool = False
) -> SearchRecord:
    """Stores one search (no lock, not idempotent: each call is one more search).

    A result_count of 0 is demand the shops do not meet yet, and reports count those,
    unless the products exist and only the visitor's filters left none (`filtered_out`).
    """
    return SearchRecord.objects.create(
        query=criteria.text[:200],
        normalised_query=criteria.text.lower()[:200],
        filters=criteria.filters(),
        result_count=result_count,
        filtered_out=filtered_out,
    )


def count_without_filters(criteria: SearchCriteria, facts, category=None) -> int:
    """How many products the words (and category) find when no other filter applies."""
    bare = SearchCriteria(text=criteria.text, category=criteria.category)
    return products_for_search(criteria=bare, facts=facts, category=category).count()
