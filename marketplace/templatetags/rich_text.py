from django import template

from marketplace.rich_text import rich_text_html

register = template.Library()


@register.filter
def rich_text(value):
    """Shop-written rich text, cleaned to the allow-list on every render (never `|safe`)."""
    return rich_text_html(value)
