"""Forms of "my town": a review, a news post, the news preference, a rejection reason.
Every field is written by a consumer or a shop: lengths are capped, control characters are
refused, and the text is only ever shown escaped."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import NEWS_TEXT_MAX, NEWS_TITLE_MAX, REJECT_REASON_MAX, REVIEW_TEXT_MAX

# Control characters other than newline and tab (a title must not hold a newline either).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def no_control_characters(value: str) -> None:
    if CONTROL.search(value):
        raise forms.ValidationError(_("Remove the invisible control characters."))


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Choose a rating from 1 to 5."),
            "required": _("Choose a rating from 1 to 5."),
        },
    )
    text = forms.CharField(
        label=_("Your review"),
        max_length=REVIEW_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_control_characters],
    )


class NewsPostForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=NEWS_TITLE_MAX,
        validators=[no_control_characters],
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=NEWS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[no_control_characters],
    )
    until = forms.DateField(
        label=_("Show until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        if "\n" in title or "\r" in title or "\t" in title:
            raise forms.ValidationError(_("A title is one line."))
        return title

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(_("This date has passed."))
        return until


class NewsPreferenceForm(forms.Form):
    news_by_email = forms.BooleanField(
        label=_("E-mail me news from my favourite shops"), required=False
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=REJECT_REASON_MAX,
        validators=[no_control_characters],
    )
