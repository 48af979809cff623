"""The Site row follows SITE_URL, so e-mail links point at the host the marketplace runs on."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management.sql import emit_post_migrate_signal
from django.test import override_settings
from django.urls import reverse

from marketplace.site_domain import check_site_domain
from tests.ops.test_settings import run

HOST = "markt.example.nl"


@pytest.mark.django_db
def test_migrate_writes_site_url_into_the_site_and_password_reset_links_use_it(client):
    user = get_user_model().objects.create_user(
        username="reset", email="reset@stadsmarkt.test", password="not-the-point-1"
    )
    with override_settings(SITE_URL=f"https://{HOST}", OSCAR_URL_SCHEMA="https"):
        assert [w.id for w in check_site_domain(databases=["default"])] == ["marketplace.W010"]
        # What `migrate` does at its end (the compose stack's one-shot before web starts).
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        assert Site.objects.get_current().domain == HOST
        assert check_site_domain(databases=["default"]) == []

        response = client.post(reverse("password-reset"), {"email": user.email})
        assert response.status_code == 302

    [message] = mail.outbox
    link = re.search(rf"https://{re.escape(HOST)}(/\S+)", message.body)
    assert link, message.body
    assert link.group(1).startswith("/password-reset/confirm/")
    assert "example.com" not in message.body


def test_the_link_scheme_follows_site_url():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.OSCAR_URL_SCHEMA)"
    )
    for url, scheme in ((f"https://{HOST}", "https"), ("http://127.0.0.1:8000", "http")):
        result = run(code, "marketplace.settings.base", SITE_URL=url)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == scheme
