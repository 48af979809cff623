from django import template

from ..selectors import chances_of_part

register = template.Library()


@register.inclusion_tag("reroute/partials/chances.html", takes_context=True)
def refused_lines(context, part):
    """The order page's second chances of one part's refused lines."""
    return {
        "chances": chances_of_part(part),
        "order": part.order,
        "csrf_token": context.get("csrf_token"),
    }
