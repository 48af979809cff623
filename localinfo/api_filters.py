"""The query parameters of the public API, validated: a bad one is a 400 naming it."""

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from logistics.travel_times import Location, haversine_metres

MAX_RADIUS_METRES = 50_000
MAX_DAYS = 366
DEFAULT_DAYS = 31


class NearFilter(serializers.Serializer):
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    radius = serializers.IntegerField(required=False, min_value=1, max_value=MAX_RADIUS_METRES)

    def validate(self, data):
        given = [name for name in ("lat", "lon", "radius") if name in data]
        if given and len(given) != 3:
            raise serializers.ValidationError(
                _("Near a point needs lat, lon and radius (metres) together.")
            )
        return data


class PlaceFilter(NearFilter):
    kind = serializers.CharField(required=False, max_length=20)
    open_now = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds

    def validate_kind(self, value):
        if value not in self.kinds:
            raise serializers.ValidationError(
                _("Unknown kind; one of: %(kinds)s.") % {"kinds": ", ".join(self.kinds)}
            )
        return value


class DateRangeFilter(serializers.Serializer):
    category = serializers.SlugField(required=False)
    # "from" is a Python keyword: the field is declared below under that name.
    to = serializers.DateField(required=False)

    def validate(self, data):
        first = data.get("from")
        last = data.get("to")
        if first and last and last < first:
            raise serializers.ValidationError({"to": _("The end date is before the start date.")})
        if first and last and (last - first).days > MAX_DAYS:
            raise serializers.ValidationError(
                {"to": _("At most %(days)s days at once.") % {"days": MAX_DAYS}}
            )
        return data

    def window(self, today: date, *, default_days: int = DEFAULT_DAYS) -> tuple[date, date]:
        first = self.validated_data.get("from") or today
        last = self.validated_data.get("to") or first + timedelta(days=default_days - 1)
        return first, last


DateRangeFilter._declared_fields["from"] = serializers.DateField(required=False)


class AvailabilityFilter(serializers.Serializer):
    ean = serializers.RegexField(r"^\d{8,14}$", required=False)
    q = serializers.CharField(required=False, min_length=2, max_length=100, trim_whitespace=True)
    open_now = serializers.BooleanField(required=False, default=False)
    pickup_today = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if not data.get("ean") and not data.get("q"):
            raise serializers.ValidationError(_("Give an EAN (ean=) or words to search (q=)."))
        return data


def is_near(thing, near: dict) -> bool:
    if "radius" not in near:
        return True
    here = Location(latitude=near["lat"], longitude=near["lon"])
    there = Location(latitude=float(thing.latitude), longitude=float(thing.longitude))
    return haversine_metres(here, there) <= near["radius"]


def parameter(name, kind, description, **extra) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, **extra)


NEAR_PARAMETERS = [
    parameter("lat", OpenApiTypes.DOUBLE, "Latitude of the point (with lon and radius)."),
    parameter("lon", OpenApiTypes.DOUBLE, "Longitude of the point."),
    parameter("radius", OpenApiTypes.INT, "Metres around the point (at most 50,000)."),
    parameter("open_now", OpenApiTypes.BOOL, "Only those open at this moment."),
]
DATE_PARAMETERS = [
    parameter("from", OpenApiTypes.DATE, "First day (default today)."),
    parameter("to", OpenApiTypes.DATE, "Last day (default 30 days after the first)."),
    parameter("category", OpenApiTypes.STR, "A category's slug."),
]
PARTNER_PARAMETER = parameter(
    "partner", OpenApiTypes.STR, "Your partner key, if you have one (counts your use)."
)
