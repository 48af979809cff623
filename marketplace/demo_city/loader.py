"""Writes a generated City into the database with bulk inserts, inserting only what is missing.

Each step runs in its own transaction and looks rows up by natural key (e-mail, slug, EAN,
SKU, order number), so an interrupted or repeated run finishes the city without duplicates.
"""

import math
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from oscar.core.loading import get_model

from localinfo.demo import seed_local_info
from logistics.models import (
    Courier,
    CourierShift,
    DeliverySettings,
    DeliverySlot,
    DeliveryZone,
    Hub,
    PostcodeArea,
)
from marketplace.commission.models import CommissionPlan
from marketplace.oscar_apps.partner.strategy import split_vat
from marketplace.reports.services import rebuild_sales_rollups
from shops.models import OpeningHours, OpeningHoursException, Shop, ShopStatus

from . import vocabulary as words
from .generator import City, OrderSpec
from .history import OrderHistory, write_stock_sync
from .money_history import shops_to_pay, write_money
from .photos import add_product_photos, add_shop_photos
from .today import add_today

User = get_user_model()
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
Order = get_model("order", "Order")
Line = get_model("order", "Line")

BATCH = 2_000
ORDER_CHUNK = 5_000
DELIVERY_FEE = Decimal("3.95")
DELIVERY_VAT_RATE = Decimal("21.00")
ORDER_STATUS = "Complete"

Progress = Callable[[str, int], Callable[[int], None]]


def chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


class CityLoader:
    """Loads `city` step by step; `progress(label, total)` returns a per-step advance()."""

    def __init__(self, city: City, *, password: str, demo_logins: dict, progress: Progress):
        self.city = city
        self.demo_logins = demo_logins
        self.password_hash = make_password(password)
        self.progress = progress

    def load(self) -> None:
        for step in (
            self.load_platform,
            self.load_users,
            self.load_shops,
            self.load_catalogue,
            self.load_photos,
            self.load_logistics,
            self.load_local_info,
        ):
            with transaction.atomic():
                step()
        # Orders commit chunk by chunk, so an interrupted large run resumes where it stopped.
        self.load_orders()
        with transaction.atomic():
            self.history.book_slots()
            write_stock_sync(seed=self.city.seed, shop_ids=self.shop_ids, now=timezone.now())
        if connection.vendor == "postgresql":
            # Fresh bulk-loaded tables have no planner statistics: without them a search
            # on the large city picks nested loops and runs for minutes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        write_money(
            shop_ids=shops_to_pay(self.shop_ids, self.city.size),
            today=self.city.today,
            progress=self.progress,
        )
        add_today(city=self.city, logins=self.demo_logins)
        rebuild_sales_rollups()

    def load_local_info(self) -> None:
        """Places, events and news of the what's-on page (localinfo/demo.py)."""
        seed_local_info(today=self.city.today, centre=self.city.centre, town=settings.TOWN_NAME)

    # --- platform -------------------------------------------------------------------
    def load_platform(self) -> None:
        CommissionPlan.objects.get_or_create(
            is_default=True, defaults={"name": "Standaard", "percentage": Decimal("5.00")}
        )
        root = {}
        for kind, (_prefix, top, subcategories, _vat, _prices) in words.KINDS.items():
            root[kind] = Category.objects.filter(depth=1, name=top).first() or Category.add_root(
                name=top
            )
            children = Category.objects.filter(depth=2, path__startswith=root[kind].path)
            existing = set(children.values_list("name", flat=True))
            for name in subcategories:
                if name not in existing:
                    root[kind].add_child(name=name)
            ProductClass.objects.get_or_create(
                name=top, defaults={"track_stock": True, "requires_shipping": True}
            )

    # --- people ---------------------------------------------------------------------
    def load_users(self) -> None:
        logins = self.demo_logins
        # The demo consumer is customer 0, so their account has an order history.
        self.customer_emails = [p.email for p in self.city.customers]
        self.customer_emails[0] = logins["consumer"]
        people = [
            (email, p.first_name, p.last_name, False)
            for email, p in zip(self.customer_emails, self.city.customers, strict=True)
        ]
        people += [
            (c.person.email, c.person.first_name, c.person.last_name, False)
            for c in self.city.couriers
        ]
        people += [(s.owner_email, "Eigenaar", s.name, False) for s in self.city.shops]
        people += [
            (email, role.title(), "Demo", role == "management") for role, email in logins.items()
        ]
        usable = set(logins.values())
        existing = set(User.objects.values_list("username", flat=True))
        advance = self.progress("users", len(people))
        new_users = []
        for email, first_name, last_name, staff in people:
            advance(1)
            if email in existing:
                continue
            existing.add(email)
            new_users.append(
                User(
                    username=email,
                    email=email,
                    first_name=first_name,
                    last_name=last_name[:150],
                    is_staff=staff,
                    is_superuser=staff,
                    password=self.password_hash if email in usable else "!unusable",
                )
            )
        User.objects.bulk_create(new_users, batch_size=BATCH)
        self.user_ids = dict(User.objects.values_list("username", "id"))

    # --- shops ----------------------------------------------------------------------
    def load_shops(self) -> None:
        shops = self.city.shops
        Partner.objects.bulk_create(
            [Partner(code=s.slug, name=s.name) for s in shops],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        partner_ids = dict(Partner.objects.values_list("code", "id"))
        Shop.objects.bulk_create(
            [self.shop_row(s, partner_ids[s.slug]) for s in shops],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        shop_ids = dict(Shop.objects.values_list("slug", "id"))
        self.partner_ids = [partner_ids[s.slug] for s in shops]
        self.shop_ids = [shop_ids[s.slug] for s in shops]
        owners = [s.owner_email for s in shops]
        # The two demo owners run the first two shops (a bookshop and a fashion shop).
        owners[0], owners[1] = self.demo_logins["shop owner 1"], self.demo_logins["shop owner 2"]
        Membership = Partner.users.through
        Membership.objects.bulk_create(
            [
                Membership(partner_id=p, user_id=self.user_ids[e])
                for p, e in zip(self.partner_ids, owners, strict=True)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        OpeningHours.objects.bulk_create(
            [
                OpeningHours(shop_id=shop_id, weekday=day, opens=opens, closes=closes)
                for shop_id, s in zip(self.shop_ids, shops, strict=True)
                for day, opens, closes in s.hours
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        OpeningHoursException.objects.bulk_create(
            [
                OpeningHoursException(shop_id=shop_id, date=day, closed=True, reason=reason)
                for shop_id, s in zip(self.shop_ids, shops, strict=True)
                for day, reason in s.closed_dates
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    def shop_row(self, spec, partner_id: int) -> Shop:
        return Shop(
            partner_id=partner_id,
            slug=spec.slug,
            kind=spec.kind,
            status=ShopStatus.ACTIVE,
            legal_name=spec.legal_name,
            chamber_of_commerce_number=spec.chamber_of_commerce_number,
            vat_number=spec.vat_number,
            street=spec.street,
            postcode=spec.postcode,
            city=settings.TOWN_NAME,
            latitude=spec.latitude,
            longitude=spec.longitude,
            email=spec.owner_email,
            pickup_instructions=spec.pickup_instructions,
            description=f"{spec.name}: een zelfstandige winkel in de binnenstad.",
        )

    # --- catalogue ------------------------------------------------------------------
    def load_catalogue(self) -> None:
        products = self.city.products
        class_ids = dict(ProductClass.objects.values_list("name", "id"))
        top_names = dict(Category.objects.filter(depth=1).values_list("path", "name"))
        category_ids = {
            (top_names[c.path[: Category.steplen]], c.name): c.id
            for c in Category.objects.filter(depth=2)
        }
        advance = self.progress("products", len(products))
        for batch in chunks(products, BATCH):
            Product.objects.bulk_create(
                [
                    Product(
                        upc=p.upc,
                        title=p.title,
                        slug=slug_for(p.title),
                        description=p.description,
                        product_class_id=class_ids[words.KINDS[p.kind][1]],
                        structure="standalone",
                    )
                    for p in batch
                ],
                ignore_conflicts=True,
            )
            advance(len(batch))
        self.product_ids = dict(Product.objects.values_list("upc", "id"))
        ProductCategory.objects.bulk_create(
            [
                ProductCategory(
                    product_id=self.product_ids[p.upc],
                    category_id=category_ids[(words.KINDS[p.kind][1], p.category)],
                )
                for p in products
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        advance = self.progress("stock records", len(products))
        for batch in chunks(products, BATCH):
            StockRecord.objects.bulk_create(
                [
                    StockRecord(
                        product_id=self.product_ids[p.upc],
                        partner_sku=o.sku,
                        partner_id=self.partner_ids[o.shop_index],
                        price=o.price,
                        price_currency="EUR",
                        vat_rate=o.vat_rate,
                        num_in_stock=o.num_in_stock,
                        num_allocated=0,
                        low_stock_threshold=2,
                    )
                    for p in batch
                    for o in p.offers
                ],
                ignore_conflicts=True,
            )
            advance(len(batch))
        self.stockrecord_ids = dict(StockRecord.objects.values_list("partner_sku", "id"))

    def load_photos(self) -> None:
        add_product_photos(self.city, self.product_ids)
        add_shop_photos(self.city, self.shop_ids)

    # --- logistics ------------------------------------------------------------------
    def load_logistics(self) -> None:
        lat, lon = (Decimal(f"{x:.6f}") for x in self.city.centre)
        Hub.objects.get_or_create(
            name=f"Hub {settings.TOWN_NAME}",
            defaults={
                "street": "Brink 1",
                "postcode": "7411 BR",
                "city": settings.TOWN_NAME,
                "latitude": lat,
                "longitude": lon,
                "opens": "08:00",
                "closes": "20:00",
            },
        )
        zone, _ = DeliveryZone.objects.get_or_create(
            name=f"Bezorggebied {settings.TOWN_NAME}",
            defaults={"centre_latitude": lat, "centre_longitude": lon, "radius_metres": 3000},
        )
        self.load_postcodes(zone)
        DeliverySettings.current()
        self.load_couriers()
        self.load_slots(zone)

    def load_postcodes(self, zone: DeliveryZone) -> None:
        """The centre's postcode areas 7411-7418, with centroids on a ring around the centre."""
        lat, lon = self.city.centre
        areas = []
        for index in range(8):
            bearing = index * math.pi / 4
            areas.append(
                PostcodeArea(
                    zone=zone,
                    pc4=f"741{index + 1}",
                    latitude=Decimal(f"{lat + 0.008 * math.cos(bearing):.6f}"),
                    longitude=Decimal(f"{lon + 0.012 * math.sin(bearing):.6f}"),
                )
            )
        PostcodeArea.objects.bulk_create(areas, ignore_conflicts=True)

    def load_couriers(self) -> None:
        couriers = self.city.couriers
        emails = [c.person.email for c in couriers]
        emails[0] = self.demo_logins["courier"]
        Courier.objects.bulk_create(
            [
                Courier(
                    user_id=self.user_ids[email],
                    vehicle=c.vehicle,
                    capacity_parts=c.capacity_parts,
                    capacity_litres=c.capacity_litres,
                )
                for email, c in zip(emails, couriers, strict=True)
            ],
            ignore_conflicts=True,
        )
        courier_ids = dict(Courier.objects.values_list("user__username", "id"))
        CourierShift.objects.bulk_create(
            [
                CourierShift(
                    courier_id=courier_ids[email],
                    weekday=day,
                    starts=c.shift_starts,
                    ends=c.shift_ends,
                )
                for email, c in zip(emails, couriers, strict=True)
                for day in range(6)
            ],
            ignore_conflicts=True,
        )

    def load_slots(self, zone: DeliveryZone) -> None:
        capacity = max(10, self.city.size.couriers * 2)
        slots = []
        for offset in range(7):
            day = self.city.today + timedelta(days=offset)
            for hour in (10, 12, 14, 16, 18):
                start = aware(datetime(day.year, day.month, day.day, hour))
                slots.append(
                    DeliverySlot(
                        zone=zone,
                        date=day,
                        starts=start.time(),
                        ends=start.time().replace(hour=hour + 2),
                        capacity=capacity,
                        cutoff=start - timedelta(hours=2),
                    )
                )
        DeliverySlot.objects.bulk_create(slots, ignore_conflicts=True)

    # --- orders ---------------------------------------------------------------------
    def load_orders(self) -> None:
        self.history = OrderHistory(
            seed=self.city.seed,
            shop_of_partner=dict(zip(self.partner_ids, self.shop_ids, strict=True)),
            today=self.city.today,
        )
        advance = self.progress("order lines", self.city.size.order_lines)
        for batch in chunks(self.city.orders(), ORDER_CHUNK):
            with transaction.atomic():
                self.load_order_chunk(batch)
            advance(sum(len(order.lines) for order in batch))

    def load_order_chunk(self, batch: list[OrderSpec]) -> None:
        numbers = [order.number for order in batch]
        existing = set(Order.objects.filter(number__in=numbers).values_list("number", flat=True))
        missing = [order for order in batch if order.number not in existing]
        if not missing:
            return
        rows = [self.order_row(order) for order in missing]
        Order.objects.bulk_create([order for order, _lines in rows], batch_size=BATCH)
        ids = dict(
            Order.objects.filter(number__in=[o.number for o in missing]).values_list("number", "id")
        )
        lines = []
        for order, order_lines in rows:
            order.pk = ids[order.number]
            for line in order_lines:
                line.order_id = order.pk
                lines.append(line)
        Line.objects.bulk_create(lines, batch_size=BATCH)
        written = [
            (spec, order, order_lines)
            for spec, (order, order_lines) in zip(missing, rows, strict=True)
        ]
        self.history.write(written)
        self.history.write_searches(written)

    def order_row(self, spec: OrderSpec) -> tuple:
        lines = [self.line_row(line) for line in spec.lines]
        shipping_incl = DELIVERY_FEE if spec.delivery else Decimal("0.00")
        shipping_excl, _vat = split_vat(shipping_incl, DELIVERY_VAT_RATE)
        customer_email = self.customer_emails[spec.customer_index]
        order = Order(
            number=spec.number,
            site_id=settings.SITE_ID,
            user_id=self.user_ids[customer_email],
            currency="EUR",
            status=ORDER_STATUS,
            date_placed=aware(spec.placed_at),
            total_incl_tax=sum((line.line_price_incl_tax for line in lines), shipping_incl),
            total_excl_tax=sum((line.line_price_excl_tax for line in lines), shipping_excl),
            shipping_incl_tax=shipping_incl,
            shipping_excl_tax=shipping_excl,
            shipping_method="Bezorgen" if spec.delivery else "Ophalen in de winkel",
            shipping_code="local-delivery" if spec.delivery else "collect",
        )
        return order, lines

    def line_row(self, spec) -> "Line":
        product = self.city.products[spec.product_index]
        offer = product.offers[spec.offer_index]
        shop = self.city.shops[offer.shop_index]
        line_incl = offer.price * spec.quantity
        line_excl, _vat = split_vat(line_incl, offer.vat_rate)
        unit_excl, _vat = split_vat(offer.price, offer.vat_rate)
        return Line(
            partner_id=self.partner_ids[offer.shop_index],
            partner_name=shop.name,
            partner_sku=offer.sku,
            stockrecord_id=self.stockrecord_ids[offer.sku],
            product_id=self.product_ids[product.upc],
            title=product.title,
            upc=product.upc,
            quantity=spec.quantity,
            num_allocated=spec.quantity,
            line_price_incl_tax=line_incl,
            line_price_excl_tax=line_excl,
            line_price_before_discounts_incl_tax=line_incl,
            line_price_before_discounts_excl_tax=line_excl,
            unit_price_incl_tax=offer.price,
            unit_price_excl_tax=unit_excl,
            tax_code=f"NL-{offer.vat_rate.normalize()}",
            status=ORDER_STATUS,
        )


def slug_for(title: str) -> str:
    from django.utils.text import slugify

    return slugify(title)[:255]
