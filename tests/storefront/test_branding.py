"""Branding settings: validated at start-up, text colours chosen for WCAG contrast."""

import pytest

from marketplace.storefront.branding import (
    brand_context,
    contrast_ratio,
    problems_with,
    text_colour_on,
)
from marketplace.storefront.checks import check_storefront_brand

DEVENTER = {
    "name": "Stadsmarkt Deventer",
    "town": "Deventer",
    "primary_colour": "#8b1e3f",
    "secondary_colour": "#f2b134",
    "logo": "marketplace/logo.svg",
}


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_text_colour_is_white_on_dark_and_ink_on_light():
    assert text_colour_on("#8b1e3f") == "#ffffff"
    assert text_colour_on("#f2b134") == "#1a1a1a"


def test_the_default_brand_has_no_problems():
    assert problems_with(DEVENTER) == []
    assert brand_context(DEVENTER)["on_primary"] == "#ffffff"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"primary_colour": "red"},
            "STOREFRONT_BRAND['primary_colour'] is 'red'; expected #rrggbb",
        ),
        (
            {"secondary_colour": "#777777"},
            "STOREFRONT_BRAND['secondary_colour'] #777777 leaves text below 4.5:1 contrast",
        ),
        ({"logo": ""}, "STOREFRONT_BRAND lacks logo"),
    ],
)
def test_a_bad_brand_is_named_by_the_system_check(settings, change, problem):
    settings.STOREFRONT_BRAND = {**DEVENTER, **change}
    errors = check_storefront_brand(None)
    assert len(errors) == 1 and errors[0].msg.startswith(problem)
    assert errors[0].id == "storefront.E002"


def test_a_bad_colour_falls_back_instead_of_breaking_pages():
    context = brand_context({**DEVENTER, "primary_colour": "red"})
    assert context["primary_colour"] == "#1a1a1a" and context["on_primary"] == "#ffffff"
