"""Issue 22: a return in real browsers, from the consumer's request to the refund.

The consumer follows the link in their "collected" e-mail to the order, chooses a book to
return and brings it to the shop; the shop follows the link in its "new return" e-mail and
confirms receipt; the consumer gets the refund e-mail and sees it on the order page. Only
what the pages and e-mails show is typed or followed.
"""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from marketplace.payments.models import Refund
from tests.browser.conftest import shot
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner
from tests.returns.conftest import HOSTILE, received_part

pytestmark = pytest.mark.django_db(transaction=True)


def dutch(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


def link_in(message, path_pattern: str) -> str:
    """The path of the first link in an e-mail (text or HTML) that matches `path_pattern`."""
    texts = [message.body, *(content for content, _ in message.alternatives)]
    for url in re.findall(r"https?://[^\s\"<]+", "\n".join(texts)):
        path = urlsplit(url).path
        if re.fullmatch(path_pattern, path):
            return path
    raise AssertionError(f"no link like {path_pattern} in {message.subject!r}")


def test_a_return_from_request_to_refund(person, live_server):
    shop = ShopFactory(email="winkel@stadsmarkt.test", street="Walstraat 12")
    consumer = UserFactory(email="anna@stadsmarkt.test", username="anna@stadsmarkt.test")
    novel = make_offer(shop, price="19.95", on_hand=3, title="De stille stad")
    mug = make_offer(shop, price="8.00", on_hand=3, title="Mok")
    received_part(shop, (novel, 1), (mug, 1), consumer=consumer)
    owner = make_owner(shop)
    [collected] = [m for m in mail.outbox if m.to == [consumer.email]][-1:]
    order_path = link_in(collected, r"/orders/[^/]+/")

    anna = person(consumer, order_path)
    shot(anna, "order")
    anna.locator(".part-return-link").click()
    expect(anna.locator(".return-deadline")).to_be_visible()
    anna.get_by_label(re.compile("De stille stad")).fill("1")
    anna.locator("#reason").fill(HOSTILE)
    shot(anna, "return-form")
    mail.outbox.clear()
    anna.get_by_role("button", name=dutch("Return these items")).click()
    expect(anna.locator(".return-status")).to_have_text(dutch("Requested"))
    shot(anna, "return-requested")

    [to_anna] = [m for m in mail.outbox if m.to == [consumer.email]]
    assert "Walstraat 12" in to_anna.body  # where to bring it
    [to_shop] = [m for m in mail.outbox if m.to == ["winkel@stadsmarkt.test"]]
    return_path = link_in(to_shop, r"/shop/returns/\d+/")

    counter = person(owner, return_path)
    expect(counter.locator(".return-reason")).to_contain_text(HOSTILE)  # shown as text
    assert counter.locator(".return-reason script").count() == 0
    expect(counter.locator(".return-lines")).to_contain_text("De stille stad")
    shot(counter, "shop-return")
    mail.outbox.clear()
    counter.get_by_role("button", name=dutch("Goods received: refund the consumer")).click()
    expect(counter.locator(".return-refunded")).to_contain_text("19,95")
    shot(counter, "shop-refunded")

    [refunded] = mail.outbox
    assert refunded.to == [consumer.email] and "€ 19,95" in refunded.body
    anna.goto(f"{live_server.url}{link_in(refunded, r'/orders/[^/]+/')}")
    expect(anna.locator(".part-return-state")).to_contain_text(dutch("Received and refunded"))
    shot(anna, "order-refunded")
    assert [r.amount for r in Refund.objects.all()] == [Decimal("19.95")]
