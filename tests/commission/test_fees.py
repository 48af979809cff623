"""Hand-computed examples for the commission and payout maths (no database needed)."""

from decimal import Decimal

import pytest

from marketplace.commission.fees import (
    VAT_ON_COMMISSION,
    PartCommissionFigures,
    Payout,
    PlanTerms,
    SaleLine,
    allocate_proportionally,
    commission_for_line,
    part_commission,
    payment_fee,
    shop_payout,
    what_shop_keeps,
)
from marketplace.commission.refunds import (
    PartLedger,
    open_order,
    open_part_ledger,
    refund_part,
    settle,
)

D = Decimal
DEFAULT = PlanTerms(percentage=D("5"))


def line_commission(terms: PlanTerms, total: str, path: tuple[str, ...] = ()) -> Decimal:
    return commission_for_line(terms=terms, line_total_incl_vat=D(total), category_path=path)


def lines(*totals: str) -> list[SaleLine]:
    return [SaleLine(line_total_incl_vat=D(total)) for total in totals]


# --- commission per line -----------------------------------------------------------------


def test_default_plan_on_1995_rounds_half_up_to_one_euro():
    # 5% of 19.95 = 0.9975, which rounds to 1.00.
    assert line_commission(DEFAULT, "19.95") == D("1.00")


def test_exact_half_cent_rounds_up():
    # 5% of 10.10 = 0.505 -> 0.51 (ROUND_HALF_UP, not banker's 0.50).
    assert line_commission(DEFAULT, "10.10") == D("0.51")
    # 5% of 0.10 = 0.005 -> 0.01.
    assert line_commission(DEFAULT, "0.10") == D("0.01")


def test_results_always_carry_two_decimals():
    assert str(line_commission(DEFAULT, "20")) == "1.00"
    assert str(line_commission(DEFAULT, "0.00")) == "0.00"


def test_minimum_per_line_lifts_small_commissions():
    terms = PlanTerms(percentage=D("5"), minimum_per_line=D("0.50"))
    # 5% of 4.00 = 0.20, lifted to the 0.50 minimum.
    assert line_commission(terms, "4.00") == D("0.50")
    # 5% of 12.00 = 0.60, above the minimum.
    assert line_commission(terms, "12.00") == D("0.60")


def test_minimum_never_exceeds_the_line_total():
    terms = PlanTerms(percentage=D("5"), minimum_per_line=D("0.50"))
    assert line_commission(terms, "0.30") == D("0.30")
    assert line_commission(terms, "0.00") == D("0.00")


def test_maximum_per_line_caps_large_commissions():
    terms = PlanTerms(percentage=D("5"), maximum_per_line=D("10.00"))
    # 5% of 1500.00 = 75.00, capped at 10.00.
    assert line_commission(terms, "1500.00") == D("10.00")
    assert line_commission(terms, "150.00") == D("7.50")


def test_minimum_equal_to_maximum_is_a_flat_fee_per_line():
    terms = PlanTerms(percentage=D("5"), minimum_per_line=D("1.00"), maximum_per_line=D("1.00"))
    assert line_commission(terms, "3.00") == D("1.00")
    assert line_commission(terms, "900.00") == D("1.00")


def test_zero_percent_plan_charges_nothing():
    assert line_commission(PlanTerms(percentage=D("0")), "999.99") == D("0.00")


OVERRIDES = PlanTerms(
    percentage=D("5"),
    category_percentages={"food": D("3"), "food/cheese": D("2"), "books/antique": D("8")},
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("food", "food/cheese"), D("2.00")),  # the leaf's own override wins over the root's
        (("food", "food/cheese", "food/cheese/goat"), D("2.00")),  # nearest ancestor wins
        (("food", "food/bread"), D("3.00")),  # only the root has an override
        (("books", "books/antique"), D("8.00")),  # only the leaf has one
        (("books", "books/new"), D("5.00")),  # none: the plan's percentage
        ((), D("5.00")),  # uncategorised
    ],
)
def test_most_specific_category_override_wins(path, expected):
    assert line_commission(OVERRIDES, "100.00", path) == expected


def test_category_override_still_respects_clamps():
    terms = PlanTerms(
        percentage=D("5"), maximum_per_line=D("1.50"), category_percentages={"bikes": D("10")}
    )
    assert line_commission(terms, "100.00", ("bikes",)) == D("1.50")


def test_terms_snapshot_cannot_be_changed_through_the_original_mapping():
    overrides = {"food": D("3")}
    terms = PlanTerms(percentage=D("5"), category_percentages=overrides)
    overrides["food"] = D("30")
    assert line_commission(terms, "100.00", ("food",)) == D("3.00")
    with pytest.raises(TypeError):
        terms.category_percentages["food"] = D("30")  # type: ignore[index]


# --- commission per part -----------------------------------------------------------


def test_fixed_fee_applies_once_per_part_with_vat_on_top():
    terms = PlanTerms(percentage=D("5"), fixed_fee_per_part=D("0.50"))
    result = part_commission(terms=terms, lines=lines("19.95", "5.05"))
    # Lines: 0.9975 -> 1.00 and 0.2525 -> 0.25; fixed fee 0.50 once: commission 1.75.
    # VAT 21% of 1.75 = 0.3675 -> 0.37; platform fee 2.12.
    assert result == PartCommissionFigures(
        line_commissions=(D("1.00"), D("0.25")),
        fixed_fee=D("0.50"),
        commission_total=D("1.75"),
        vat_on_commission=D("0.37"),
        platform_fee_total=D("2.12"),
        gross=D("25.00"),
    )


def test_vat_is_computed_once_on_the_commission_total_not_per_line():
    result = part_commission(terms=DEFAULT, lines=lines("10.10", "10.10", "10.10"))
    # Lines 0.51 each = 1.53 commission; 21% = 0.3213 -> 0.32 (per line it would be 3 x 0.11).
    assert result.commission_total == D("1.53")
    assert result.vat_on_commission == D("0.32")
    assert result.platform_fee_total == D("1.85")


def test_default_vat_on_commission_is_21_percent_and_snapshotted():
    assert PlanTerms(percentage=D("5")).vat_on_commission == VAT_ON_COMMISSION
    assert str(VAT_ON_COMMISSION) == "21"
    terms = PlanTerms(percentage=D("10"), vat_on_commission=D("0"))
    result = part_commission(terms=terms, lines=lines("10.00"))
    assert (result.commission_total, result.vat_on_commission) == (D("1.00"), D("0.00"))


def test_fixed_fee_gives_way_so_the_platform_fee_fits_in_the_gross():
    terms = PlanTerms(percentage=D("5"), fixed_fee_per_part=D("2.00"))
    result = part_commission(terms=terms, lines=lines("1.00"))
    # Wanted 0.05 + 2.00. Largest c with c + 21% of c <= 1.00: 0.83 + 0.17 (0.1743) = 1.00,
    # while 0.84 + 0.18 (0.1764) = 1.02. So the fixed fee shrinks to 0.78.
    assert result == PartCommissionFigures(
        line_commissions=(D("0.05"),),
        fixed_fee=D("0.78"),
        commission_total=D("0.83"),
        vat_on_commission=D("0.17"),
        platform_fee_total=D("1.00"),
        gross=D("1.00"),
    )


def test_line_commissions_shrink_in_proportion_when_the_minimum_and_vat_exceed_the_gross():
    terms = PlanTerms(percentage=D("5"), minimum_per_line=D("1.00"))
    result = part_commission(terms=terms, lines=lines("1.00", "0.50"))
    # Minimums give 1.00 + 0.50 = 1.50 = gross, and VAT on top would exceed it. The cap is
    # 1.24 (1.24 + 0.26 = 1.50; 1.25 + 0.26 = 1.51). 1.24 over weights 100:50 gives quotas
    # 82.67 and 41.33 cents: floors 82 + 41 and the spare cent to the larger remainder.
    assert result.line_commissions == (D("0.83"), D("0.41"))
    assert result.fixed_fee == D("0.00")
    assert (result.commission_total, result.vat_on_commission) == (D("1.24"), D("0.26"))
    assert result.platform_fee_total == result.gross == D("1.50")


def test_empty_part_costs_nothing_even_with_a_fixed_fee():
    terms = PlanTerms(percentage=D("5"), fixed_fee_per_part=D("0.50"))
    result = part_commission(terms=terms, lines=[])
    assert result.platform_fee_total == D("0.00")
    assert result.line_commissions == ()


# --- payment fees and allocation ---------------------------------------------------------


def test_card_fee_percentage_plus_fixed():
    # 1.5% of 25.00 = 0.375 -> 0.38, plus 0.25.
    fee = payment_fee(amount=D("25.00"), percentage=D("1.5"), fixed=D("0.25"))
    assert fee == D("0.63")


def test_no_card_fee_on_a_zero_charge():
    assert payment_fee(amount=D("0"), percentage=D("1.5"), fixed=D("0.25")) == D("0.00")


def test_one_cent_over_three_equal_parts_goes_to_the_first():
    parts = allocate_proportionally(total=D("0.01"), weights=[D("1"), D("1"), D("1")])
    assert parts == (D("0.01"), D("0.00"), D("0.00"))


def test_one_cent_goes_to_the_largest_remainder():
    # Quotas 1/6, 2/6, 3/6 of a cent: the last has the largest remainder.
    parts = allocate_proportionally(total=D("0.01"), weights=[D("1"), D("2"), D("3")])
    assert parts == (D("0.00"), D("0.00"), D("0.01"))


def test_ten_cents_over_three_equal_parts():
    parts = allocate_proportionally(total=D("0.10"), weights=[D("5.00")] * 3)
    assert parts == (D("0.04"), D("0.03"), D("0.03"))


def test_card_fee_spread_over_shops_by_gross():
    # 63 cents over 25:10:5 -> quotas 39.375, 15.75, 7.875; floors 61, two spare cents to
    # the remainders .875 (third) and .75 (second).
    parts = allocate_proportionally(total=D("0.63"), weights=[D("25.00"), D("10.00"), D("5.00")])
    assert parts == (D("0.39"), D("0.16"), D("0.08"))


def test_zero_weights_take_nothing():
    parts = allocate_proportionally(total=D("1.00"), weights=[D("0"), D("3.00"), D("0")])
    assert parts == (D("0.00"), D("1.00"), D("0.00"))
    zeros = allocate_proportionally(total=D("0"), weights=[D("0"), D("0")])
    assert zeros == (D("0.00"), D("0.00"))
    assert allocate_proportionally(total=D("0"), weights=[]) == ()


def test_allocating_money_over_nothing_is_refused():
    with pytest.raises(ValueError, match="all zero"):
        allocate_proportionally(total=D("0.01"), weights=[D("0"), D("0")])
    with pytest.raises(ValueError, match="all zero"):
        allocate_proportionally(total=D("0.01"), weights=[])
    with pytest.raises(ValueError, match=r"weights\[1\] must not be negative"):
        allocate_proportionally(total=D("0.01"), weights=[D("1"), D("-1")])


# --- payouts -----------------------------------------------------------------------------


def test_payout_is_gross_less_fees():
    payout = shop_payout(gross=D("25.00"), platform_fee=D("2.12"), payment_fee_share=D("0.39"))
    assert payout == Payout(
        transfer=D("22.49"),
        platform_fee=D("2.12"),
        payment_fee=D("0.39"),
        platform_absorbs=D("0.00"),
    )


def test_platform_absorbs_the_card_fee_a_small_part_cannot_carry():
    payout = shop_payout(gross=D("1.00"), platform_fee=D("0.90"), payment_fee_share=D("0.27"))
    # Owed 1.17 of 1.00: the transfer stays at 0.00, the shop pays 0.10 of its card fee
    # share and the platform the other 0.17.
    assert payout == Payout(
        transfer=D("0.00"),
        platform_fee=D("0.90"),
        payment_fee=D("0.10"),
        platform_absorbs=D("0.17"),
    )


def test_exactly_enough_leaves_a_zero_transfer_and_nothing_absorbed():
    payout = shop_payout(gross=D("1.00"), platform_fee=D("0.73"), payment_fee_share=D("0.27"))
    assert (payout.transfer, payout.platform_absorbs) == (D("0.00"), D("0.00"))


def test_platform_fee_above_gross_is_refused():
    with pytest.raises(ValueError, match="exceeds gross"):
        shop_payout(gross=D("1.00"), platform_fee=D("1.01"), payment_fee_share=D("0"))


def test_what_shop_keeps_of_one_item():
    kept = what_shop_keeps(
        terms=DEFAULT,
        price_incl_vat=D("19.95"),
        category_path=["food"],
        card_fee_percentage=D("1.5"),
        card_fee_fixed=D("0.25"),
    )
    # Commission 1.00 + VAT 0.21; card fee 0.29925 -> 0.30 + 0.25 = 0.55.
    # 19.95 - 1.21 - 0.55 = 18.19.
    assert kept == D("18.19")


def test_what_shop_keeps_of_a_cheap_item_is_never_negative():
    terms = PlanTerms(percentage=D("5"), fixed_fee_per_part=D("1.00"))
    kept = what_shop_keeps(
        terms=terms,
        price_incl_vat=D("0.50"),
        category_path=[],
        card_fee_percentage=D("1.5"),
        card_fee_fixed=D("0.25"),
    )
    assert kept == D("0.00")


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: PlanTerms(percentage=5.0),
        lambda: PlanTerms(percentage=D("5"), fixed_fee_per_part=0.5),
        lambda: PlanTerms(percentage=D("5"), category_percentages={"food": 3.0}),
        lambda: SaleLine(line_total_incl_vat=19.95),
        lambda: commission_for_line(terms=DEFAULT, line_total_incl_vat=19.95, category_path=()),
        lambda: payment_fee(amount=D("1.00"), percentage=1.5, fixed=D("0.25")),
        lambda: allocate_proportionally(total=0.01, weights=[D("1")]),
        lambda: allocate_proportionally(total=D("0.01"), weights=[1.0]),
        lambda: shop_payout(gross=D("1.00"), platform_fee=D("0.10"), payment_fee_share=0.1),
        lambda: refund_part(part=fresh_ledger(), refund_amount=1.0),
    ],
)
def test_floats_are_rejected(call):
    with pytest.raises(TypeError, match="not a float"):
        call()


def test_other_non_decimals_are_rejected():
    with pytest.raises(TypeError, match="must be a Decimal, got int"):
        payment_fee(amount=100, percentage=D("1.5"), fixed=D("0.25"))
    with pytest.raises(TypeError, match="not a string"):
        commission_for_line(terms=DEFAULT, line_total_incl_vat=D("1"), category_path="food")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: line_commission(DEFAULT, "19.999"), "whole number of cents"),
        (lambda: line_commission(DEFAULT, "-1.00"), "must not be negative"),
        (lambda: line_commission(DEFAULT, "NaN"), "finite"),
        (lambda: PlanTerms(percentage=D("100.01")), "between 0 and 100"),
        (lambda: PlanTerms(percentage=D("-1")), "between 0 and 100"),
        (
            lambda: PlanTerms(
                percentage=D("5"), minimum_per_line=D("2.00"), maximum_per_line=D("1.00")
            ),
            "minimum_per_line 2.00 is above maximum_per_line 1.00",
        ),
    ],
)
def test_bad_amounts_are_rejected_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- ledger, refunds and settlement ------------------------------------------------------


def fresh_ledger() -> PartLedger:
    """Shop part of 25.00: commission 1.75 + VAT 0.37, card fee share 0.39, transfer 22.49."""
    terms = PlanTerms(percentage=D("5"), fixed_fee_per_part=D("0.50"))
    commission = part_commission(terms=terms, lines=lines("19.95", "5.05"))
    return open_part_ledger(commission=commission, payment_fee_share=D("0.39"))


def test_opened_ledger_splits_the_charge():
    ledger = fresh_ledger()
    assert ledger == PartLedger(
        charged=D("25.00"),
        transferred=D("22.49"),
        commission=D("1.75"),
        vat_on_commission=D("0.37"),
        payment_fee=D("0.39"),
    )
    assert (ledger.platform_fee, ledger.retained) == (D("2.12"), D("2.51"))


def test_partial_refund_reverses_in_proportion():
    effect = refund_part(part=fresh_ledger(), refund_amount=D("5.05"))
    # Retained 2.51 x 5.05/25.00 = 0.50702 -> 0.51; the transfer gives back 5.05 - 0.51 = 4.54.
    # Card fee 0.39 x 51/251 = 0.0792 -> 0.08; platform fee 0.43.
    # VAT 0.37 x 43/212 = 0.07505 -> 0.08; commission 0.35.
    assert effect.consumer_refund == D("5.05")
    assert effect.transfer_reversal == D("4.54")
    assert effect.commission_reversal == D("0.35")
    assert effect.vat_on_commission_reversal == D("0.08")
    assert effect.payment_fee_reversal == D("0.08")
    assert effect.platform_fee_reversal == D("0.43")
    assert effect.ledger.refunded == D("5.05")
    assert effect.ledger.net_transfer == D("17.95")


def test_refunding_the_rest_reverses_everything_exactly():
    first = refund_part(part=fresh_ledger(), refund_amount=D("5.05"))
    rest = refund_part(part=first.ledger, refund_amount=D("19.95"))
    assert rest.transfer_reversal == D("17.95")  # 22.49 - 4.54
    assert rest.commission_reversal == D("1.40")  # 1.75 - 0.35
    assert rest.vat_on_commission_reversal == D("0.29")  # 0.37 - 0.08
    assert rest.payment_fee_reversal == D("0.31")  # 0.39 - 0.08
    done = rest.ledger
    assert done.net_transfer == D("0.00")
    assert done.platform_fee_reversed == done.platform_fee
    assert done.payment_fee_reversed == done.payment_fee
    assert done.refundable == D("0.00")


def test_full_refund_at_once_equals_the_same_in_steps():
    at_once = refund_part(part=fresh_ledger(), refund_amount=D("25.00")).ledger
    ledger = fresh_ledger()
    for amount in ("0.01", "5.04", "10.00", "9.94", "0.01"):
        ledger = refund_part(part=ledger, refund_amount=D(amount)).ledger
    assert ledger == at_once


def test_partial_refunds_depend_only_on_the_total_refunded():
    one_go = refund_part(part=fresh_ledger(), refund_amount=D("15.05")).ledger
    two_steps = refund_part(
        part=refund_part(part=fresh_ledger(), refund_amount=D("5.05")).ledger,
        refund_amount=D("10.00"),
    ).ledger
    assert two_steps == one_go


def test_cent_by_cent_refunds_never_reverse_a_negative_amount():
    terms = PlanTerms(percentage=D("7.5"), fixed_fee_per_part=D("0.35"))
    commission = part_commission(terms=terms, lines=lines("2.99", "0.01"))
    ledger = open_part_ledger(commission=commission, payment_fee_share=D("0.29"))
    for _ in range(300):
        effect = refund_part(part=ledger, refund_amount=D("0.01"))
        reversals = (
            effect.transfer_reversal,
            effect.commission_reversal,
            effect.vat_on_commission_reversal,
            effect.payment_fee_reversal,
        )
        assert min(reversals) >= 0
        assert sum(reversals) == D("0.01")
        ledger = effect.ledger
    assert ledger.net_transfer == D("0.00")
    assert ledger.retained_reversed == ledger.retained


def test_over_refund_is_refused_and_changes_nothing():
    ledger = refund_part(part=fresh_ledger(), refund_amount=D("20.00")).ledger
    before = PartLedger(**vars(ledger))
    message = r"cannot refund 5.01: only 5.00 of this part's 25.00 is still refundable"
    with pytest.raises(ValueError, match=message):
        refund_part(part=ledger, refund_amount=D("5.01"))
    assert ledger == before


def test_zero_refund_is_refused():
    with pytest.raises(ValueError, match="more than 0.00"):
        refund_part(part=fresh_ledger(), refund_amount=D("0.00"))


def test_fully_refunded_part_refuses_further_refunds():
    ledger = refund_part(part=fresh_ledger(), refund_amount=D("25.00")).ledger
    with pytest.raises(ValueError, match="only 0.00"):
        refund_part(part=ledger, refund_amount=D("0.01"))


def test_ledger_that_does_not_add_up_cannot_be_built():
    with pytest.raises(ValueError, match="charged 10.00 must equal"):
        PartLedger(
            charged=D("10.00"),
            transferred=D("9.00"),
            commission=D("0.50"),
            vat_on_commission=D("0.10"),
            payment_fee=D("0.30"),
        )
    with pytest.raises(ValueError, match="refunded 1.00 must equal"):
        PartLedger(**{**vars(fresh_ledger()), "refunded": D("1.00")})
    with pytest.raises(ValueError, match="commission reversed"):
        PartLedger(
            **{**vars(fresh_ledger()), "refunded": D("2.00"), "commission_reversed": D("2.00")}
        )


def test_ledger_with_reversals_off_schedule_is_refused_not_made_negative():
    # Valid on its own (reversals add up to the refund) but all of it booked as commission.
    ledger = PartLedger(
        charged=D("10.00"),
        transferred=D("9.00"),
        commission=D("1.00"),
        vat_on_commission=D("0.00"),
        payment_fee=D("0.00"),
        refunded=D("1.00"),
        commission_reversed=D("1.00"),
    )
    with pytest.raises(ValueError, match="schedule"):
        refund_part(part=ledger, refund_amount=D("1.00"))


def test_order_opens_one_ledger_per_shop_with_the_card_fee_spread_by_gross():
    bakery = part_commission(terms=DEFAULT, lines=lines("25.00"))  # 1.25 + 0.26
    books = part_commission(terms=DEFAULT, lines=lines("10.00"))  # 0.50 + 0.11
    cheese = part_commission(terms=DEFAULT, lines=lines("5.00"))  # 0.25 + 0.05
    # Card fee on 40.00: 0.60 + 0.25 = 0.85; 85 x 25:10:5 = 53.125, 21.25, 10.625 cents.
    fee = payment_fee(amount=D("40.00"), percentage=D("1.5"), fixed=D("0.25"))
    parts = open_order(parts=[bakery, books, cheese], order_payment_fee=fee)
    assert [part.payment_fee for part in parts] == [D("0.53"), D("0.21"), D("0.11")]
    assert [part.transferred for part in parts] == [D("22.96"), D("9.18"), D("4.59")]
    assert sum(part.transferred + part.retained for part in parts) == D("40.00")


def test_settlement_figures_add_up():
    refunded = refund_part(part=fresh_ledger(), refund_amount=D("5.05")).ledger
    other = open_part_ledger(
        commission=part_commission(terms=DEFAULT, lines=lines("10.00")),
        payment_fee_share=D("0.40"),
    )
    figures = settle(parts=[refunded, other])
    assert figures.gross == D("35.00")
    assert figures.refunds == D("5.05")
    assert figures.commission == D("1.90")  # (1.75 - 0.35) + 0.50
    assert figures.vat_on_commission == D("0.40")  # (0.37 - 0.08) + 0.11
    assert figures.payment_fees == D("0.71")  # (0.39 - 0.08) + 0.40
    # 35.00 - 5.05 - 1.90 - 0.40 - 0.71 = 26.94 = (22.49 - 4.54) + 8.99
    assert figures.net == D("26.94")
    assert figures.net == refunded.net_transfer + other.net_transfer


def test_settling_nothing_is_all_zero():
    figures = settle(parts=[])
    assert figures.gross == figures.net == D("0.00")
