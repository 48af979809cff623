"""Static files build under the production settings, and the main pages render with the
manifest they built: a broken build fails here, not in a deployment."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from oscar.core.loading import get_model

from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

PROJECT = Path(__file__).resolve().parents[2]
# What marketplace.settings.production serves static files with.
PRODUCTION_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STATIC_URL_IN_PAGE = re.compile(r"/static/[^\"'\s)<>]+")


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """`manage.py collectstatic` under the production settings, into a directory of its own."""
    root = tmp_path_factory.mktemp("staticfiles")
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("AWS_")},
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DJANGO_SECRET_KEY": "static-build-test-key",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "STATIC_ROOT": str(root),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return root


@pytest.fixture
def manifest(collected, settings) -> dict:
    """Pages link static files as production does: hashed names from the built manifest,
    and a name missing from it is an error (manifest_strict)."""
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE}}
    return json.loads((collected / "staticfiles.json").read_text())["paths"]


def test_the_build_hashes_and_compresses_every_file(collected):
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/chartjs/chart.umd.js",
        "vendor/leaflet/leaflet.css",
        "oscar/css/styles.css",
    ):
        hashed = collected / paths[name]
        assert hashed.name != Path(name).name and hashed.is_file()
        assert (collected / f"{paths[name]}.gz").is_file()
    chart = (collected / paths["vendor/chartjs/chart.umd.js"]).read_text()
    assert "sourceMappingURL" not in chart


@pytest.fixture
def town(db):
    books = ShopFactory(kind="books")
    owner = make_owner(books)
    novel = make_offer(books, price="19.95", on_hand=4, title="De avonden")
    reading = Category.add_root(name="Boeken")
    ProductCategory.objects.create(product=novel.product, category=reading)
    return books, owner, novel, reading


def test_the_main_pages_render_with_the_built_manifest(collected, manifest, town):
    books, owner, novel, reading = town
    consumer = client_for(UserFactory())
    added = consumer.post(f"/basket/add-offer/{novel.pk}/", {"quantity": "1"})
    assert added.status_code == 302
    staff = client_for(UserFactory(is_staff=True))
    pages = [
        (consumer, "/"),
        (consumer, reading.get_absolute_url()),
        (consumer, novel.product.get_absolute_url()),
        (consumer, "/search/?q=avonden"),
        (consumer, books.get_absolute_url()),
        (consumer, "/basket/"),
        (client_for(), "/accounts/login/"),
        (client_for(owner), "/shop/"),
        (client_for(owner), "/shop/profile/"),
        (client_for(owner), "/shop/products/"),
        (staff, "/management/reports/"),
        (staff, "/management/routes/"),
    ]
    hashed = set(manifest.values())
    for browser, url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        linked = set(STATIC_URL_IN_PAGE.findall(response.content.decode()))
        assert linked, f"{url} links no static file"
        for static_url in linked:
            name = static_url.removeprefix("/static/")
            assert name in hashed, f"{url} links {static_url}, not a hashed name"
            assert (collected / name).is_file(), static_url
    body = staff.get("/management/reports/").content.decode()
    assert f"/static/{manifest['vendor/chartjs/chart.umd.js']}" in body
    assert (
        f"/static/{manifest['vendor/leaflet/leaflet.js']}"
        in consumer.get(books.get_absolute_url()).content.decode()
    )
