"""The project's nginx config (deploy/nginx) in front of two gunicorn processes with the
production settings, on loopback: pages, hashed static files with long cache headers and
gzip, media from an S3-compatible server, the forwarded scheme, the upload limit."""

import json
import re
import uuid
from pathlib import Path

import boto3
import httpx
import pytest
from django.conf import settings
from django.db import connection
from moto.server import ThreadedMotoServer

from benchmarks.stack import NGINX, start_stack
from tests.conftest import IN_CI, database_url_for_processes

# The gunicorns read the test database: the mark makes pytest-django create it even when
# this module runs alone (it sets up only the databases that marked tests ask for).
pytestmark = pytest.mark.django_db
BUCKET = "stadsmarkt-proxy-test"
HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def object_store():
    """moto's S3 server on a free port, with a bucket anyone may read objects from (as
    compose's `mc anonymous set download` does on MinIO)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="proxy-test",
        aws_secret_access_key="proxy-test-secret",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=BUCKET)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{BUCKET}/*"],
            }
        ],
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    yield port, s3
    server.stop()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, object_store, tmp_path_factory):
    """nginx in front of two gunicorn masters (production settings) on the test database."""
    if not Path(NGINX).exists():
        if IN_CI:
            pytest.fail(f"CI must have nginx at {NGINX} (.ci/run installs it)")
        pytest.skip(f"needs Debian's nginx at {NGINX}")
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            if IN_CI:
                pytest.fail("CI must run the proxy test on PostgreSQL")
            pytest.skip("gunicorn processes need a database they can share (PostgreSQL)")
        database_url = database_url_for_processes()
    port, _ = object_store
    env = {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DJANGO_SECRET_KEY": "proxy-test-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "proxy-test",
        "AWS_SECRET_ACCESS_KEY": "proxy-test-secret",
        "LOG_LEVEL": "WARNING",
    }
    with start_stack(
        env=env,
        web_processes=2,
        media=(f"127.0.0.1:{port}", BUCKET),
        directory=tmp_path_factory.mktemp("stack"),
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser(stack):
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def home(browser):
    return browser.get("/", headers={**HTTPS, "Accept-Encoding": "gzip"})


def test_the_home_page_renders_through_the_proxy_gzipped(home):
    assert home.status_code == 200
    assert home.headers["server"] == "nginx"
    assert home.headers["content-encoding"] == "gzip"  # nginx's gzip; httpx decodes it
    assert settings.BRAND_NAME in home.text


def test_requests_reach_both_gunicorns(stack, browser):
    for _ in range(8):
        assert browser.get("/shops/", headers=HTTPS).status_code == 200
    counts = stack.upstream_counts()
    for web in stack.web_urls:
        assert counts[web.removeprefix("http://")] >= 2, counts


def test_hashed_static_files_are_cached_for_a_year_and_gzipped(browser, home):
    stylesheets = re.findall(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home.text)
    assert stylesheets, "the manifest storage names hashed files"
    response = browser.get(stylesheets[0], headers={**HTTPS, "Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert response.headers["content-encoding"] == "gzip"
    cache_control = response.headers["cache-control"]
    assert "public" in cache_control and "immutable" in cache_control
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
    assert max_age >= 365 * 24 * 3600

    # The same file under its unhashed name may change: it is not cached for long.
    unhashed = re.sub(r"\.[0-9a-f]{12}\.css$", ".css", stylesheets[0])
    response = browser.get(unhashed, headers=HTTPS)
    assert response.status_code == 200
    assert "immutable" not in response.headers["cache-control"]
    assert int(re.search(r"max-age=(\d+)", response.headers["cache-control"]).group(1)) < 3600


def test_media_are_read_from_the_object_store(object_store, browser):
    _, s3 = object_store
    key = f"shops/photos/{uuid.uuid4().hex}.jpg"
    body = b"\xff\xd8\xff" + uuid.uuid4().bytes * 100
    s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="image/jpeg")

    response = browser.get(f"/media/{key}")
    assert response.status_code == 200
    assert response.content == body
    assert response.headers["content-type"] == "image/jpeg"
    assert "x-amz-request-id" not in response.headers
    assert response.headers["cache-control"] == "public, max-age=86400"
    # Read-only, no listing, and a missing key is a plain 404.
    assert browser.put(f"/media/{key}", content=b"x").status_code == 405
    assert browser.get(f"/media/{key}").content == body
    assert browser.get("/media/").status_code == 404
    assert browser.get("/media/shops/photos/missing.jpg").status_code == 404
    # Delivery photos never leave the bucket through the proxy, even under a known name.
    s3.put_object(Bucket=BUCKET, Key="delivery-proof/2026/12/door.jpg", Body=body)
    assert browser.get("/media/delivery-proof/2026/12/door.jpg").status_code == 404


def test_the_forwarded_scheme_reaches_django(browser):
    # Plain http at the proxy: Django sees an insecure request and redirects to https.
    response = browser.get("/shops/")
    assert response.status_code == 301
    assert response.headers["location"] == f"https://{browser.base_url.netloc.decode()}/shops/"
    # The edge said https: request.is_secure() holds, so no redirect and secure cookies.
    response = browser.get("/accounts/login/", headers=HTTPS)
    assert response.status_code == 200
    assert "secure" in response.headers["set-cookie"].lower()


def test_health_answers_through_the_proxy(browser):
    assert browser.get("/healthz").text == "ok"
    response = browser.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_uploads_up_to_25_mb_pass_the_proxy_and_larger_ones_do_not(browser):
    # Django answers the small one (CSRF refuses it); nginx refuses the large one itself.
    small = browser.post("/shop/stock/", content=b"x" * (5 * 1024 * 1024), headers=HTTPS)
    assert small.status_code == 403
    assert small.headers.get("x-frame-options") == "DENY"  # Django's answer, not nginx's
    large = browser.post("/shop/stock/", content=b"x" * (26 * 1024 * 1024), headers=HTTPS)
    assert large.status_code == 413
