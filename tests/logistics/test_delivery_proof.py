"""Issue 19 item 3: proof of delivery, through the courier's stop action and the pages that
show it (the consumer's order, the shop's part, centre management's admin)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from logistics.models import (
    DeliveryProof,
    OrderPart,
    PartStatus,
    ProofKind,
    Route,
    RouteStop,
    StopStatus,
)
from logistics.part_states import hand_over
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_owner, make_slot, make_zone, png_upload
from tests.logistics.test_dispatch import delivery_part, make_courier, tomorrow

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def door(client):
    """A part the courier has picked up: their next stop is its delivery."""
    today = timezone.localdate()
    shop = ShopFactory()
    part = delivery_part(shop, make_slot(make_zone(), day=tomorrow()))
    courier = make_courier(today, starts=8, ends=18, name="Fenna")
    route = Route.objects.create(courier=courier, date=today, planned_at=timezone.now())
    delivery = RouteStop.objects.create(
        route=route, sequence=1, kind="delivery", part=part, eta=timezone.now()
    )
    # The shop handed the part over; the courier is at the door.
    hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)
    client.force_login(courier.user)
    return {"part": part, "shop": shop, "courier": courier, "stop": delivery, "client": client}


def deliver(door, **data):
    return door["client"].post(f"/courier/stops/{door['stop'].pk}/delivered/", data, follow=True)


def phone_photo(name="IMG_0001.jpg") -> SimpleUploadedFile:
    """A 40x30 JPEG as a phone takes it: turned by EXIF (orientation 6) and with the GPS
    position of where it was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 15.0, 18.0)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 114, 178)).save(buffer, format="JPEG", exif=exif)
    with Image.open(io.BytesIO(buffer.getvalue())) as taken:
        assert taken.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input does carry GPS
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def assert_nothing_changed(door, own_media):
    part = OrderPart.objects.get(pk=door["part"].pk)
    assert part.status == PartStatus.HANDED_OVER
    assert RouteStop.objects.get(pk=door["stop"].pk).status == StopStatus.PENDING
    assert not DeliveryProof.objects.exists()
    assert not list(own_media.rglob("*.*")) if own_media.exists() else True


def management():
    return client_for(UserFactory(is_staff=True, is_superuser=True))


def test_a_photo_and_name_are_stored_without_metadata_and_shown_to_the_three(door, own_media):
    part = door["part"]
    page = deliver(door, code=part.delivery_code, received_by="Jan", photo=phone_photo())
    assert "Delivered." in page.content.decode()

    proof = DeliveryProof.objects.get()
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.DELIVERED
    assert RouteStop.objects.get(pk=door["stop"].pk).status == StopStatus.DONE
    assert (proof.part_id, proof.courier, proof.kind, proof.received_by) == (
        part.pk,
        door["courier"],
        ProofKind.RECIPIENT,
        "Jan",
    )
    # Unguessable name, nothing of the phone's file name; re-encoded: upright, no EXIF.
    assert re.fullmatch(r"delivery-proof/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.jpg", proof.photo.name)
    stored = (own_media / proof.photo.name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("JPEG", (30, 40))
        assert dict(image.getexif()) == {}
    assert b"PhoneCo" not in stored

    photo_url = f"/courier/proof/{proof.pk}/photo/"
    consumer = client_for(part.order.user)
    owner = client_for(make_owner(door["shop"]))
    admin_client = management()
    order_page = consumer.get(reverse("ordering:order", kwargs={"number": part.order.number}))
    shop_page = owner.get(reverse("shop:part", kwargs={"pk": part.pk}))
    admin_page = admin_client.get(f"/admin/logistics/deliveryproof/{proof.pk}/change/")
    for shown in (order_page, shop_page, admin_page):
        html = shown.content.decode()
        assert shown.status_code == 200
        assert f'src="{photo_url}"' in html
        assert "Jan" in html
    assert "/media/" not in order_page.content.decode()
    for viewer in (consumer, owner, admin_client):
        response = viewer.get(photo_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content) == stored


def test_another_consumer_another_shop_and_a_courier_get_404_for_the_photo(door, client):
    part = door["part"]
    deliver(door, code=part.delivery_code, photo=png_upload())
    photo_url = f"/courier/proof/{DeliveryProof.objects.get().pk}/photo/"
    for stranger in (UserFactory(), make_owner(ShopFactory()), door["courier"].user):
        assert client_for(stranger).get(photo_url).status_code == 404
    other_order = client_for(UserFactory()).get(
        reverse("ordering:order", kwargs={"number": part.order.number})
    )
    assert other_order.status_code == 404
    assert client_for(None).get(photo_url).status_code == 302  # to the sign-in page
    assert (
        client_for(UserFactory(is_staff=True)).get("/courier/proof/999999/photo/").status_code
        == 404
    )


def test_a_file_that_is_not_an_image_is_refused_and_changes_nothing(door, own_media):
    part = door["part"]
    fake = SimpleUploadedFile("part.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    page = deliver(door, code=part.delivery_code, photo=fake)
    assert "The photo could not be read as an image; take it again (JPEG, PNG or WebP)." in (
        page.content.decode()
    )
    assert_nothing_changed(door, own_media)
    assert OrderPart.objects.get(pk=part.pk).failed_code_attempts == 0


def test_a_photo_over_the_size_cap_is_refused_and_changes_nothing(door, own_media):
    big = SimpleUploadedFile("big.jpg", b"\xff" * (8 * 1024 * 1024 + 1), content_type="image/jpeg")
    page = deliver(door, code=door["part"].delivery_code, photo=big)
    assert "The photo is too large (8.0 MB); at most 8 MB." in page.content.decode()
    assert_nothing_changed(door, own_media)


def test_a_wrong_code_to_the_recipient_is_refused_and_counted(door, own_media):
    page = deliver(door, code="WRONG1", received_by="Jan", photo=png_upload())
    assert "That code is not right for this order part." in page.content.decode()
    assert_nothing_changed(door, own_media)
    assert OrderPart.objects.get(pk=door["part"].pk).failed_code_attempts == 1


def test_a_neighbour_only_when_allowed_and_only_with_their_name(door, own_media):
    page = deliver(door, handed_over="neighbour", received_by="Buurvrouw, nr. 14")
    assert "The consumer did not allow leaving this part with a neighbour." in (
        page.content.decode()
    )
    assert_nothing_changed(door, own_media)

    OrderPart.objects.filter(pk=door["part"].pk).update(allow_neighbour=True)
    page = deliver(door, handed_over="neighbour", received_by="  ")
    assert "Fill in the neighbour&#x27;s name and house number." in page.content.decode()
    assert_nothing_changed(door, own_media)

    # No code: nobody at the neighbour's door knows it; the name is the proof.
    page = deliver(door, handed_over="neighbour", received_by="Buurvrouw, nr. 14")
    assert "Delivered." in page.content.decode()
    proof = DeliveryProof.objects.get()
    assert (proof.kind, proof.received_by, proof.photo.name) == (
        ProofKind.NEIGHBOUR,
        "Buurvrouw, nr. 14",
        "",
    )
    assert OrderPart.objects.get(pk=door["part"].pk).status == PartStatus.DELIVERED


def test_the_safe_place_only_when_named_and_only_with_a_photo(door, own_media):
    page = deliver(door, handed_over="safe_place", photo=png_upload())
    assert "The consumer did not name a safe place for this part." in page.content.decode()
    assert_nothing_changed(door, own_media)

    OrderPart.objects.filter(pk=door["part"].pk).update(safe_place="Achter de groene kliko")
    page = deliver(door, handed_over="safe_place")
    assert "Take a photo of the part at the safe place." in page.content.decode()
    assert_nothing_changed(door, own_media)

    deliver(door, handed_over="safe_place", photo=png_upload())
    proof = DeliveryProof.objects.get()
    assert proof.kind == ProofKind.SAFE_PLACE and proof.photo.name.endswith(".jpg")
    assert OrderPart.objects.get(pk=door["part"].pk).status == PartStatus.DELIVERED


def test_an_unknown_way_of_handing_over_is_refused(door, own_media):
    page = deliver(door, handed_over="mailbox", code=door["part"].delivery_code)
    assert "Choose how the part was handed over." in page.content.decode()
    assert_nothing_changed(door, own_media)


def test_the_courier_page_offers_only_the_ways_the_consumer_allowed(door):
    stop = door["stop"]
    html = door["client"].get("/courier/").content.decode()
    # Only to the recipient: no choice to make, and their code is required.
    assert '<input type="hidden" name="handed_over" value="recipient">' in html
    assert f'id="handed-recipient-{stop.pk}"' not in html
    assert f'id="handed-neighbour-{stop.pk}"' not in html
    assert f'id="handed-safe-place-{stop.pk}"' not in html
    assert 'accept="image/*" capture="environment"' in html

    OrderPart.objects.filter(pk=door["part"].pk).update(
        allow_neighbour=True, safe_place="Schuur <b>achter</b>"
    )
    html = door["client"].get("/courier/").content.decode()
    assert f'id="handed-recipient-{stop.pk}"' in html
    assert f'id="handed-neighbour-{stop.pk}"' in html
    assert "Schuur &lt;b&gt;achter&lt;/b&gt;" in html


def test_hostile_received_by_and_note_are_escaped_where_shown(door):
    part, admin_client = door["part"], management()
    deliver(door, code=part.delivery_code, received_by=HOSTILE, note=HOSTILE)
    proof = DeliveryProof.objects.get()
    assert (proof.received_by, proof.note) == (HOSTILE, HOSTILE)
    pages = [
        client_for(part.order.user).get(
            reverse("ordering:order", kwargs={"number": part.order.number})
        ),
        client_for(make_owner(door["shop"])).get(reverse("shop:part", kwargs={"pk": part.pk})),
        admin_client.get(f"/admin/logistics/deliveryproof/{proof.pk}/change/"),
        admin_client.get("/admin/logistics/deliveryproof/"),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
