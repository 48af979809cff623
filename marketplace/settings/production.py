"""Production settings: secrets and hosts must come from the environment, no defaults.

`DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=... manage.py check --deploy` passes with
zero warnings.
"""

from .base import *  # noqa: F403
from .base import LOG_LEVEL, env, logging_config

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# TLS ends at the proxy in front of gunicorn.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Exact delivery addresses from the address register (BAG); set it empty to switch it off.
ADDRESS_LOOKUP_URL = env(
    "ADDRESS_LOOKUP_URL", default="https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
)
# One JSON object per line for the log collector (README "Logs, metrics and errors").
LOGGING = logging_config(env("LOG_FORMAT", default="json"), LOG_LEVEL)
