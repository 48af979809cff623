"""PostgreSQL full-text search: Dutch stemming, ranking, and the GIN index actually used."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from oscar.core.loading import get_model

from marketplace.storefront.forms import SearchCriteria
from marketplace.storefront.search import PRODUCT_DOCUMENT, SEARCH_CONFIG, products_for_search
from marketplace.storefront.shop_facts import shop_facts_for_storefront
from tests.conftest import IN_CI
from tests.factories import make_offer

pytestmark = pytest.mark.django_db
Product = get_model("catalogue", "Product")


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run the full-text search tests on PostgreSQL")
        pytest.skip("full-text search is PostgreSQL's")


def titles(text: str) -> list[str]:
    products = products_for_search(
        criteria=SearchCriteria(text=text), facts=shop_facts_for_storefront()
    )
    return [product.title for product in products]


def test_dutch_stemming_finds_other_forms_of_a_word(town):
    make_offer(town.books, title="Boeken over bloemen")
    assert titles("boek") == titles("boeken") == ["Boeken over bloemen"]
    assert titles("bloem") == ["Boeken over bloemen"]
    assert titles("romans") == ["De avond is ongemak"]  # "Roman ..." in its description


def test_title_words_rank_above_description_words(town):
    make_offer(town.books, title="Roman van de maand")
    assert titles("roman") == ["Roman van de maand", "De avond is ongemak"]


def test_web_search_syntax_is_safe(town):
    assert titles('"oude goudse" -geit') == ["Oude Goudse kaas"]
    assert sorted(titles("kaas OR roman")) == ["De avond is ongemak", "Oude Goudse kaas"]
    assert titles("& | ! :* (") == []


def test_the_gin_index_serves_the_search(town):
    """The index's expression (migration 0003) and PRODUCT_DOCUMENT must stay identical."""
    query = SearchQuery("kaas", config=SEARCH_CONFIG, search_type="websearch")
    products = Product.objects.alias(document=PRODUCT_DOCUMENT).filter(document=query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned
        plan = products.explain()
    assert "catalogue_product_search_nl" in plan
    assert [product.title for product in products] == ["Oude Goudse kaas"]
