"""Test settings: same as base, with fast hashing and captured e-mail.

DATABASE_URL and REDIS_URL still decide PostgreSQL and Redis; tasks run eagerly unless a
test starts a real worker (tests/ops/test_celery_worker.py).
"""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = BASE_DIR / ".test-media"
# Plain files whatever the environment says; S3 tests switch to a local server
# (tests/support/s3.py).
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = "stadsmarkt-test"
# The demo city in tests is its generated history only; tests of today's live work
# (tests/demo_city/test_demo_today.py) switch it on with a fixed clock.
DEMO_CITY_TODAY = False
# Every test client comes from 127.0.0.1: the per-address rates would add up over a whole
# test file. Per shop and per e-mail stay as in production; tests of the throttles set
# their own rates.
THROTTLE_RATES = {
    **THROTTLE_RATES,  # noqa: F405
    "register_address": "100000/hour",
    "password_reset_address": "100000/hour",
    "guest_checkout_address": "100000/hour",
    "address_lookup_address": "100000/min",
    "pos_push_address": "100000/min",
    "pos_webhook_address": "1000000/min",
    "giftcard_code_address": "100000/min",
}
# The fake POS servers of the tests listen on loopback http (tests/inventory_sync/fake_pos.py):
# only these hosts skip the POS address checks (https, vendor hosts, public addresses).
POS_ALLOWED_TEST_HOSTS = ["127.0.0.1"]
# No address register whatever the environment says; tests of the lookup start a fake
# one on loopback (tests/ordering/fake_pdok.py) and set the URL.
ADDRESS_LOOKUP_URL = ""
# `make test` migrates one template database first (tests/support/template_database.py) and
# each test process's database starts as a copy of it, instead of each migrating its own.
TEST_TEMPLATE_NAME = f"test_{DATABASES['default']['NAME']}_template"  # noqa: F405
if (
    env.bool("TEST_FROM_TEMPLATE", default=False)  # noqa: F405
    and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"  # noqa: F405
):
    DATABASES["default"]["TEST"] = {"TEMPLATE": TEST_TEMPLATE_NAME}  # noqa: F405
