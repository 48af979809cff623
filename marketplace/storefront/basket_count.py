"""The header's basket count without loading the basket.

Oscar's BasketMiddleware builds `request.basket` lazily, but reading it loads the basket,
its lines and applies every offer: three queries or more, and CPU, on every page whose only
use of the basket is the count in the header. A signed-in user's count is one sum over the
lines of their open baskets (what Oscar's merge of those baskets would show), in SQL by
hand (the ORM's building of it cost more CPU than the query); an anonymous visitor
without a basket cookie has none. Where the basket is loaded anyway (basket,
checkout) or must be built from a cookie first (an anonymous basket, or one to merge after
signing in), Oscar's own basket answers.
"""

from django.conf import settings
from django.db import connection
from django.utils.functional import SimpleLazyObject, empty
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")


def basket_item_count(request) -> int:
    basket = getattr(request, "basket", None)
    if basket is None:
        return 0
    if not isinstance(basket, SimpleLazyObject) or basket._wrapped is not empty:
        return basket.num_items  # loaded already: no query
    if settings.OSCAR_BASKET_COOKIE_OPEN in request.COOKIES:
        return basket.num_items  # a cookie basket: Oscar finds (and merges) it
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(count_sql(), [user.pk, Basket.OPEN])
        (total,) = cursor.fetchone()
    return int(total or 0)


def count_sql() -> str:
    """Line.objects.filter(basket__owner=user, basket__status=OPEN).aggregate(Sum("quantity"))
    in SQL by hand."""
    quote, line, basket = connection.ops.quote_name, Line._meta, Basket._meta
    lines, baskets = quote(line.db_table), quote(basket.db_table)
    quantity = quote(line.get_field("quantity").column)
    basket_id = quote(line.get_field("basket").column)
    owner, status = (quote(basket.get_field(name).column) for name in ("owner", "status"))
    pk = quote(basket.pk.column)
    # Names from the models, the values parameters.
    return (
        f"SELECT SUM(l.{quantity}) FROM {lines} l INNER JOIN {baskets} b "  # noqa: S608
        f"ON l.{basket_id} = b.{pk} WHERE b.{owner} = %s AND b.{status} = %s"
    )
