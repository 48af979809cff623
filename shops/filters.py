"""The directory's filter form: plain GET parameters, so it works without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ShopKind


class DirectoryFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of shop"),
        required=False,
        choices=[("", _("All kinds"))] + ShopKind.choices,
        widget=forms.Select(attrs={"class": "custom-select"}),
    )
    # value="1" so the query string reads open_now=1 rather than the browser's "on".
    open_now = forms.BooleanField(
        label=_("Open now"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "custom-control-input", "value": "1"}),
    )

    def filters(self) -> tuple[str, bool]:
        """(kind or "", open_now); an invalid kind filters nothing and the form shows why."""
        if not self.is_bound:
            return "", False
        self.is_valid()
        return self.cleaned_data.get("kind", ""), bool(self.cleaned_data.get("open_now"))
