"""The shapes of the public API's answers (they also make its OpenAPI schema)."""

from rest_framework import serializers


class AddressSerializer(serializers.Serializer):
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 is Monday, 6 is Sunday.")
    opens = serializers.CharField(help_text="HH:MM, the town's local time.")
    closes = serializers.CharField()


class ExceptionSerializer(serializers.Serializer):
    date = serializers.DateField()
    closed = serializers.BooleanField()
    opens = serializers.CharField(allow_null=True)
    closes = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class PhotoSerializer(serializers.Serializer):
    url = serializers.URLField()
    alt = serializers.CharField()


class LocatedSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(help_text="In the language asked for (Accept-Language).")
    address = AddressSerializer()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    website = serializers.CharField(allow_blank=True)
    open_now = serializers.BooleanField()
    opening_hours = PeriodSerializer(many=True)
    exceptions = ExceptionSerializer(many=True, help_text="The next 30 days.")


class ShopSerializer(LocatedSerializer):
    phone = serializers.CharField(allow_blank=True)
    url = serializers.URLField(help_text="The shop's page on the marketplace.")
    photos = PhotoSerializer(many=True)
    brands = serializers.ListField(child=serializers.CharField())


class PlaceSerializer(LocatedSerializer):
    description = serializers.CharField(allow_blank=True)
    tariffs = serializers.CharField(allow_blank=True)
    capacity = serializers.IntegerField(allow_null=True)
    always_open = serializers.BooleanField()


class WhereSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["shop", "place", "address"])
    name = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    url = serializers.CharField(allow_blank=True)


class PublicationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    text = serializers.CharField(help_text="HTML, cleaned to simple formatting and links.")
    category = serializers.SlugField(allow_null=True)
    category_name = serializers.CharField(allow_null=True)
    image = serializers.URLField(allow_null=True)
    image_alt = serializers.CharField(allow_blank=True)
    link = serializers.CharField(allow_blank=True)
    url = serializers.URLField()
    written_by = serializers.CharField()


class EventSerializer(PublicationSerializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    recurrence = serializers.ChoiceField(
        choices=["DAILY", "WEEKLY", "MONTHLY"], allow_null=True, help_text="iCalendar FREQ."
    )
    repeat_until = serializers.DateField(allow_null=True)
    place = WhereSerializer()


class NewsSerializer(PublicationSerializer):
    published_at = serializers.DateTimeField()


class OfferSerializer(serializers.Serializer):
    shop = serializers.SlugField()
    shop_name = serializers.CharField()
    shop_url = serializers.URLField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Incl. VAT.")
    currency = serializers.CharField()
    in_stock = serializers.IntegerField(
        allow_null=True, help_text="Units for sale now; null when to be confirmed."
    )
    to_be_confirmed = serializers.BooleanField(
        help_text="The shop's stock feed is late: ask the shop."
    )
    open_now = serializers.BooleanField()
    pickup_today_from = serializers.TimeField(allow_null=True, format="%H:%M")


class AvailabilitySerializer(serializers.Serializer):
    ean = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    url = serializers.URLField()
    offers = OfferSerializer(many=True)
