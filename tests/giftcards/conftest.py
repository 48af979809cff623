from decimal import Decimal

import pytest

from marketplace.giftcards.models import Scheme
from tests.factories import ShopFactory, make_owner


def scheme_with(*shops, **fields) -> Scheme:
    scheme = Scheme.current()
    values = {
        "is_active": True,
        "min_amount": Decimal("5.00"),
        "max_amount": Decimal("150.00"),
        "pin_above": Decimal("50.00"),
        "validity_months": 24,
        **fields,
    }
    for name, value in values.items():
        setattr(scheme, name, value)
    scheme.save()
    scheme.shops.set(shops)
    return scheme


@pytest.fixture
def town(db):
    """Two participating shops with an owner each, and one that does not take part."""
    first, second, outside = ShopFactory(), ShopFactory(), ShopFactory()
    owners = [make_owner(shop) for shop in (first, second, outside)]
    scheme = scheme_with(first, second)
    return {"shops": [first, second, outside], "owners": owners, "scheme": scheme}
