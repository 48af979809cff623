"""Reviews: only by people who received an order there, one per person and subject, rating
1-5, shown only after management approved them; exact averages; escaped everywhere."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import OrderPart
from marketplace.community.models import Review, ReviewStatus
from marketplace.community.reviews import version
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from tests.community.conftest import HOSTILE, buyer_of
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

pytestmark = pytest.mark.django_db


def approve_all(staff=None):
    staff = staff or UserFactory(is_staff=True)
    browser = client_for(staff)
    for review in Review.objects.filter(status=ReviewStatus.PENDING):
        response = browser.post(
            f"/management/reviews/{review.pk}/",
            {"decision": "approve", "version": version(review)},
        )
        assert response.status_code == 302
    return browser


def test_someone_who_did_not_buy_there_gets_a_clear_403_and_nothing_is_stored():
    shop = ShopFactory()
    stranger = client_for(UserFactory())
    page = stranger.get(f"/my-town/reviews/shop/{shop.slug}/")
    assert page.status_code == 403
    assert "Only people who received an order from" in page.content.decode()
    sent = stranger.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 5, "text": "Top"})
    assert sent.status_code == 403
    assert not Review.objects.exists()


def test_a_paid_order_not_yet_received_does_not_count():
    shop = ShopFactory()
    consumer = UserFactory()
    record = make_offer(shop, on_hand=3)
    order = place_order(
        basket=make_basket(consumer, (record, 1)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    assert OrderPart.objects.get(order=order).status == "placed"
    browser = client_for(consumer)
    assert browser.get(f"/my-town/reviews/shop/{shop.slug}/").status_code == 403
    assert browser.get(f"/my-town/reviews/product/{record.product_id}/").status_code == 403


def test_a_buyer_reviews_the_shop_and_the_product_and_it_waits_for_approval(committed):
    shop = ShopFactory()
    consumer, record = buyer_of(shop)
    browser = client_for(consumer)
    assert browser.get(f"/my-town/reviews/shop/{shop.slug}/").status_code == 200
    with committed():
        browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": "4", "text": "Fijn"})
        browser.post(
            f"/my-town/reviews/product/{record.product_id}/", {"rating": "2", "text": "Matig"}
        )
    assert sorted(Review.objects.values_list("rating", "text", "status")) == [
        (2, "Matig", "pending"),
        (4, "Fijn", "pending"),
    ]
    # Not shown before approval.
    assert "Fijn" not in client_for().get(shop.get_absolute_url()).content.decode()
    assert "Matig" not in client_for().get(record.product.get_absolute_url()).content.decode()
    with committed():
        approve_all()
    assert "Fijn" in client_for().get(shop.get_absolute_url()).content.decode()
    assert "Matig" in client_for().get(record.product.get_absolute_url()).content.decode()


def test_another_shops_buyer_cannot_review_this_shop_or_its_product():
    shop, other = ShopFactory(), ShopFactory()
    consumer, _record = buyer_of(other)
    product_here = make_offer(shop, on_hand=2)
    browser = client_for(consumer)
    assert (
        browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 5, "text": "x"}).status_code
        == 403
    )
    assert (
        browser.post(
            f"/my-town/reviews/product/{product_here.product_id}/", {"rating": 5, "text": "x"}
        ).status_code
        == 403
    )
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", ["0", "6", "-1", "4.5", "vijf", ""])
def test_a_rating_outside_one_to_five_is_refused_with_a_field_error(rating):
    shop = ShopFactory()
    consumer, _record = buyer_of(shop)
    response = client_for(consumer).post(
        f"/my-town/reviews/shop/{shop.slug}/", {"rating": rating, "text": "Goed"}
    )
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.content.decode()
    assert not Review.objects.exists()


def test_too_long_or_control_characters_are_refused():
    shop = ShopFactory()
    consumer, _record = buyer_of(shop)
    browser = client_for(consumer)
    long = browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 3, "text": "a" * 2001})
    assert long.status_code == 400 and "at most 2000 characters" in long.content.decode()
    hidden = browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 3, "text": "a\x00b"})
    assert hidden.status_code == 400
    assert not Review.objects.exists()


def test_one_review_per_person_and_an_edit_goes_back_to_management(committed):
    shop = ShopFactory()
    consumer, _record = buyer_of(shop)
    browser = client_for(consumer)
    with committed():
        browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 5, "text": "Eerst"})
        approve_all()
    assert "Eerst" in client_for().get(shop.get_absolute_url()).content.decode()
    with committed():
        browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 1, "text": "Later"})
    [review] = Review.objects.all()
    assert (review.rating, review.text, review.status) == (1, "Later", "pending")
    page = client_for().get(shop.get_absolute_url()).content.decode()
    assert "Eerst" not in page and "Later" not in page


def test_management_rejects_with_a_reason_the_writer_sees_and_only_staff_moderate(committed):
    shop = ShopFactory()
    consumer, _record = buyer_of(shop)
    browser = client_for(consumer)
    browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 1, "text": "Bah"})
    review = Review.objects.get()
    # A consumer cannot approve their own review.
    assert (
        browser.post(
            f"/management/reviews/{review.pk}/", {"decision": "approve", "version": version(review)}
        ).status_code
        == 403
    )
    staff = client_for(UserFactory(is_staff=True))
    assert "Bah" in staff.get("/management/reviews/").content.decode()
    staff.post(f"/management/reviews/{review.pk}/", {"decision": "reject", "reason": ""})
    review.refresh_from_db()
    assert review.status == "pending"  # no reason, nothing changed
    staff.post(
        f"/management/reviews/{review.pk}/",
        {"decision": "reject", "reason": "<b>Scheldwoord</b>", "version": version(review)},
    )
    review.refresh_from_db()
    assert (review.status, review.reject_reason) == ("rejected", "<b>Scheldwoord</b>")
    my_town = browser.get("/my-town/").content.decode()
    assert "&lt;b&gt;Scheldwoord&lt;/b&gt;" in my_town and "<b>Scheldwoord" not in my_town
    assert "Bah" not in client_for().get(shop.get_absolute_url()).content.decode()


def test_a_review_edited_after_the_moderator_read_it_is_not_approved_unseen():
    shop = ShopFactory()
    consumer, _record = buyer_of(shop)
    browser = client_for(consumer)
    browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 5, "text": "Netjes"})
    seen = version(Review.objects.get())
    browser.post(f"/my-town/reviews/shop/{shop.slug}/", {"rating": 5, "text": "Iets anders"})
    staff = client_for(UserFactory(is_staff=True))
    staff.post(
        f"/management/reviews/{Review.objects.get().pk}/",
        {"decision": "approve", "version": seen},
    )
    assert Review.objects.get().status == "pending"


def test_the_average_is_exact_and_counts_only_approved_reviews(committed):
    shop = ShopFactory()
    ratings = [5, 4, 4, 4]  # 17 / 4 = 4.25 → 4.3 (half up)
    for rating in ratings + [1]:
        consumer, _record = buyer_of(shop)
        client_for(consumer).post(
            f"/my-town/reviews/shop/{shop.slug}/", {"rating": rating, "text": f"r{rating}"}
        )
    with committed():
        approve_all()
        client_for(Review.objects.get(rating=1).user).post(  # edited: back to pending
            f"/my-town/reviews/shop/{shop.slug}/", {"rating": 1, "text": "weer"}
        )
    html = client_for().get(shop.get_absolute_url()).content.decode()
    assert re.search(r'rating-average">4\.3</strong> / 5\s*\(4 reviews\)', html)


def test_the_shop_page_reads_reviews_from_the_cache_after_the_first_view(committed):
    shop = ShopFactory()
    consumer, _record = buyer_of(shop)
    with committed():
        client_for(consumer).post(
            f"/my-town/reviews/shop/{shop.slug}/", {"rating": 3, "text": "Oké"}
        )
        approve_all()
    visitor = client_for()
    visitor.get(shop.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert "Oké" in visitor.get(shop.get_absolute_url()).content.decode()
    assert not [q for q in queries if "community_review" in q["sql"]]


def json_ld_of(html: str) -> list[dict]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(script) for script in scripts]


def test_json_ld_has_the_rating_of_approved_reviews_only_and_hostile_text_stays_inside(
    committed,
):
    shop = ShopFactory()
    first, record = buyer_of(shop)
    second, _ = buyer_of(shop, record)
    pending, _ = buyer_of(shop, record)
    url = f"/my-town/reviews/product/{record.product_id}/"
    with committed():
        client_for(first).post(url, {"rating": 5, "text": HOSTILE})
        client_for(second).post(url, {"rating": 2, "text": "Gaat wel"})
    html = client_for().get(record.product.get_absolute_url()).content.decode()
    [product] = [d for d in json_ld_of(html) if d["@type"] == "Product"]
    assert "aggregateRating" not in product and "review" not in product
    with committed():
        approve_all()
        client_for(pending).post(url, {"rating": 1, "text": "Nog niet goedgekeurd"})

    html = client_for().get(record.product.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in html and "<img src=x" not in html
    [product] = [d for d in json_ld_of(html) if d["@type"] == "Product"]
    assert product["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "3.5",
        "reviewCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert sorted(r["reviewBody"] for r in product["review"]) == sorted([HOSTILE, "Gaat wel"])
    # In the page itself the text is escaped too.
    assert "&lt;/script&gt;&lt;script&gt;alert(" in html
