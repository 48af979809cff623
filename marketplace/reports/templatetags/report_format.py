from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def report_value(value, kind: str) -> str:
    """A report figure as people read it, in the active language's number format."""
    if value is None or value == "":
        return "–"
    if kind == "money":
        return "€ " + number_format(value, 2, force_grouping=True)
    if kind == "count":
        return number_format(value, 0, force_grouping=True)
    if kind == "percent":
        return number_format(value, 1) + " %"
    if kind == "minutes":
        return _("%(minutes)s min") % {"minutes": number_format(value, 0, force_grouping=True)}
    if kind == "day":
        return date_format(value, "SHORT_DATE_FORMAT")
    if kind == "moment":
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if kind == "flag":
        return _("yes") if value else _("no")
    return str(value)
