"""Issue 15: a failing view answers a plain page in the person's language under the strict
Content-Security-Policy, with a code to quote and nothing of the error itself."""

import pytest
from django.test import Client, override_settings

from tests.security.test_csp import assert_scripts_carry_the_nonce

pytestmark = pytest.mark.django_db

WORDS = {
    "nl": "Er ging bij ons iets mis",
    "en": "Something went wrong on our side",
}


@override_settings(ROOT_URLCONF="tests.ops.observability_urls")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_server_error_shows_a_plain_page_under_the_policy(language):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/ops-test/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert WORDS[language] in page
    assert f'lang="{language}"' in page
    for leak in ("Traceback", "RuntimeError", "a bug in a view", "observability_urls"):
        assert leak not in page
    assert f"<code>{response['X-Request-ID']}</code>" in page
    assert_scripts_carry_the_nonce(response, f"500 page ({language})")
