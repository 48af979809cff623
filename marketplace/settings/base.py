"""Settings shared by every environment, read from the environment (django-environ).

With nothing set: SQLite in the project folder, local-memory cache, Celery tasks run
eagerly, so `make demo` needs no other server. DATABASE_URL switches to PostgreSQL,
REDIS_URL to Redis as cache and Celery broker.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403

from marketplace import security_headers
from marketplace.observability.logging import logging_config

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-never-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# --- Town branding (the storefront is one town's marketplace) ---
TOWN_NAME = env("TOWN_NAME", default="Deventer")
BRAND_NAME = env("BRAND_NAME", default=f"Stadsmarkt {TOWN_NAME}")
BRAND_PRIMARY_COLOUR = env("BRAND_PRIMARY_COLOUR", default="#8b1e3f")
BRAND_SECONDARY_COLOUR = env("BRAND_SECONDARY_COLOUR", default="#f2b134")
BRAND_LOGO_URL = env("BRAND_LOGO_URL", default="marketplace/logo.svg")
# Centre of the town: the demo city and the delivery zone are laid around it.
# Who invoices the shops for commission (on every statement).
CENTRE_LEGAL_NAME = env("CENTRE_LEGAL_NAME", default=f"Stichting Binnenstad {TOWN_NAME}")
CENTRE_ADDRESS = env("CENTRE_ADDRESS", default=f"Grote Kerkhof 1, 7411 KV {TOWN_NAME}")
CENTRE_KVK = env("CENTRE_KVK", default="")
CENTRE_VAT_NUMBER = env("CENTRE_VAT_NUMBER", default="")
TOWN_CENTRE_LATITUDE = env.float("TOWN_CENTRE_LATITUDE", default=52.2551)
TOWN_CENTRE_LONGITUDE = env.float("TOWN_CENTRE_LONGITUDE", default=6.1599)
# The storefront reads its branding from this one dict (marketplace.context_processors.branding);
# `manage.py check` says which colour is not #rrggbb or leaves text below 4.5:1 contrast.
STOREFRONT_BRAND = {
    "name": BRAND_NAME,
    "town": TOWN_NAME,
    "primary_colour": BRAND_PRIMARY_COLOUR,
    "secondary_colour": BRAND_SECONDARY_COLOUR,
    "logo": BRAND_LOGO_URL,
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "oscar.apps.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "marketplace.oscar_apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "marketplace.oscar_apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    # Dashboard forks go after the core apps (STYLE.md).
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "marketplace.apps.MarketplaceConfig",
    "marketplace.storefront.apps.StorefrontConfig",
    "marketplace.commission.apps.CommissionConfig",
    "marketplace.payments.apps.PaymentsConfig",
    "marketplace.giftcards.apps.GiftCardsConfig",
    "marketplace.campaigns.apps.CampaignsConfig",
    "marketplace.ordering.apps.OrderingConfig",
    "marketplace.returns.apps.ReturnsConfig",
    "marketplace.community.apps.CommunityConfig",
    "shops.apps.ShopsConfig",
    "inventory_sync.apps.InventorySyncConfig",
    "logistics.apps.LogisticsConfig",
    "marketplace.reports.apps.ReportsConfig",
    # After reports: its listeners run after the part's refund, e-mail and report rollup.
    "marketplace.reroute.apps.RerouteConfig",
    "localinfo.apps.LocalInfoConfig",
    "legal.apps.LegalConfig",
    "axes",
    "csp",
    "django.forms",
]
# Form widgets render through TEMPLATES, so templates/ can replace a widget of Oscar's (its
# image widget's inline handlers, which the Content-Security-Policy blocks).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

SITE_ID = 1

MIDDLEWARE = [
    # Before all: the request id and the access line cover everything, probes included.
    "marketplace.observability.middleware.RequestObservabilityMiddleware",
    # First: /healthz and /readyz answer before HTTPS redirects, host checks and locale.
    "marketplace.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy and Permissions-Policy headers (marketplace/security_headers.py).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, plus /en/ on the public pages (marketplace/language_urls.py).
    "marketplace.language_urls.LanguageFromAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the signed-in user from the cache (storefront/signed_in_user.py).
    "marketplace.storefront.signed_in_user.CachedUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Oscar's, without its extra count of the lines (storefront/basket_middleware.py).
    "marketplace.storefront.basket_middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # Last: answers a locked-out sign-in (AXES_* below).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                # Not Oscar's notifications processor: it counts unread notifications on
                # every page (a query) for a header badge our layout does not show.
                "oscar.core.context_processors.metadata",
                "marketplace.context_processors.branding",
                "marketplace.context_processors.work_areas",
            ],
        },
    },
]

# --- Database: SQLite in the project folder unless DATABASE_URL says otherwise ---
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests (runserver threads, seeding) wait for the write lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# --- Cache and Celery: Redis when REDIS_URL is set, in-process otherwise ---
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # The cache is optional: Redis closed or frozen reads as a miss within the socket timeout,
    # then is skipped for CACHE_PAUSE_SECONDS (marketplace/optional_cache.py).
    CACHES = {
        "default": {
            "BACKEND": "marketplace.optional_cache.OptionalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="stadsmarkt"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.25),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.25),
                "pause_seconds": env.float("CACHE_PAUSE_SECONDS", default=5.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Reliability: a task is acknowledged only when done, and re-queued if its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
# The worker survives broker outages and restarts (docs/resilience.md): it connects at
# start and after a lost connection for as long as it takes, and cancels the tasks it was
# running when the connection went (acknowledged late, Redis hands them out again).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# SIGTERM (a deploy): running tasks get this long to finish, then the worker stops and
# Redis gets their messages back at once instead of after the visibility timeout.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env.float("CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", default=60.0)
# An unacknowledged task (its worker died) goes back to the queue after this long: above the
# longest hard time limit (CELERY_TASK_TIME_LIMIT; the stock-file check's is 45 s) so a task
# still running is never handed to a second worker, and minutes, so a dead worker's tasks
# come back soon. Retries wait at most a minute less (marketplace/celery.py, longest_wait).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    # Workers look for such tasks every this many seconds (kombu's default scans only
    # every tenth sweep: 100 s).
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT: a task still running "
        "would be handed to a second worker"
    )
# A Redis that does not answer (frozen, or a half-open connection) fails a publish within
# these seconds instead of holding it for ever; the task then waits in the outbox.
CELERY_BROKER_TRANSPORT_OPTIONS |= {
    "socket_connect_timeout": env.float("BROKER_SOCKET_TIMEOUT", default=2.0),
    "socket_timeout": env.float("BROKER_SOCKET_TIMEOUT", default=2.0),
}
CELERY_WORKER_MAX_TASKS_PER_CHILD = 500
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="stadsmarkt")
CELERY_TIMEZONE = "Europe/Amsterdam"


# --- Authentication ---
# Sessions read from the cache, kept in the database: the database alone when Redis is down,
# as the cache then answers every read as a miss and drops every write (optional_cache.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTHENTICATION_BACKENDS = (
    # First: refuses a locked username+address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
# Sign-in lockout (django-axes) on every login form (/accounts/login/, /dashboard/login/,
# /admin/login/): after AXES_FAILURE_LIMIT failures of one username from one address, that
# pair is locked for the cool-off and gets a 429 page (marketplace.customer.views.locked_out).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=8)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "marketplace.customer.axes.username"
AXES_CLIENT_IP_CALLABLE = "marketplace.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "marketplace.customer.views.locked_out"
AXES_VERBOSE = False
# Failures are recorded; successful sign-ins are not (a row per sign-in, and force_login).
AXES_DISABLE_ACCESS_LOG = True
# Proxies in front of the app that append to X-Forwarded-For (compose's nginx: 1); the
# lockout and the throttles then count the client's address, not the proxy's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Requests per scope and key (marketplace/throttling.py), each overridable by the
# environment as THROTTLE_<SCOPE>, e.g. THROTTLE_POS_WEBHOOK_ADDRESS=100000/min.
THROTTLE_RATES = {
    scope: env(f"THROTTLE_{scope.upper()}", default=rate)
    for scope, rate in {
        "register_address": "20/hour",
        # A shop's counter looking up consumers' pickup codes (guessing stays slow).
        "counter_code_shop": "30/min",
        "register_email": "5/hour",
        "password_reset_address": "20/hour",
        "password_reset_email": "5/hour",
        "pos_push_shop": "120/min",
        "pos_push_address": "1200/min",
        "pos_webhook_shop": "1200/min",
        "pos_webhook_address": "20000/min",
        # The checkout's street-and-town filler, per signed-in consumer (typing asks often).
        "address_lookup_user": "60/min",
        # The public local-information API (/api/local/), per address.
        "local_api_address": "600/min",
        # Password tries on "delete my account", per signed-in consumer.
        "delete_account_user": "5/hour",
        # City gift card codes: the balance page per address, the counter per shop, and
        # tries of one card's PIN.
        "giftcard_code_address": "20/min",
        "giftcard_code_shop": "60/min",
        "giftcard_pin_card": "20/hour",
        # Checkout without an account (each try holds stock until it expires unpaid).
        "guest_checkout_address": "30/hour",
        "guest_checkout_email": "10/hour",
        # The street-and-town filler for a guest at checkout, per address.
        "address_lookup_address": "120/min",
    }.items()
}

# --- Language, time, money: Dutch first ---
LANGUAGE_CODE = "nl"
# English dates as written in Europe ("5 December 2026, 07:05"); Dutch keeps Django's own.
FORMAT_MODULE_PATH = ["marketplace.formats"]
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# With a bucket named, media live on an S3-compatible object store (MinIO in compose) that
# every web container shares; pages link them under MEDIA_URL, which the proxy forwards to
# the bucket (marketplace/storage.py).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "marketplace.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default="us-east-1"),
            # MinIO answers on one host name: the bucket goes in the path.
            "addressing_style": "path",
        },
    }
# Storefront thumbnails are made when a photo is saved (marketplace/thumbnails.py), which
# also deletes files no photo uses any more: Oscar's own deleting would remove a picture
# that other demo products share. sorl-thumbnail remains for Oscar's dashboard widget; a
# missing or broken image renders no thumbnail there instead of failing the page.
THUMBNAIL_DEBUG = False
OSCAR_DELETE_IMAGE_FILES = False

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Used by the file-based backend (the browser journey test reads what the worker sent).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@stadsmarkt.example")

# --- Oscar ---
OSCAR_SHOP_NAME = BRAND_NAME
OSCAR_SHOP_TAGLINE = _("All the shops of the town centre, one basket")
OSCAR_DEFAULT_CURRENCY = "EUR"
# Shelf prices include VAT: an offer's discount (campaigns) is taken off the price incl. VAT.
OSCAR_OFFERS_INCL_TAX = True
# Back-in-stock e-mails come from marketplace/community/alerts.py (every way stock changes),
# not from Oscar's post_save hook, which misses bulk and SQL writes and sends inline.
OSCAR_EAGER_ALERTS = False
# The storefront's own home page (marketplace.storefront), not Oscar's redirect to the catalogue.
OSCAR_HOMEPAGE = "/"
# Oscar's class loader, but an Applicator that skips its queries while no offer exists.
OSCAR_DYNAMIC_CLASS_LOADER = "marketplace.storefront.oscar_loading.class_loader"
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "line1", "line4", "postcode")
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

# --- APIs (POS and courier) ---
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{BRAND_NAME} API",
    "VERSION": "1",
    # The documentation page's Swagger UI is served from our own static files (strict CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# --- Local information (localinfo/, docs/local-info.md) ---
# The licence of the open data downloads (shops, places, events) and where it is explained.
OPEN_DATA_LICENCE = env("OPEN_DATA_LICENCE", default="CC BY 4.0")
OPEN_DATA_LICENCE_URL = env(
    "OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/"
)

# --- Logs, metrics, errors (marketplace/observability; README "Logs, metrics and errors") ---
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(env("LOG_FORMAT", default="text"), LOG_LEVEL)
# /metrics answers a bearer token or these addresses (CIDR allowed); anyone else gets a 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
# A part counts as waiting too long after these (stadsmarkt_parts_waiting_too_long).
METRICS_PART_ACCEPT_MINUTES = env.int("METRICS_PART_ACCEPT_MINUTES", default=30)
METRICS_PART_COLLECT_HOURS = env.int("METRICS_PART_COLLECT_HOURS", default=24)
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from marketplace.observability.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
PAYMENT_GATEWAY = env("PAYMENT_GATEWAY", default="offline")
# Stripe (PAYMENT_GATEWAY=stripe). STRIPE_API_BASE lets tests point the library at a local
# server; the library retries a failed call itself with the same idempotency key.
# Fernet keys for secrets stored encrypted (POS tokens, signing secrets), newest first; unset,
# one is derived from SECRET_KEY. marketplace/encrypted_fields.py says how to rotate them.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20.0)
SETTLEMENT_PERIOD_DAYS = env.int("SETTLEMENT_PERIOD_DAYS", default=7)
# The payment methods this town offers at checkout, in the order shown (Stripe's
# payment_method_types; "card" brings Apple Pay and Google Pay where Stripe offers them).
PAYMENT_METHODS = env.list("PAYMENT_METHODS", default=["ideal", "bancontact", "card"])
# What each method costs until the gateway tells the real fee: (percent, fixed euros).
# Assumed from Stripe's published Dutch prices (stripe.com/nl/pricing, late 2025): iDEAL a
# fixed €0.29, Bancontact 1.4% + €0.25, EEA cards 1.5% + €0.25 (the card rate used so far).
PAYMENT_METHOD_RATES = {
    method: (
        env(f"PAYMENT_RATE_{method.upper()}_PERCENT", default=percent),
        env(f"PAYMENT_RATE_{method.upper()}_FIXED", default=fixed),
    )
    for method, percent, fixed in [
        ("ideal", "0", "0.29"),
        ("bancontact", "1.4", "0.25"),
        ("card", "1.5", "0.25"),
    ]
}
# A bank payment that waits for its bank's word keeps its order's stock this long at most.
PAYMENT_PENDING_HOLD_HOURS = env.int("PAYMENT_PENDING_HOLD_HOURS", default=24)
# The address register for exact delivery addresses (marketplace/ordering/address_lookup.py,
# docs/addresses.md): PDOK's Locatieserver "free" endpoint. Empty: no lookup, deliveries go
# to the postcode area's centre, marked approximate (the offline demo and the tests).
ADDRESS_LOOKUP_URL = env("ADDRESS_LOOKUP_URL", default="")
# Short: the consumer waits for it at checkout, and a late register costs only precision.
ADDRESS_LOOKUP_TIMEOUT_SECONDS = env.float("ADDRESS_LOOKUP_TIMEOUT_SECONDS", default=2.0)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Oscar's e-mail links are OSCAR_URL_SCHEMA://<Site domain>; migrate sets the Site from SITE_URL.
OSCAR_URL_SCHEMA = SITE_URL.split("://", 1)[0]

# Most seconds the dispatcher's solver may take; its budget grows with the day's tasks up to
# this (logistics.routing.planning_budget). The beat re-plans every ROUTE_PLANNING_SECONDS.
ROUTE_PLANNING_TIME_LIMIT = env.float("ROUTE_PLANNING_TIME_LIMIT", default=22.0)
# Management's "Plan now" button plans inside a web request: a lower cap.
PLAN_NOW_TIME_LIMIT = env.float("PLAN_NOW_TIME_LIMIT", default=10.0)

# How long personal data are kept (legal.retention, docs/privacy.md): orders for the tax
# retention period, then anonymised; searches and anonymous visitors' baskets for days.
ORDER_RETENTION_YEARS = env.int("ORDER_RETENTION_YEARS", default=7)
SEARCH_LOG_RETENTION_DAYS = env.int("SEARCH_LOG_RETENTION_DAYS", default=400)
ANONYMOUS_BASKET_RETENTION_DAYS = env.int("ANONYMOUS_BASKET_RETENTION_DAYS", default=30)

CELERY_BEAT_SCHEDULE = {
    # Tasks that waited in the outbox while the broker was away (marketplace/outbox.py).
    "relay-outbox": {
        "task": "marketplace.tasks.relay_outbox",
        "schedule": env.float("OUTBOX_RELAY_SECONDS", default=10.0),
    },
    "retry-webhook-events": {
        "task": "marketplace.payments.tasks.retry_webhook_events",
        "schedule": env.float("WEBHOOK_RETRY_SECONDS", default=60.0),
    },
    # Stripe books a charge's fee a little after the charge: asked again until known.
    "fetch-payment-fees": {
        "task": "marketplace.payments.tasks.fetch_missing_payment_fees",
        "schedule": 600.0,
    },
    "send-pending-transfers": {
        "task": "marketplace.payments.tasks.send_pending_transfers",
        "schedule": env.float("TRANSFER_RETRY_SECONDS", default=300.0),
    },
    # Daily, and idempotent per shop and period: a missed day is caught up the next.
    "settle-shops": {
        "task": "marketplace.commission.tasks.settle_shops",
        "schedule": env.float("SETTLEMENT_CHECK_SECONDS", default=86400.0),
    },
    "expire-gift-cards": {
        "task": "marketplace.giftcards.tasks.expire_gift_cards",
        "schedule": env.float("GIFT_CARD_EXPIRY_CHECK_SECONDS", default=3600.0),
    },
    # Refused lines nobody moved to another shop within 24 h are refunded.
    "expire-second-chances": {
        "task": "marketplace.reroute.tasks.expire_chances",
        "schedule": env.float("SECOND_CHANCE_CHECK_SECONDS", default=300.0),
    },
    "expire-unpaid-orders": {
        "task": "marketplace.ordering.tasks.expire_unpaid_orders",
        "schedule": env.float("RESERVATION_EXPIRY_CHECK_SECONDS", default=60.0),
    },
    "plan-routes": {
        "task": "logistics.tasks.plan_routes_task",
        "schedule": env.float("ROUTE_PLANNING_SECONDS", default=300.0),
    },
    # Parts nobody collects (logistics/uncollected.py): a reminder after a day, then cancel
    # and refund after management's days. Small batches: a backlog drains over a few runs.
    "remind-uncollected-parts": {
        "task": "logistics.tasks.remind_uncollected_parts",
        "schedule": env.float("UNCOLLECTED_CHECK_SECONDS", default=600.0),
    },
    "cancel-uncollected-parts": {
        "task": "logistics.tasks.cancel_uncollected_parts",
        "schedule": env.float("UNCOLLECTED_CHECK_SECONDS", default=600.0),
    },
    "poll-pos-connections": {
        "task": "inventory_sync.tasks.poll_due_connections",
        "schedule": env.float("POS_POLL_CHECK_SECONDS", default=60.0),
    },
    "apply-webhook-events": {  # safety net: applies webhooks whose queued task was lost
        "task": "inventory_sync.tasks.apply_webhook_events",
        "schedule": env.float("WEBHOOK_APPLY_CHECK_SECONDS", default=60.0),
    },
    # Incremental: only the days touched since the last run are summed again.
    "refresh-report-rollups": {
        "task": "marketplace.reports.tasks.refresh_changed_sales",
        "schedule": env.float("REPORT_ROLLUP_SECONDS", default=300.0),
    },
    # Daily: deletes or anonymises personal data past its retention period (legal.retention).
    "remove-expired-personal-data": {
        "task": "legal.tasks.remove_expired_personal_data_task",
        "schedule": env.float("RETENTION_CHECK_SECONDS", default=86400.0),
    },
    # Back-in-stock alerts whose product can be bought again at any shop (community).
    "send-back-in-stock-alerts": {
        "task": "marketplace.community.tasks.send_due_alerts",
        "schedule": env.float("STOCK_ALERT_CHECK_SECONDS", default=60.0),
    },
}

# Map tiles: empty means no tile server (maps still show markers and lines).
MAP_TILE_URL = env("MAP_TILE_URL", default="")

# --- Content-Security-Policy and Permissions-Policy on every response (issue 15) ---
# After MAP_TILE_URL: the tile server is the one outside host images may come from.
CONTENT_SECURITY_POLICY = security_headers.content_security_policy(
    map_tile_url=MAP_TILE_URL, media_url=MEDIA_URL
)
PERMISSIONS_POLICY = security_headers.PERMISSIONS_POLICY
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="")


def staff_only(user, *args, **kwargs) -> bool:
    return user.is_staff


# Oscar's dashboard leads back to the marketplace's own management pages.
OSCAR_DASHBOARD_NAVIGATION = OSCAR_DASHBOARD_NAVIGATION + [  # noqa: F405
    {
        "label": _("Marketplace"),
        "icon": "fas fa-store",
        "children": [
            {"label": label, "url_name": name, "access_fn": staff_only}
            for name, label in [
                ("management-home", _("Centre management")),
                ("shop-management:list", _("Shop applications")),
                ("route-management:routes", _("Routes")),
                ("reports:home", _("Reports")),
                ("money:management-settlements", _("Settlements")),
                ("payment-events:list", _("Payment events")),
            ]
        ],
    }
]
