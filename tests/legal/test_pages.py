"""The platform's legal pages: seeded in both languages, edited by centre management only,
cleaned of scripts, and linked from the footer of every area."""

import pytest
from django.test import Client

from legal.models import LegalPage, LegalPageKind
from legal.pages import legal_page
from logistics.models import Courier
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_owner

from .conftest import HOSTILE

pytestmark = pytest.mark.django_db
KINDS = LegalPageKind.values
LEGAL_LINKS = [f'href="/legal/{kind}/"' for kind in KINDS]


def dutch(user=None) -> Client:
    browser = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="nl")
    if user is not None:
        browser.force_login(user)
    return browser


@pytest.mark.parametrize(
    "kind,dutch_title,english_title",
    [
        ("terms", "Algemene voorwaarden", "Terms and conditions"),
        ("privacy", "Privacyverklaring", "Privacy statement"),
        ("cookies", "Cookieverklaring", "Cookie statement"),
        ("contact", "Contact", "Contact"),
        ("withdrawal", "Modelformulier voor herroeping", "Model withdrawal form"),
    ],
)
def test_each_page_is_seeded_in_dutch_and_english(kind, dutch_title, english_title):
    nl = dutch().get(f"/legal/{kind}/").content.decode()
    en = client_for().get(f"/legal/{kind}/").content.decode()
    assert f"<h1>{dutch_title}</h1>" in nl
    assert f"<h1>{english_title}</h1>" in en
    assert LegalPage.objects.get(kind=kind).body_nl in nl


def test_the_withdrawal_form_has_the_model_wording_in_both_languages():
    nl = dutch().get("/legal/withdrawal/").content.decode()
    en = client_for().get("/legal/withdrawal/").content.decode()
    assert "herroep/herroepen" in nl and "Besteld op*/Ontvangen op*" in nl
    assert "hereby give notice that I/We* withdraw" in en and "Ordered on*/received on*" in en


def test_the_privacy_statement_states_the_retention_periods(settings):
    settings.ORDER_RETENTION_YEARS = 7
    settings.SEARCH_LOG_RETENTION_DAYS = 400
    settings.ANONYMOUS_BASKET_RETENTION_DAYS = 30
    html = client_for().get("/legal/privacy/").content.decode()
    assert "Orders: 7 years (tax retention), then anonymised." in html
    assert "Searches: 400 days." in html
    assert "Baskets of visitors without an account: 30 days." in html


def test_an_unknown_page_is_a_404():
    assert client_for().get("/legal/nonsense/").status_code == 404
    staff = UserFactory(is_staff=True)
    assert client_for(staff).get("/management/legal/nonsense/").status_code == 404


def test_management_edits_a_page_and_scripts_are_removed():
    staff = UserFactory(is_staff=True)
    browser = client_for(staff)
    assert browser.get("/management/legal/").status_code == 200
    form = browser.get("/management/legal/terms/")
    assert form.status_code == 200
    response = browser.post(
        "/management/legal/terms/",
        {
            "title_nl": f"Voorwaarden {HOSTILE}",
            "title_en": "Terms",
            "body_nl": f'<p onclick="steal()">Nieuw</p>{HOSTILE}<a href="javascript:x()">link</a>',
            "body_en": "<h2>New</h2><p>English text</p>",
        },
    )
    assert response.status_code == 302
    page = LegalPage.objects.get(kind="terms")
    assert page.updated_by == staff
    assert "<script" not in page.body_nl and "onclick" not in page.body_nl
    assert "javascript:" not in page.body_nl and "onerror" not in page.body_nl
    nl = dutch().get("/legal/terms/").content.decode()
    assert "<p>Nieuw</p>" in nl
    assert "<script>alert" not in nl and "<img src=x onerror" not in nl
    assert "Voorwaarden &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in nl
    en = client_for().get("/legal/terms/").content.decode()
    assert "<h2>New</h2><p>English text</p>" in en
    listing = browser.get("/management/legal/").content.decode()
    assert "Voorwaarden &lt;script&gt;" in listing and "<script>alert" not in listing


def test_an_empty_text_is_refused_and_changes_nothing():
    browser = client_for(UserFactory(is_staff=True))
    before = legal_page("privacy").body_nl
    response = browser.post(
        "/management/legal/privacy/",
        {"title_nl": "P", "title_en": "P", "body_nl": "<script>x</script>", "body_en": "ok"},
    )
    assert response.status_code == 200
    assert "Write the text of the page." in response.content.decode()
    assert LegalPage.objects.get(kind="privacy").body_nl == before


def test_only_centre_management_edits_pages():
    data = {"title_nl": "X", "title_en": "X", "body_nl": "<p>x</p>", "body_en": "<p>x</p>"}
    before = legal_page("contact").body_nl
    for user in (UserFactory(), make_owner(ShopFactory())):
        assert client_for(user).get("/management/legal/").status_code == 403
        assert client_for(user).post("/management/legal/contact/", data).status_code == 403
    assert client_for().post("/management/legal/contact/", data).status_code == 302
    assert LegalPage.objects.get(kind="contact").body_nl == before


def courier_user():
    user = UserFactory()
    Courier.objects.create(user=user, vehicle="bike", capacity_parts=6, capacity_litres=80)
    return user


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_area_links_the_legal_pages_in_its_footer(language):
    areas = {
        "/": None,
        "/shops/": None,
        "/legal/terms/": None,
        "/shop/": make_owner(ShopFactory()),
        "/courier/": courier_user(),
        "/management/": UserFactory(is_staff=True),
        "/management/legal/": UserFactory(is_staff=True),
        "/accounts/your-data/": UserFactory(),
    }
    for url, user in areas.items():
        browser = dutch(user) if language == "nl" else client_for(user)
        response = browser.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        for link in LEGAL_LINKS:
            assert link in footer, (url, link)
