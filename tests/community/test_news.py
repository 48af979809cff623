"""News from favourite shops: written in the shop area (own shop only), e-mailed once per
post and person to those who made the shop a favourite AND opted in (off by default), with a
signed unsubscribe link; shown on "my town" until its date."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.community.models import FavouriteShop, NewsPost, NewsPreference
from marketplace.community.tasks import send_news_post
from marketplace.community.unsubscribe import token_for
from tests.community.conftest import HOSTILE
from tests.conftest import client_for, run_task
from tests.factories import ShopFactory, UserFactory, make_owner

pytestmark = pytest.mark.django_db


def follower(shop, *, news: bool):
    person = UserFactory()
    FavouriteShop.objects.create(user=person, shop=shop)
    if news:
        NewsPreference.objects.create(user=person, news_by_email=True)
    return person


def post_news(owner, committed, **fields):
    data = {"title": "Koopavond", "text": "Donderdag tot 21 uur open.", "until": "", **fields}
    with committed():
        return client_for(owner).post("/shop/news/new/", data)


def test_news_goes_once_to_followers_who_opted_in_and_to_nobody_else(committed):
    shop = ShopFactory()
    owner = make_owner(shop)
    wants = follower(shop, news=True)
    follower(shop, news=False)  # a favourite, but news off (the default)
    stranger = UserFactory()
    NewsPreference.objects.create(user=stranger, news_by_email=True)  # news on, no favourite
    assert post_news(owner, committed).status_code == 302
    [message] = mail.outbox
    assert message.to == [wants.email]
    assert message.subject == f"{shop.partner.name}: Koopavond"
    post = NewsPost.objects.get()
    assert run_task(send_news_post, post.pk) == 0  # redelivered: nothing new
    assert len(mail.outbox) == 1


def test_the_news_checkbox_is_off_by_default_and_saves_both_ways():
    person = UserFactory()
    browser = client_for(person)
    html = browser.get("/my-town/").content.decode()
    checkbox = re.search(r'<input[^>]*name="news_by_email"[^>]*>', html).group(0)
    assert "checked" not in checkbox
    browser.post("/my-town/news/", {"news_by_email": "on"})
    assert NewsPreference.objects.get(user=person).news_by_email is True
    browser.post("/my-town/news/", {})
    assert NewsPreference.objects.get(user=person).news_by_email is False


def test_the_signed_unsubscribe_link_turns_news_off_without_signing_in(committed):
    shop = ShopFactory()
    person = follower(shop, news=True)
    post_news(make_owner(shop), committed)
    [message] = mail.outbox
    links = re.findall(r"https?://\S+/my-town/news/unsubscribe/\S+/", message.body)
    assert len(links) == 1
    path = urlsplit(links[0]).path
    anonymous = client_for()
    page = anonymous.get(path)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and NewsPreference.objects.get(user=person).news_by_email
    done = anonymous.post(path)
    assert "You no longer get news" in done.content.decode()
    assert NewsPreference.objects.get(user=person).news_by_email is False
    html_links = [a for a in message.alternatives[0][0].split('"') if "/unsubscribe/" in a]
    assert [urlsplit(a).path for a in html_links] == [path]


def test_the_mail_programs_one_click_unsubscribe_turns_news_off(committed):
    """RFC 8058: the e-mail names the link in its headers, and the mail program posts
    `List-Unsubscribe=One-Click` to it with no cookie and no CSRF token."""
    shop = ShopFactory()
    person = follower(shop, news=True)
    post_news(make_owner(shop), committed)
    [message] = mail.outbox
    headers = message.message()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(https?://\S+)>", headers["List-Unsubscribe"]).group(1)
    assert link in message.body
    mail_program = client_for(enforce_csrf_checks=True)
    answer = mail_program.post(
        urlsplit(link).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert NewsPreference.objects.get(user=person).news_by_email is False


def test_a_forged_or_other_salt_token_is_refused():
    person = UserFactory()
    NewsPreference.objects.create(user=person, news_by_email=True)
    token = token_for(person.pk)
    forged = token.replace(token.split(":")[0], str(person.pk + 1), 1)
    browser = client_for()
    assert browser.post(f"/my-town/news/unsubscribe/{forged}/").status_code == 404
    assert browser.post(f"/my-town/news/unsubscribe/{person.pk}/").status_code == 404
    assert NewsPreference.objects.get(user=person).news_by_email is True


def test_hostile_news_is_escaped_in_the_html_e_mail_and_on_my_town_and_one_line_in_subjects(
    committed,
):
    shop = ShopFactory()
    person = follower(shop, news=True)
    post_news(make_owner(shop), committed, title=HOSTILE[:120], text=HOSTILE)
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html
    assert HOSTILE in message.body  # plain text: shown as written, nothing in it is markup
    assert "\n" not in message.subject
    my_town = client_for(person).get("/my-town/").content.decode()
    assert "<img src=x" not in my_town and "&lt;img src=x onerror=alert(1)&gt;" in my_town


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"title": "Twee\nregels"}, "A title is one line."),
        ({"title": "x" * 121}, "at most 120 characters"),
        ({"text": "y" * 1501}, "at most 1500 characters"),
        ({"text": "nul\x00byte"}, "Remove the invisible control characters."),
        ({"until": "2001-01-01"}, "This date has passed."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_news_gets_a_field_error_and_nothing_is_posted(committed, fields, error):
    shop = ShopFactory()
    follower(shop, news=True)
    response = post_news(make_owner(shop), committed, **fields)
    assert response.status_code == 200 and error in response.content.decode()
    assert not NewsPost.objects.exists() and mail.outbox == []


def test_a_shop_sees_and_edits_only_its_own_posts_and_cannot_post_as_another(committed):
    ours, theirs = ShopFactory(), ShopFactory()
    our_owner, their_owner = make_owner(ours), make_owner(theirs)
    post_news(their_owner, committed, title="Hun nieuws")
    theirs_post = NewsPost.objects.get()
    # A shop field in the form is ignored: the post is always the signed-in user's shop's.
    post_news(our_owner, committed, title="Ons nieuws", shop=theirs.pk)
    assert NewsPost.objects.get(title="Ons nieuws").shop_id == ours.pk
    browser = client_for(our_owner)
    listing = browser.get("/shop/news/").content.decode()
    assert "Ons nieuws" in listing and "Hun nieuws" not in listing
    assert browser.get(f"/shop/news/{theirs_post.pk}/").status_code == 404
    edit = browser.post(f"/shop/news/{theirs_post.pk}/", {"title": "Gekaapt", "text": "x"})
    assert edit.status_code == 404
    assert NewsPost.objects.get(pk=theirs_post.pk).title == "Hun nieuws"
    assert client_for(UserFactory()).get("/shop/news/").status_code == 403


def test_an_edit_is_not_e_mailed_again_and_my_town_hides_news_past_its_date(committed):
    shop = ShopFactory()
    person = follower(shop, news=True)
    owner = make_owner(shop)
    post_news(owner, committed, title="Actie")
    post = NewsPost.objects.get()
    with committed():
        client_for(owner).post(
            f"/shop/news/{post.pk}/", {"title": "Actie verlengd", "text": "Tot zondag"}
        )
    assert len(mail.outbox) == 1
    browser = client_for(person)
    assert "Actie verlengd" in browser.get("/my-town/").content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    NewsPost.objects.filter(pk=post.pk).update(until=yesterday)
    assert "Actie verlengd" not in browser.get("/my-town/").content.decode()
