"""Model fields whose values are stored encrypted (Fernet: AES-128-CBC with an HMAC).

For secrets we must use in clear (a POS access token we send, a signing secret we check
signatures with); a secret that is only compared is hashed instead (the push token). A copy
of the database, a backup or a log of SQL then holds no working credential.

Keys: FIELD_ENCRYPTION_KEYS, newest first (Fernet keys, `Fernet.generate_key()`); values are
encrypted with the first and read with any, so a key is rotated by putting a new one in front
and re-saving the rows. Unset, one key is derived from SECRET_KEY (fine for a demo; in
production set the keys, so that rotating SECRET_KEY does not make the secrets unreadable).

A stored value without the prefix is a row from before encryption: it is read as it is and
encrypted when the row is next saved (the data migration re-saves every row).
"""

import base64
import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


def derived_key(secret_key: str) -> bytes:
    """A Fernet key of its own from SECRET_KEY: never the signing key itself."""
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"stadsmarkt field encryption"
    ).derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(raw)


@functools.lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    try:
        fernets = [Fernet(key) for key in keys] or [Fernet(derived_key(secret_key))]
    except ValueError as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key."
        ) from error
    return MultiFernet(fernets)


def cipher() -> MultiFernet:
    keys = tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ())
    return _cipher(keys, settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return PREFIX + cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption; encrypted on the next save
    try:
        return cipher().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        # Never the value in the message: it goes to logs and error trackers.
        raise ImproperlyConfigured(
            "An encrypted field cannot be read with FIELD_ENCRYPTION_KEYS (or the key derived "
            "from SECRET_KEY): was the key changed without keeping the old one?"
        ) from None


class EncryptedTextField(models.TextField):
    """A string stored encrypted; the empty string stays empty (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return super().to_python(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)  # the Python value is always the clear text


class EncryptedJSONField(models.TextField):
    """A JSON value (a dict of secrets) stored as encrypted text."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return json.loads(decrypt(value))

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(decrypt(value))
        return value

    def get_prep_value(self, value):
        if value is None:
            return value
        return encrypt(json.dumps(value, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))
