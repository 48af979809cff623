"""Rich text that shop owners write (a product's description): cleaned by nh3 to an allow-list.

A description may keep simple formatting (paragraphs, emphasis, lists, links) but never
scripts, event handlers, styles or `javascript:` links. It is cleaned when it is saved (the
shop area's form and every service that writes a description) and again when it is shown
(the `rich_text` template filter), so rows written before this existed are safe too.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "small",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_rich_text(text: str | None) -> str:
    """The text with only the allowed tags, attributes and link schemes left."""
    if not text:
        return ""
    return nh3.clean(
        str(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def rich_text_html(text: str | None) -> SafeString:
    """Cleaned text marked safe for a template: nh3 escaped everything it let through."""
    return mark_safe(clean_rich_text(text))  # noqa: S308 (cleaned by nh3 to the allow-list)
