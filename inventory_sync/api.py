"""POST /api/pos/stock/: a POS or a script sets absolute on-hand counts per SKU.

Auth: `Authorization: Bearer <push token>` (made on the shop's POS connection page).
Validation comes first: any bad item is a 400 with per-item errors and nothing applied.
A compare value (`expected`) that differs from the current on hand is a 409 listing the
conflicts, and nothing is applied. With `occurred_at`, counts older than what a SKU already
has are skipped (the answer lists them as stale). The idempotency key is kept per shop with
the answer; the same key again returns that answer without applying again (a different body: 422).
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .connections import connection_for_token
from .models import PosConnection, PushRequest
from .push import apply_push, unknown_skus

MAX_ITEMS = 1000


class PushTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        connection = connection_for_token(token)
        if connection is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        # No user: the caller is a POS, and request.auth is its shop's connection.
        return (None, connection)

    def authenticate_header(self, request):
        return f'{self.keyword} realm="pos"'  # makes DRF answer 401 rather than 403


class PushTokenScheme(OpenApiAuthenticationExtension):
    target_class = PushTokenAuthentication
    name = "posPushToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "The shop's push token."}


class HasShopConnection(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, PosConnection)


class PushItemSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)
    expected = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="Apply only if the current on hand is this; otherwise 409.",
    )


class PushSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(max_length=200)
    occurred_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the POS counted (ISO 8601 with zone). A SKU that already has a count"
        " at or after this time keeps it: a late push changes nothing (listed as stale).",
    )
    items = PushItemSerializer(many=True, allow_empty=False, max_length=MAX_ITEMS)


class PushResultSerializer(serializers.Serializer):
    applied = serializers.IntegerField(help_text="Records whose on hand changed.")
    unchanged = serializers.IntegerField()
    sync_log = serializers.IntegerField()
    stale = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="With occurred_at: SKUs left alone because a newer count was there.",
    )


class ConflictSerializer(serializers.Serializer):
    sku = serializers.CharField()
    expected = serializers.IntegerField()
    on_hand = serializers.IntegerField()


class PushConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = ConflictSerializer(many=True)


def request_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class PushStockView(APIView):
    authentication_classes = [PushTokenAuthentication]
    permission_classes = [HasShopConnection]

    @extend_schema(
        operation_id="pos_push_stock",
        summary="Set absolute on-hand quantities per SKU",
        description=__doc__,
        request=PushSerializer,
        responses={
            200: PushResultSerializer,
            400: OpenApiResponse(
                description="Invalid request; `items` maps the index of each bad item to"
                " its errors. Nothing was applied."
            ),
            401: OpenApiResponse(description="Missing or wrong push token."),
            409: PushConflictSerializer,
            422: OpenApiResponse(description="Idempotency key reused with a different body."),
        },
        examples=[
            OpenApiExample(
                "Two items, one with a compare value",
                value={
                    "idempotency_key": "till-3-2026-11-23T10:15:00",
                    "items": [
                        {"sku": "BOOK-1", "quantity": 12, "expected": 10},
                        {"sku": "BOOK-2", "quantity": 0},
                    ],
                },
                request_only=True,
            )
        ],
        tags=["pos"],
    )
    def post(self, request):
        connection = request.auth
        key = request.data.get("idempotency_key") if isinstance(request.data, dict) else None
        if isinstance(key, str) and (replay := self.replay(connection, key, request.data)):
            return replay
        serializer = PushSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(serializer.errors, status=400)
        data = serializer.validated_data
        if errors := unknown_skus(partner_id=connection.shop.partner_id, items=data["items"]):
            return Response({"items": errors}, status=400)
        try:
            with transaction.atomic():
                claim = PushRequest.objects.create(
                    shop=connection.shop,
                    key=data["idempotency_key"],
                    request_hash=request_hash(request.data),
                )
        except IntegrityError:  # a concurrent request with this key won; give its answer
            return self.replay(connection, data["idempotency_key"], request.data)
        result = apply_push(
            connection=connection, items=data["items"], occurred_at=data.get("occurred_at")
        )
        claim.status_code, claim.response = result.status, result.body
        claim.save(update_fields=["status_code", "response"])
        return Response(result.body, status=result.status)

    def replay(self, connection, key: str, data) -> Response | None:
        earlier = PushRequest.objects.filter(shop=connection.shop, key=key).first()
        if earlier is None:
            return None
        if earlier.request_hash != request_hash(data):
            return Response(
                {"detail": _("This idempotency key was used with a different request.")}, status=422
            )
        if not earlier.status_code:
            return Response({"detail": _("A request with this key is still running.")}, status=409)
        return Response(earlier.response, status=earlier.status_code)
