from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.rich_text import clean_rich_text

from .models import LegalPage, ShopTerms


class LegalPageForm(forms.ModelForm):
    """Centre management's text of one legal page, in both languages. The texts may use
    simple formatting (paragraphs, headings, lists, links); anything else is removed."""

    class Meta:
        model = LegalPage
        fields = ["title_nl", "body_nl", "title_en", "body_en"]
        widgets = {
            "body_nl": forms.Textarea(attrs={"rows": 16}),
            "body_en": forms.Textarea(attrs={"rows": 16}),
        }
        help_texts = {
            "body_nl": _("Paragraphs, headings, lists and links are kept; scripts are removed."),
            "body_en": _("Paragraphs, headings, lists and links are kept; scripts are removed."),
        }

    def clean_body_nl(self):
        return self.cleaned_body("body_nl")

    def clean_body_en(self):
        return self.cleaned_body("body_en")

    def cleaned_body(self, name: str) -> str:
        body = clean_rich_text(self.cleaned_data[name]).strip()
        if not body:
            raise forms.ValidationError(_("Write the text of the page."))
        return body


class ShopTermsForm(forms.ModelForm):
    class Meta:
        model = ShopTerms
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "text": _(
                "Optional. Shown on your shop's page as plain text, beside the platform's "
                "terms. They may not take away the consumer's legal rights."
            )
        }

    def clean_text(self):
        return self.cleaned_data["text"].strip()


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and saved addresses are deleted for good."),
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
