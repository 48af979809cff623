"""The search form: plain GET parameters, so search and filters work without JavaScript.

A bad value (an unknown shop, "abc" as a price) is reported next to its field and that one
filter is left out; the search still runs on the rest.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shops.models import ShopKind

SORTS = [
    ("relevance", _("Best match")),
    ("price", _("Price, low to high")),
    ("-price", _("Price, high to low")),
    ("title", _("Name")),
]
FILTER_NAMES = (
    "shop",
    "kind",
    "category",
    "min_price",
    "max_price",
    "open_now",
    "pickup_today",
    "in_stock",
)


@dataclass(frozen=True)
class SearchCriteria:
    text: str = ""
    shop: str = ""
    kind: str = ""
    category: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    open_now: bool = False
    pickup_today: bool = False
    in_stock: bool = False
    sort: str = "relevance"

    def filters(self) -> dict:
        """The filters in use, as JSON-friendly values (for SearchRecord.filters)."""
        used = {name: getattr(self, name) for name in FILTER_NAMES if getattr(self, name)}
        return {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in used.items()
        }


class PriceField(forms.DecimalField):
    """Euros as people type them, in either language: "12,50", "12.50", "€ 12,50"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace(" ", "").strip()
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


def html_attrs(attrs: dict) -> str:
    """Attributes as Django's widgets/attrs.html writes them (True: the bare name)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


# Rendered selects by everything they show (FastSelect.render); a few per language.
_rendered_selects: dict[tuple, str] = {}
RENDERED_SELECTS_MAX = 64


def choices_key(choices) -> tuple:
    """The choices as plain strings (labels are often lazy translations)."""
    return tuple(
        (str(option), choices_key(label) if isinstance(label, list | tuple) else str(label))
        for option, label in choices
    )


class FastSelect(forms.Select):
    """Django's Select with the same markup, its options written in Python: the template
    engine renders two templates per option, and the category and shop filters have
    hundreds of options on every search page. The markup is kept per process under what
    it shows (language, name, selected value, attributes and choices), so a repeated
    select costs building its key."""

    def render(self, name, value, attrs=None, renderer=None):
        key = (
            get_language(),
            name,
            tuple(str(v) for v in self.format_value(value)),
            tuple(
                sorted(
                    (str(k), v if isinstance(v, bool) else str(v))
                    for k, v in self.build_attrs(self.attrs, attrs).items()
                )
            ),
            choices_key(self.choices),
        )
        html = _rendered_selects.get(key)
        if html is None:
            html = self.render_markup(name, value, attrs)
            if len(_rendered_selects) >= RENDERED_SELECTS_MAX:
                _rendered_selects.clear()
            _rendered_selects[key] = html
        return mark_safe(html)  # noqa: S308 (escaped in render_markup)

    def render_markup(self, name, value, attrs=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], html_attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    html_attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 (every part is escaped above)


def price_field(label):
    return PriceField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
    )


def check_field(label):
    # value="1" so the query string reads in_stock=1 rather than the browser's "on".
    return forms.BooleanField(
        label=label,
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "custom-control-input", "value": "1"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search all shops"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "autocomplete": "off"}
        ),
    )
    shop = forms.ChoiceField(label=_("Shop"), required=False, widget=FastSelect)
    kind = forms.ChoiceField(
        label=_("Kind of shop"),
        required=False,
        choices=[("", _("All kinds"))] + ShopKind.choices,
        widget=FastSelect,
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    min_price = price_field(_("Price from (€)"))
    max_price = price_field(_("Price up to (€)"))
    open_now = check_field(_("Shop open now"))
    pickup_today = check_field(_("Pick up today"))
    in_stock = check_field(_("In stock"))
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS, widget=FastSelect)

    def __init__(self, *args, shops=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].choices = [("", _("All shops"))] + [
            (shop.slug, shop.name) for shop in shops
        ]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.pk, category.label) for category in categories
        ]
        for name in ("shop", "kind", "category", "sort"):
            self.fields[name].widget.attrs["class"] = "custom-select"

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_price", _("The highest price is below the lowest price; swap them.")
            )
        return cleaned

    def criteria(self) -> SearchCriteria:
        """The valid part of the request; an invalid filter is dropped (its field says why)."""
        if not self.is_bound:
            return SearchCriteria()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return SearchCriteria(
            text=" ".join((data.get("q") or "").split()),
            shop=data.get("shop") or "",
            kind=data.get("kind") or "",
            category=data.get("category"),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            open_now=bool(data.get("open_now")),
            pickup_today=bool(data.get("pickup_today")),
            in_stock=bool(data.get("in_stock")),
            sort=data.get("sort") or "relevance",
        )
