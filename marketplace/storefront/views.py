"""Home and search: thin views over the storefront selectors."""

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from . import categories as catalogue_tree
from .forms import SearchCriteria, SearchForm
from .listings import listings_for_products, with_offers
from .search import count_without_filters, products_for_search, record_search, shop_filter
from .shop_facts import shop_facts_for_storefront

PRODUCTS_PER_PAGE = 20
HOME_SHOPS = 12
HOME_PICKUP_PRODUCTS = 8
COUNT_CACHE_SECONDS = 60


def shops_in_name_order(facts) -> list:
    return sorted(facts.values(), key=lambda shop: shop.name.lower())


class CachedCountPaginator(Paginator):
    """Counting every matching product (100,000 in a large town) costs more than reading a
    page, and the same lists are asked for again and again: the count is kept a minute.

    Kept under `count_key`: everything the query is made of, as its caller knows it (the
    search's criteria, the category); without one, under the query's SQL (building which
    costs about a millisecond)."""

    def __init__(self, *args, count_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        made_of = self.count_key or str(self.object_list.query)
        key = f"storefront:count:v2:{hashlib.sha256(made_of.encode()).hexdigest()}"
        found = cache.get(key)
        if found is None:
            found = self.object_list.count()
            cache.set(key, found, COUNT_CACHE_SECONDS)
        return found


def paginated_listings(
    products, request, facts, per_page=PRODUCTS_PER_PAGE, count_key: str | None = None
):
    """The requested page (a bad or too high number gives the nearest page, not an error).
    `count_key`: see CachedCountPaginator."""
    paginator = CachedCountPaginator(with_offers(products), per_page, count_key=count_key)
    page = paginator.get_page(request.GET.get("page"))
    return page, listings_for_products(page.object_list, facts)


def search_count_key(criteria, facts, category) -> str:
    """What products_for_search's query is made of: the criteria, the category's subtree
    and the shops the shop filters leave (from the facts of this minute)."""
    partners = shop_filter(criteria, facts)
    return repr(
        (
            "search",
            criteria,
            category.path if category else None,
            sorted(partners) if partners is not None else None,
        )
    )


def without_filters_url(criteria) -> str:
    params = {"q": criteria.text}
    if criteria.category:
        params["category"] = criteria.category
    return f"{reverse('search:search')}?{urlencode(params)}"


def query_without_page(request) -> str:
    """The query string to repeat in pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class ReadOnlyPageMixin:
    """A page that only reads (a search adds one record): no transaction around it, so no
    BEGIN and COMMIT round trips for ATOMIC_REQUESTS on every view of the storefront."""

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))


class HomeView(ReadOnlyPageMixin, TemplateView):
    """The town's shops, the category tree and what can be picked up today."""

    template_name = "oscar/storefront/home.html"

    def get_context_data(self, **kwargs):
        facts = shop_facts_for_storefront()
        shops = shops_in_name_order(facts)
        pickup = products_for_search(criteria=SearchCriteria(pickup_today=True), facts=facts)
        kinds: dict[str, list] = {}
        for shop in shops:
            kinds.setdefault(shop.kind, []).append(shop)
        return super().get_context_data(
            shops=sorted(shops, key=lambda shop: not shop.open_now)[:HOME_SHOPS],
            shop_count=len(shops),
            kinds=sorted(
                (
                    (shop_list[0].kind, shop_list[0].kind_label, len(shop_list))
                    for shop_list in kinds.values()
                ),
                key=lambda kind: kind[1],
            ),
            categories=catalogue_tree.top_categories(catalogue_tree.categories_for_storefront()),
            pickup_listings=listings_for_products(
                with_offers(pickup)[:HOME_PICKUP_PRODUCTS], facts
            ),
            **kwargs,
        )


class SearchView(ReadOnlyPageMixin, TemplateView):
    """Search over all shops' products with filters; every search is recorded."""

    template_name = "oscar/search/results.html"

    def get_context_data(self, **kwargs):
        facts = shop_facts_for_storefront()
        categories = catalogue_tree.categories_for_storefront()
        form = SearchForm(
            self.request.GET or None, shops=shops_in_name_order(facts), categories=categories
        )
        criteria = form.criteria()
        category = next((entry for entry in categories if entry.pk == criteria.category), None)
        products = products_for_search(criteria=criteria, facts=facts, category=category)
        page, listings = paginated_listings(
            products, self.request, facts, count_key=search_count_key(criteria, facts, category)
        )
        # Nothing with the filters: say whether the words alone find something.
        unfiltered = None
        if page.paginator.count == 0 and criteria.filters().keys() - {"category"}:
            unfiltered = count_without_filters(criteria, facts, category)
        # A further page of the same results is not a new search.
        if form.is_bound and self.request.GET.get("page", "1") == "1":
            record_search(
                criteria=criteria,
                result_count=page.paginator.count,
                filtered_out=bool(unfiltered),
            )
        return super().get_context_data(
            form=form,
            criteria=criteria,
            page_obj=page,
            paginator=page.paginator,
            listings=listings,
            query_string=query_without_page(self.request),
            unfiltered=unfiltered,
            unfiltered_url=without_filters_url(criteria),
            **kwargs,
        )
