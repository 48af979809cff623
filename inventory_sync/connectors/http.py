"""Calls to a POS over HTTP: one session, timeouts, and the failures that mean "back off".

A 429 or 5xx (or no answer) raises PosUnavailable with the POS's Retry-After when it gave
one; the poll records it on the connection and waits. Other 4xx mean our request or our
credentials are wrong: PosRefused, also recorded, with the same back-off so a wrong
token does not hammer the POS.
"""

import email.utils
import logging
import re
import time
from collections.abc import Callable

import requests
from django.utils.translation import gettext as _

from .addresses import PeerNotAllowed, UnsafeAddress, check_url

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = (5, 30)  # connect, read
MAX_PAGES = 10_000  # a POS that keeps answering "next page" forever is broken


def not_reached() -> str:
    return _("The till system could not be reached.")


def answered_error() -> str:
    return _("The till system answered with an error.")


class PosError(Exception):
    """`detail` (method, path, status) is for our logs; `message` is what the shop reads:
    a plain sentence of ours, never the far side's answer or status (issue 15)."""

    def __init__(
        self, detail: str, *, retry_after: float | None = None, message: str | None = None
    ):
        super().__init__(detail)
        self.detail = detail
        self.message = message or self.plain_message()
        self.retry_after = retry_after

    def plain_message(self) -> str:
        return answered_error()


class PosUnavailable(PosError):
    """429, 5xx or no answer: try again later."""

    def plain_message(self) -> str:
        return not_reached()


class PosRefused(PosError):
    """Another 4xx or an answer we cannot read: a person has to look."""


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


ErrorCodes = Callable[[requests.Response], list[str]]
_CODE = re.compile(r"[A-Za-z0-9_.:-]{1,60}")


def _codes(error_codes: ErrorCodes | None, response: requests.Response) -> str:
    """The vendor's error codes from a refused answer, for our logs: codes only (checked
    to be plain words), never its free text, which could echo what we sent."""
    if error_codes is None:
        return ""
    try:
        codes = [c for c in error_codes(response) if isinstance(c, str) and _CODE.fullmatch(c)]
    except (ValueError, AttributeError, TypeError):  # not JSON, or not the shape expected
        return ""
    return f" ({', '.join(codes[:5])})" if codes else ""


def call(
    session: requests.Session,
    method: str,
    url: str,
    *,
    error_codes: ErrorCodes | None = None,
    **kwargs,
) -> requests.Response:
    """One request; raises PosUnavailable or PosRefused instead of returning a bad answer.

    Messages name the method, path, status and the vendor's error codes (error_codes reads
    them from the body), never headers (they carry the token).
    """
    where = f"{method} {requests.utils.urlparse(url).path}"
    kind = getattr(session, "pos_kind", None)
    try:
        if kind is None:
            raise UnsafeAddress("a POS session without its kind")
        check_url(url, kind)  # page links and stored addresses too, not only the form's
    except UnsafeAddress as error:
        logger.warning("POS call refused, address not allowed: %s", error)
        raise PosRefused(
            f"{where}: address not allowed",
            message=_("The till system's address is not allowed; check it in the settings."),
        ) from error
    kwargs.setdefault("allow_redirects", False)  # a redirect could lead anywhere
    try:
        response = session.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
    except requests.RequestException as error:
        if _caused_by(error, PeerNotAllowed):
            raise PosRefused(
                f"{where}: the address resolved to a private or local network",
                message=_("The till system's address is not allowed; check it in the settings."),
            ) from error
        raise PosUnavailable(f"{where}: no answer ({type(error).__name__})") from error
    if response.status_code == 429 or response.status_code >= 500:
        raise PosUnavailable(
            f"{where}: the POS answered {response.status_code}{_codes(error_codes, response)}",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            message=answered_error(),
        )
    if response.status_code >= 400:
        raise PosRefused(
            f"{where}: the POS answered {response.status_code}{_codes(error_codes, response)}"
        )
    return response


def _caused_by(error: BaseException | None, kind: type) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        nested = [a for a in getattr(error, "args", ()) if isinstance(a, BaseException)]
        error = getattr(error, "reason", None) or (nested[0] if nested else error.__cause__)
    return False


def json_of(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError as error:
        raise PosRefused(f"{response.request.method} answer is not JSON") from error
    if not isinstance(data, dict):
        raise PosRefused(f"{response.request.method} answer is not a JSON object")
    return data
