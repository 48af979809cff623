"""Oscar's analytics counters (ProductRecord, UserRecord), each bump one upsert.

Oscar's receivers update a counter row and create it when missing; when a concurrent first
count created it meanwhile, Oscar swallows the IntegrityError and updates again. Inside a
transaction (a task's `once`, a request) Django refuses that update
(TransactionManagementError) and the task or request fails. INSERT … ON CONFLICT DO UPDATE
(PostgreSQL and SQLite) has no such gap, and takes one query instead of two.
"""

from django.db import connection
from oscar.core.loading import get_model


def bump(model, *, key: dict, add: dict, put: dict | None = None) -> None:
    """Adds `add` to the row of `model` whose unique column is `key`, made with the field
    defaults when missing; `put` sets values outright."""
    put = put or {}
    (key_column,) = key
    values = {
        field.column: field.get_default()
        for field in model._meta.concrete_fields
        if not field.primary_key
    }
    values |= key | add | put
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    changes = [f"{quote(c)} = {table}.{quote(c)} + EXCLUDED.{quote(c)}" for c in add]
    changes += [f"{quote(c)} = EXCLUDED.{quote(c)}" for c in put]
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in values)})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(values))})"
        f" ON CONFLICT ({quote(key_column)}) DO UPDATE SET {', '.join(changes)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(values.values()))


def count_product(product_id: int, counter: str, amount: int = 1) -> None:
    bump(
        get_model("analytics", "ProductRecord"),
        key={"product_id": product_id},
        add={counter: amount},
    )


def count_user(user_id: int, counter: str) -> None:
    bump(get_model("analytics", "UserRecord"), key={"user_id": user_id}, add={counter: 1})


def count_order(order) -> None:
    """What Oscar's receive_order_placed counts: each product's purchases (in product order:
    two orders of the same products never deadlock) and the buyer's orders."""
    quantities: dict[int, int] = {}
    for product_id, quantity in order.lines.values_list("product_id", "quantity"):
        quantities[product_id] = quantities.get(product_id, 0) + quantity
    for product_id in sorted(quantities):
        count_product(product_id, "num_purchases", quantities[product_id])
    if order.user_id is not None:
        bump(
            get_model("analytics", "UserRecord"),
            key={"user_id": order.user_id},
            add={
                "num_orders": 1,
                "num_order_lines": order.num_lines,
                "num_order_items": order.num_items,
                "total_spent": order.total_incl_tax,
            },
            put={"date_last_order": order.date_placed},
        )
