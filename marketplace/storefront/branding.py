"""The town's branding: settings validated once, and text colours that keep WCAG contrast.

Pure functions, no Django state: the context processor and the system check both use them.
"""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE, INK = "#ffffff", "#1a1a1a"
# WCAG 2.1 AA for normal text.
MINIMUM_CONTRAST = 4.5
REQUIRED_KEYS = ("name", "town", "primary_colour", "secondary_colour", "logo")


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or ink, whichever reads better on the background."""
    return max((WHITE, INK), key=lambda text: contrast_ratio(text, background))


def problems_with(brand: dict) -> list[str]:
    """What is wrong with a STOREFRONT_BRAND setting, each naming the key and the value."""
    missing = [key for key in REQUIRED_KEYS if not brand.get(key)]
    if missing:
        return [f"STOREFRONT_BRAND lacks {', '.join(missing)}"]
    problems = []
    for key in ("primary_colour", "secondary_colour"):
        colour = brand[key]
        if not HEX_COLOUR.match(colour):
            problems.append(f"STOREFRONT_BRAND[{key!r}] is {colour!r}; expected #rrggbb")
        elif contrast_ratio(text_colour_on(colour), colour) < MINIMUM_CONTRAST:
            problems.append(
                f"STOREFRONT_BRAND[{key!r}] {colour} leaves text below "
                f"{MINIMUM_CONTRAST}:1 contrast; choose a darker or lighter colour"
            )
    return problems


def brand_context(brand: dict) -> dict:
    """What templates get as `brand`; colours that fail the check fall back to the defaults'
    ink-on-white reading rather than breaking the page."""
    primary = brand["primary_colour"] if HEX_COLOUR.match(brand["primary_colour"]) else INK
    secondary = brand["secondary_colour"] if HEX_COLOUR.match(brand["secondary_colour"]) else WHITE
    return {
        "name": brand["name"],
        "town": brand["town"],
        "primary_colour": primary,
        "secondary_colour": secondary,
        "on_primary": text_colour_on(primary),
        "on_secondary": text_colour_on(secondary),
        "logo_url": brand["logo"],
    }
