"""The language in the address, for the public pages search engines crawl.

`/en/<page>` is that page in English; the address without a prefix keeps today's choice
(the language cookie, then Accept-Language, then Dutch). Only the pages named in
`LANGUAGE_AWARE` have a prefixed address: work areas, accounts, the basket, checkout and the
API answer 404 under `/en/`.

Why not Django's `i18n_patterns`: its prefix pattern matches an address without a prefix only
while Dutch is active, and every `reverse()` follows the active language, so visitors reading
English through the cookie or Accept-Language would be sent to `/en/` addresses (Oscar's
product and category pages redirect to them). Here the middleware takes the prefix off before
the URLs are resolved, so links, redirects and the pages' own checks stay as they were; only
the sitemap, the `hreflang` links, canonical links and the language switch name the prefixed
addresses (`address_in`).
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.i18n import set_language as django_set_language

# namespace:name of the pages served under a language prefix too.
LANGUAGE_AWARE = frozenset(
    {
        "storefront:home",
        "catalogue:index",
        "catalogue:detail",
        "catalogue:category",
        "catalogue:range",
        "search:search",
        "shops:list",
        "shops:detail",
        "localinfo:whats-on",
        "localinfo:event",
        "localinfo:news-item",
        "legal:page",
    }
)


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def prefixed_languages() -> list[str]:
    """Every language but the default one, which has the address without a prefix."""
    return [code for code in languages() if code != settings.LANGUAGE_CODE]


def split_language(path: str) -> tuple[str | None, str]:
    """("en", "/catalogue/x/") for "/en/catalogue/x/"; (None, path) without a prefix."""
    for code in prefixed_languages():
        if path.startswith(f"/{code}/"):
            return code, path[len(code) + 1 :]
    return None, path


def is_language_aware(path: str) -> bool:
    """Whether this address (without a prefix) is a page that has one per language."""
    try:
        return resolve(path).view_name in LANGUAGE_AWARE
    except Resolver404:
        return False


def in_language(plain: str, language: str) -> str:
    """A language-aware page's address (given without a prefix) in that language."""
    if language == settings.LANGUAGE_CODE or language not in languages():
        return plain
    return f"/{language}{plain}"


def address_in(path: str, language: str) -> str:
    """The page's address in that language; other addresses are returned as they are."""
    _prefix, plain = split_language(path)
    if not is_language_aware(plain):
        return path
    return in_language(plain, language)


def alternates(path: str) -> dict[str, str]:
    """{language: address} of a page that has one per language; {} for other addresses."""
    _prefix, plain = split_language(path)
    if not is_language_aware(plain):
        return {}
    return {code: in_language(plain, code) for code in languages()}


class LanguageFromAddressMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, plus: a language prefix on a language-aware page sets the
    language and is taken off the address before it is resolved."""

    def process_request(self, request):
        language, plain = split_language(request.path_info)
        if language is None:
            if request.path_info.lstrip("/") in prefixed_languages():  # "/en": its home page
                return HttpResponsePermanentRedirect(f"{request.path_info}/")
            return super().process_request(request)
        if not is_language_aware(plain):
            if settings.APPEND_SLASH and not plain.endswith("/") and is_language_aware(f"{plain}/"):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(
                    f"/{language}{plain}/{'?' if query else ''}{query}"
                )
            # A prefix on an address that has none (a work area): a 404 in today's language.
            return super().process_request(request)
        request.path = request.path.removesuffix(request.path_info) + plain
        request.path_info = plain
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return None


def set_language(request):
    """Django's set_language, then on to the same page's address in the chosen language."""
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if response.status_code != 302 or language not in languages():
        return response
    target = urlsplit(response["Location"])
    if target.scheme or target.netloc:
        return response
    path = address_in(target.path, language)
    response["Location"] = urlunsplit(("", "", path, target.query, target.fragment))
    return response
