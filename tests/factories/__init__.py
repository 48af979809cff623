"""Factories for tests, on top of oscar.test.factories."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.test.factories import PartnerFactory

from logistics.models import DeliverySlot, DeliveryZone, PostcodeArea
from shops.models import OpeningHours, Shop, ShopStatus

User = get_user_model()
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}@stadsmarkt.test")
    email = factory.SelfAttribute("username")
    password = factory.django.Password("secret-pass-1")


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory, name=factory.Sequence(lambda n: f"Winkel {n}"))
    slug = factory.Sequence(lambda n: f"winkel-{n}")
    kind = "books"
    status = ShopStatus.ACTIVE
    legal_name = factory.LazyAttribute(lambda shop: f"{shop.partner.name} B.V.")
    chamber_of_commerce_number = factory.Sequence(lambda n: f"{20_000_000 + n:08d}")
    street = "Brink 10"
    postcode = "7411 BR"
    city = "Deventer"
    latitude = Decimal("52.255100")
    longitude = Decimal("6.159900")

    @factory.post_generation
    def open_every_day(shop, create, extracted, **kwargs):
        if create and extracted is not False:
            OpeningHours.objects.bulk_create(
                OpeningHours(shop=shop, weekday=day, opens=time(9), closes=time(18))
                for day in range(7)
            )


def make_owner(shop: Shop) -> User:
    owner = UserFactory()
    shop.partner.users.add(owner)
    return owner


def make_offer(shop: Shop, *, price="10.00", on_hand=10, title=None) -> StockRecord:
    product = Product.objects.create(
        title=title or "Product",
        product_class=ProductClass.objects.get_or_create(
            name="Goods", defaults={"track_stock": True}
        )[0],
    )
    return StockRecord.objects.create(
        product=product,
        partner=shop.partner,
        partner_sku=f"{shop.slug}-{product.pk}",
        price=Decimal(price),
        num_in_stock=on_hand,
        num_allocated=0,
        vat_rate=Decimal("21.00"),
    )


def make_basket(user, *offers_and_quantities) -> Basket:
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy()
    for record, quantity in offers_and_quantities:
        basket.lines.create(
            product=record.product,
            stockrecord=record,
            quantity=quantity,
            line_reference=f"{record.product_id}_{record.pk}",
            price_currency="EUR",
            price_excl_tax=record.price,
            price_incl_tax=record.price,
        )
    return with_strategy(Basket.objects.get(pk=basket.pk))


def with_strategy(basket: Basket) -> Basket:
    basket.strategy = Selector().strategy()
    return basket


def make_zone(*, pc4s=("7411", "7412")) -> DeliveryZone:
    zone = DeliveryZone.objects.create(
        name=f"Zone {DeliveryZone.objects.count() + 1}",
        centre_latitude=Decimal("52.2551"),
        centre_longitude=Decimal("6.1599"),
        radius_metres=3000,
    )
    for index, pc4 in enumerate(pc4s):
        PostcodeArea.objects.create(
            zone=zone,
            pc4=pc4,
            latitude=Decimal("52.2551") + Decimal(index) / 1000,
            longitude=Decimal("6.1599"),
        )
    return zone


def make_slot(zone, *, day: date | None = None, start=14, capacity=5, cutoff=None) -> DeliverySlot:
    day = day or (timezone.localdate() + timedelta(days=1))
    starts = datetime.combine(day, time(start), tzinfo=AMSTERDAM)
    return DeliverySlot.objects.create(
        zone=zone,
        date=day,
        starts=time(start),
        ends=time(start + 2),
        capacity=capacity,
        cutoff=cutoff or starts - timedelta(hours=2),
    )


def png_upload(name: str = "foto.png", size: tuple[int, int] = (40, 30)):
    """A PNG of `size` as a browser uploads it."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (139, 30, 63)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def shop_code(stop) -> str:
    """The hand-over code the shop's page shows the courier of this pickup stop."""
    from logistics.handover import handover_code

    return handover_code(route_id=stop.route_id, shop_id=stop.part.shop_id)
