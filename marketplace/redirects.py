"""Where to send someone back to: a `next` from the request only when it stays on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str, *, field: str = "next") -> str:
    """The POST (or GET) `next` when it is a URL of this site, else `default`.

    `https://evil.example/`, `//evil.example` and `javascript:` URLs are ignored.
    """
    candidate = request.POST.get(field) or request.GET.get(field) or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
