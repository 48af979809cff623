"""The signed link in every news e-mail that turns news by e-mail off, without signing in.

The token names the person and is signed with the site's secret under its own salt, so it
cannot be made for someone else or reused as another kind of token. It does not expire: an
old e-mail's link must still work.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "community.news-unsubscribe"


def token_for(user_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(user_id))


def user_id_from(token: str) -> int | None:
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def unsubscribe_url(user_id: int) -> str:
    path = reverse("community:unsubscribe", kwargs={"token": token_for(user_id)})
    return f"{settings.SITE_URL}{path}"
