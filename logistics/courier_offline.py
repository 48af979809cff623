"""Stop actions that may arrive twice: the courier app queues them on the phone while offline
and sends them when the phone is back online, so a lost answer means the same action comes
again under the same key.

The phone makes a key per action (crypto.randomUUID in static/logistics/courier_app.js) and
sends it as the `action_key` field or the `Idempotency-Key` header. The first arrival inserts
its CourierAction row before acting, in the same transaction as the action: a second arrival
with that key waits on the unique index until the first one commits, then finds the row and
gets the first arrival's outcome, changing nothing. If the action raises anything but a
refusal, the row rolls back with it, so a retry acts afresh.

A request without a key (a plain form POST from a phone without JavaScript) acts as before.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Courier, CourierAction, RouteStop
from .part_states import TransitionRefused

KEY_FIELD = "action_key"
KEY_HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    replayed: bool = False


def action_key(request: HttpRequest) -> str:
    return (request.POST.get(KEY_FIELD) or request.headers.get(KEY_HEADER) or "").strip()


def perform_once(
    request: HttpRequest,
    *,
    courier: Courier,
    stop: RouteStop,
    action: str,
    perform: Callable[[], str],
) -> Outcome:
    """Runs `perform` (a stop action that returns its message for the courier, or raises
    TransitionRefused to refuse) at most once per action key. Must run inside a transaction
    (ATOMIC_REQUESTS). Safe to call again with the same key: the repeat gets the first
    outcome and changes nothing."""
    key = action_key(request)
    if not key:
        return outcome_of(perform)
    if not KEY_PATTERN.match(key):
        return Outcome(ok=False, message=_("This action's key is not valid; reload the route."))
    try:
        with transaction.atomic():
            record = CourierAction.objects.create(
                key=key, courier=courier, stop=stop, action=action
            )
            outcome = outcome_of(perform)
            record.ok, record.outcome = outcome.ok, outcome.message[:300]
            record.save(update_fields=["ok", "outcome"])
        return outcome
    except IntegrityError:
        return replay(key=key, courier=courier, stop=stop, action=action)


def outcome_of(perform: Callable[[], str]) -> Outcome:
    try:
        message = perform()
    except TransitionRefused as refused:
        return Outcome(ok=False, message=str(refused))
    return Outcome(ok=True, message=str(message))


def replay(*, key: str, courier: Courier, stop: RouteStop, action: str) -> Outcome:
    """The stored outcome of a key seen before. A key of another courier, stop or action is
    refused without saying what it was used for."""
    record = CourierAction.objects.filter(key=key).first()
    if record is None or (record.courier_id, record.stop_id, record.action) != (
        courier.pk,
        stop.pk,
        action,
    ):
        return Outcome(ok=False, message=_("This action's key was used before; reload the route."))
    return Outcome(ok=record.ok, message=record.outcome, replayed=True)


def wants_json(request: HttpRequest) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def answer(request: HttpRequest, outcome: Outcome, *, stop: RouteStop) -> HttpResponse:
    """JSON for the courier app's fetch (200 done, 409 refused), else back to the route.

    Either way the message waits, tagged with the stop, for the route page to show in the
    stop's card: the app reloads the route once the server has answered."""
    stop.refresh_from_db(fields=["status"])
    tag = f"stop-{stop.pk}"
    if not outcome.ok:
        messages.error(request, outcome.message, extra_tags=tag)
    elif outcome.replayed:
        messages.info(request, _("This action was already recorded."), extra_tags=tag)
    else:
        messages.success(request, outcome.message, extra_tags=tag)
    if wants_json(request):
        body = {
            "ok": outcome.ok,
            "message": outcome.message,
            "replayed": outcome.replayed,
            "stop": stop.pk,
            "stop_status": stop.status,
        }
        return JsonResponse(body, status=200 if outcome.ok else 409)
    return redirect(f"{reverse('courier:route')}#stop-{stop.pk}")
