"""Property tests: the money adds up to the cent over random baskets, plans and refunds.

The order invariant (ARCHITECTURE.md, issue 5): after any sequence of partial refunds,
Σ(transfers − transfer reversals) + Σ(platform fees − their reversals) == charged − refunds,
where the platform's fees of a part are what it keeps of the charge: commission + VAT on
commission + the card fee passed on to the shop. Nothing is ever negative.
"""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.commission.fees import (
    PlanTerms,
    SaleLine,
    allocate_proportionally,
    commission_for_line,
    part_commission,
    payment_fee,
    shop_payout,
    what_shop_keeps,
)
from marketplace.commission.refunds import PartLedger, open_order, refund_part, settle

FAST = settings(max_examples=200, deadline=None)
CATEGORY_KEYS = ["food", "food/cheese", "food/bread", "books", "books/antique"]
CATEGORY_PATHS = [
    (),
    ("food",),
    ("food", "food/cheese"),
    ("food", "food/bread"),
    ("books",),
    ("books", "books/antique"),
]
LEDGER_FIELDS = list(PartLedger.__dataclass_fields__)


def euros(amount_in_cents: int) -> Decimal:
    return Decimal(amount_in_cents) / 100


def in_cents(amount: Decimal) -> int:
    return int(amount * 100)


def money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(euros)


percentages = st.integers(0, 3000).map(euros)  # 0–30% with two decimals


@st.composite
def plans(draw) -> PlanTerms:
    low, high = sorted(draw(st.lists(st.integers(0, 5000), min_size=2, max_size=2)))
    return PlanTerms(
        percentage=draw(percentages),
        fixed_fee_per_part=draw(money(0, 200)),
        minimum_per_line=draw(st.sampled_from([None, euros(low)])),
        maximum_per_line=draw(st.sampled_from([None, euros(high)])),
        category_percentages=draw(
            st.dictionaries(st.sampled_from(CATEGORY_KEYS), percentages, max_size=3)
        ),
    )


sale_lines = st.builds(
    SaleLine,
    line_total_incl_vat=money(1, 200_000),  # €0.01 – €2,000.00
    category_path=st.sampled_from(CATEGORY_PATHS),
)
shop_parts = st.tuples(plans(), st.lists(sale_lines, min_size=1, max_size=6))
baskets = st.lists(shop_parts, min_size=1, max_size=5)
card_fees = st.tuples(st.integers(0, 500).map(euros), money(0, 50))  # 0–5% + €0–0.50


def check_order(parts: list[PartLedger]) -> None:
    """The invariant, from the raw fields; plus nothing negative and the settlement adds up."""
    transfers = sum(p.transferred - p.transfer_reversed for p in parts)
    fees = sum(
        p.commission
        + p.vat_on_commission
        + p.payment_fee
        - p.commission_reversed
        - p.vat_on_commission_reversed
        - p.payment_fee_reversed
        for p in parts
    )
    assert transfers + fees == sum(p.charged for p in parts) - sum(p.refunded for p in parts)
    for part in parts:
        assert all(getattr(part, name) >= 0 for name in LEDGER_FIELDS)
        assert part.transfer_reversed <= part.transferred
        assert part.commission_reversed <= part.commission
        assert part.vat_on_commission_reversed <= part.vat_on_commission
        assert part.payment_fee_reversed <= part.payment_fee
    figures = settle(parts=parts)
    assert figures.net == transfers
    assert figures.net == (
        figures.gross
        - figures.refunds
        - figures.commission
        - figures.vat_on_commission
        - figures.payment_fees
    )


def place_order(basket, card_fee) -> tuple[PartLedger, ...]:
    parts = [part_commission(terms=terms, lines=lines) for terms, lines in basket]
    charged = sum(part.gross for part in parts)
    fee = payment_fee(amount=charged, percentage=card_fee[0], fixed=card_fee[1])
    shares = allocate_proportionally(total=fee, weights=[f.gross for f in parts])
    assert sum(shares) == fee
    parts = open_order(parts=parts, order_payment_fee=fee)
    for part, share in zip(parts, shares, strict=True):
        assert part.payment_fee <= share  # the rest, if any, is absorbed by the platform
    return parts


def draw_refund(data, parts: list[PartLedger]) -> tuple[int, int] | None:
    """A part that still has something refundable, and an amount of it in cents."""
    open_parts = [i for i, part in enumerate(parts) if part.refundable > 0]
    if not open_parts:
        return None
    index = data.draw(st.sampled_from(open_parts))
    left = in_cents(parts[index].refundable)
    amount = data.draw(
        st.one_of(st.just(left), st.integers(1, left), st.integers(1, min(left, 99)))
    )
    return index, amount


def check_step(effect, amount: int) -> None:
    moves = (
        effect.transfer_reversal,
        effect.commission_reversal,
        effect.vat_on_commission_reversal,
        effect.payment_fee_reversal,
    )
    assert min(moves) >= 0
    assert sum(moves) == effect.consumer_refund == euros(amount)


@FAST
@given(basket=baskets, card_fee=card_fees, data=st.data())
def test_order_invariant_holds_after_every_partial_refund(basket, card_fee, data):
    opened = place_order(basket, card_fee)
    parts = list(opened)
    refunded = [0] * len(parts)
    check_order(parts)
    for _ in range(data.draw(st.integers(0, 12))):
        refund = draw_refund(data, parts)
        if refund is None:
            break
        index, amount = refund
        effect = refund_part(part=parts[index], refund_amount=euros(amount))
        check_step(effect, amount)
        parts[index] = effect.ledger
        refunded[index] += amount
        check_order(parts)
        # Same state as one refund of the running total: the sequence does not matter.
        one_go = refund_part(part=opened[index], refund_amount=euros(refunded[index]))
        assert one_go.ledger == parts[index]


@FAST
@given(basket=baskets, card_fee=card_fees, data=st.data())
def test_refunding_everything_reverses_everything_to_zero(basket, card_fee, data):
    parts = list(place_order(basket, card_fee))
    while (refund := draw_refund(data, parts)) is not None:
        index, amount = refund
        parts[index] = refund_part(part=parts[index], refund_amount=euros(amount)).ledger
    for part in parts:
        assert part.net_transfer == 0
        assert part.retained_reversed == part.retained
        assert part.platform_fee_reversed == part.platform_fee
        assert part.refunded == part.charged
    figures = settle(parts=parts)
    assert figures.net == figures.commission == figures.vat_on_commission == 0
    assert figures.payment_fees == 0


@FAST
@given(terms=plans(), lines=st.lists(sale_lines, min_size=1, max_size=6))
def test_part_commission_is_bounded_and_adds_up(terms, lines):
    result = part_commission(terms=terms, lines=lines)
    assert result.gross == sum(line.line_total_incl_vat for line in lines)
    assert sum(result.line_commissions) + result.fixed_fee == result.commission_total
    assert result.commission_total + result.vat_on_commission == result.platform_fee_total
    assert 0 <= result.platform_fee_total <= result.gross
    assert 0 <= result.fixed_fee <= terms.fixed_fee_per_part
    for line, commission in zip(lines, result.line_commissions, strict=True):
        uncapped = commission_for_line(
            terms=terms,
            line_total_incl_vat=line.line_total_incl_vat,
            category_path=line.category_path,
        )
        assert 0 <= commission <= uncapped <= line.line_total_incl_vat
    # 21% of the commission, rounded half up to the cent.
    vat_exact = in_cents(result.commission_total) * Decimal("0.21")
    assert abs(in_cents(result.vat_on_commission) - vat_exact) <= Decimal("0.5")


@FAST
@given(terms=plans(), total=money(0, 200_000), path=st.sampled_from(CATEGORY_PATHS))
def test_line_commission_respects_its_clamps(terms, total, path):
    commission = commission_for_line(terms=terms, line_total_incl_vat=total, category_path=path)
    assert 0 <= commission <= total
    if terms.maximum_per_line is not None:
        assert commission <= terms.maximum_per_line
    if terms.minimum_per_line is not None:
        assert commission >= min(terms.minimum_per_line, total)


@FAST
@given(
    total=st.integers(0, 1_000_000),
    weights=st.lists(st.integers(0, 1_000_000), min_size=1, max_size=8).filter(any),
)
def test_allocation_adds_up_and_each_part_is_within_a_cent_of_its_share(total, weights):
    parts = allocate_proportionally(total=euros(total), weights=[euros(w) for w in weights])
    assert sum(parts) == euros(total)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, sum(weights))
        assert abs(in_cents(part) - exact) < 1  # the floor or the ceiling of its quota


@FAST
@given(gross=st.integers(0, 200_000), data=st.data())
def test_payout_splits_the_gross_exactly_and_never_goes_negative(gross, data):
    platform_fee = data.draw(st.integers(0, gross))
    share = data.draw(st.integers(0, 5_000))
    payout = shop_payout(
        gross=euros(gross), platform_fee=euros(platform_fee), payment_fee_share=euros(share)
    )
    assert payout.transfer + payout.platform_fee + payout.payment_fee == euros(gross)
    assert payout.payment_fee + payout.platform_absorbs == euros(share)
    assert min(payout.transfer, payout.payment_fee, payout.platform_absorbs) >= 0
    assert payout.platform_absorbs == 0 or payout.transfer == 0


@FAST
@given(terms=plans(), price=money(1, 200_000), card_fee=card_fees)
def test_what_shop_keeps_is_between_nothing_and_the_price(terms, price, card_fee):
    kept = what_shop_keeps(
        terms=terms,
        price_incl_vat=price,
        category_path=("food", "food/cheese"),
        card_fee_percentage=card_fee[0],
        card_fee_fixed=card_fee[1],
    )
    assert 0 <= kept <= price
