"""Calls to a POS over HTTP: one session, timeouts, and the failures that mean "back off".

A 429 or 5xx (or no answer) raises PosUnavailable with the POS's Retry-After when it gave
one; the poll records it on the connection and waits. Other 4xx mean our request or our
credentials are wrong: PosRefused, also recorded, with the same back-off so a wrong
token does not hammer the POS.
"""

import email.utils
import time

import requests

TIMEOUT_SECONDS = (5, 30)  # connect, read
MAX_PAGES = 10_000  # a POS that keeps answering "next page" forever is broken


class PosError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class PosUnavailable(PosError):
    """429, 5xx or no answer: try again later."""


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


def call(session: requests.Session, method: str, url: str, **kwargs) -> requests.Response:
    """One request; raises PosUnavailable or PosRefused instead of returning a bad answer.

    Messages name the method, path and status, never headers (they carry the token).
    """
    where = f"{method} {requests.utils.urlparse(url).path}"
    try:
        response = session.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
    except requests.RequestException as error:
        raise PosUnavailable(f"{where}: no answer ({type(error).__name__})") from error
    if response.status_code == 429 or response.status_code >= 500:
        raise PosUnavailable(
            f"{where}: the POS answered {response.status_code}",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    if response.status_code >= 400:
        raise PosRefused(f"{where}: the POS answered {response.status_code}")
    return response


def json_of(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError as error:
        raise PosRefused(f"{response.request.method} answer is not JSON") from error
    if not isinstance(data, dict):
        raise PosRefused(f"{response.request.method} answer is not a JSON object")
    return data
