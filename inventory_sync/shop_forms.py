from django import forms
from django.utils.translation import gettext_lazy as _

from .feeds import MAX_FILE_BYTES
from .models import PosKind


class StockFileForm(forms.Form):
    file = forms.FileField(
        label=_("Stock file (CSV or XLSX)"),
        help_text=_("Columns: SKU or EAN, quantity, optionally price and title."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before reading: the bytes of a huge file are never held in memory.
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class ConnectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=PosKind.choices)
