"""Form fields rendered by their own widget, with Bootstrap's classes.

Through the widget, a number keeps its dot (a Dutch "8,55" in an <input type="number"> is
dropped by the browser) and dates and times use the ISO form that date and time inputs
need whatever the language, so a form saved unchanged saves in Dutch as in English.
"""

from django import forms, template

register = template.Library()
ISO = {"date": "%Y-%m-%d", "time": "%H:%M", "datetime-local": "%Y-%m-%dT%H:%M"}


@register.filter
def as_control(field):
    widget = field.field.widget
    if getattr(widget, "input_type", None) in ISO:
        widget.format = ISO[widget.input_type]
    css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
