"""Codes: long, random, without look-alike characters, read back however they are typed."""

import pytest

from marketplace.giftcards import codes


def test_a_code_is_16_characters_of_the_plain_alphabet_and_shown_in_four_groups():
    made = {codes.new_code() for _ in range(500)}
    assert len(made) == 500
    for code in made:
        assert len(code) == 16
        assert set(code) <= set(codes.CODE_ALPHABET)
    assert not set("01ILO") & set(codes.CODE_ALPHABET)
    assert codes.shown("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JKMN-PQRS",
        " abcd efgh jkmn pqrs ",
        "abcdefghjkmnpqrs",
        "STADSMARKT-CADEAU:ABCDEFGHJKMNPQRS",
    ],
)
def test_a_typed_or_scanned_code_is_read_back(typed):
    assert codes.normalise(typed) == "ABCDEFGHJKMNPQRS"


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCD-EFGH-JKMN-PQRS-T", "ABCD-EFGH-JKMN-PQR0"])
def test_anything_else_is_refused(typed):
    with pytest.raises(codes.BadCode):
        codes.normalise(typed)


def test_a_pin_is_six_digits_and_checked_against_its_hash():
    pin = codes.new_pin()
    assert len(pin) == 6 and pin.isdigit()
    stored = codes.hash_pin(pin)
    assert pin not in stored
    assert codes.pin_matches(pin, stored)
    assert not codes.pin_matches("", stored)
    assert not codes.pin_matches(str((int(pin) + 1) % 1_000_000).zfill(6), stored)
