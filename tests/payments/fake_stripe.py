"""A local stand-in for api.stripe.com: the real stripe library talks HTTP to it.

It answers the endpoints the project uses with Stripe's JSON shapes, keeps Stripe's
idempotency (a repeated key gets the first answer back, marked Idempotent-Replayed), records
every request with its Idempotency-Key header and form body, and can be told to answer the
next call to a path with a 500, or to hang past the client's timeout (the call is carried
out but its answer comes too late, as when a network drops a response).
"""

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class Recorded:
    method: str
    path: str
    form: dict
    idempotency_key: str | None
    replayed: bool = False
    status: int = 200


@dataclass
class FakeStripe:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    objects: dict = field(default_factory=dict)
    _answers: dict = field(default_factory=dict)
    _faults: dict = field(default_factory=lambda: defaultdict(deque))
    _counter: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, path: str, *, status: int = 500) -> None:
        self._faults[path].append(("fail", status))

    def hang_next(self, path: str, *, seconds: float = 3.0) -> None:
        self._faults[path].append(("hang", seconds))

    def calls(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]

    def created(self, prefix: str) -> list[dict]:
        """Objects really created (replays and failures create nothing)."""
        return [obj for key, obj in self.objects.items() if key.startswith(prefix)]

    def next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}_test_{self._counter:04d}"

    def handle(self, method: str, path: str, form: dict, key: str | None):
        """Returns (status, body, replayed, delay)."""
        fault = self._faults[path].popleft() if self._faults[path] else None
        if fault and fault[0] == "fail":
            body = {"error": {"type": "api_error", "message": "Something went wrong on Stripe"}}
            return fault[1], body, False, 0
        with self._lock:
            if key and key in self._answers:
                return 200, self._answers[key], True, 0
            body = self.create(path, form)
            if key:
                self._answers[key] = body
        delay = fault[1] if fault else 0
        return 200, body, False, delay

    def create(self, path: str, form: dict) -> dict:
        parts = path.strip("/").split("/")
        if parts[1:] == ["checkout", "sessions"]:
            return self.store(checkout_session(self.next_id("cs"), form))
        if parts[1:] == ["refunds"]:
            return self.store(refund(self.next_id("re"), form))
        if parts[1:] == ["transfers"]:
            return self.store(transfer(self.next_id("tr"), form))
        if len(parts) == 4 and parts[1] == "transfers" and parts[3] == "reversals":
            return self.store(reversal(self.next_id("trr"), parts[2], form))
        if parts[1:] == ["accounts"]:
            return self.store(account(self.next_id("acct"), form))
        if parts[1:] == ["account_links"]:
            return account_link(self.next_id("link"), form)
        raise LookupError(path)

    def store(self, obj: dict) -> dict:
        self.objects[obj["id"]] = obj
        return obj

    def pay(self, intent_id: str, *, amount: int, method: str, fee: int | None) -> dict:
        """A paid payment intent, its charge and (when `fee` is given) the charge's balance
        transaction: what Stripe holds after a consumer paid with `method`."""
        number = intent_id.rsplit("_", 1)[-1]
        booked = None
        if fee is not None:
            booked = self.store(
                {"id": f"txn_{number}", "object": "balance_transaction", "amount": amount,
                 "fee": fee, "net": amount - fee, "currency": "eur", "type": "charge"}
            )  # fmt: skip
        charge = self.store(
            {"id": f"ch_{number}", "object": "charge", "amount": amount, "paid": True,
             "payment_intent": intent_id, "balance_transaction": booked and booked["id"],
             "payment_method_details": {"type": method, method: {}}}
        )  # fmt: skip
        return self.store(
            {"id": intent_id, "object": "payment_intent", "amount": amount, "status": "succeeded",
             "latest_charge": charge["id"], "payment_method_types": [method]}
        )  # fmt: skip

    def book_fee(self, charge_id: str, fee: int) -> None:
        """Stripe books a charge's balance transaction a little after the charge."""
        charge = self.objects[charge_id]
        booked = self.store(
            {"id": f"txn_{charge_id}", "object": "balance_transaction", "amount": charge["amount"],
             "fee": fee, "net": charge["amount"] - fee, "currency": "eur", "type": "charge"}
        )  # fmt: skip
        charge["balance_transaction"] = booked["id"]

    def retrieve(self, path: str, query: dict) -> tuple[int, dict]:
        """GET /v1/<kind>/<id>, expanding the dotted paths asked for with expand[]."""
        parts = path.split("?")[0].strip("/").split("/")
        obj = self.objects.get(parts[-1]) if len(parts) == 3 else None
        if obj is None:
            message = f"No such object: '{parts[-1]}'"
            return 404, {"error": {"type": "invalid_request_error", "message": message}}
        obj = json.loads(json.dumps(obj))
        for expand in list_of(query, "expand"):
            self.expand(obj, expand.split("."))
        return 200, obj

    def expand(self, obj: dict, names: list[str]) -> None:
        value = obj.get(names[0])
        if isinstance(value, str) and value in self.objects:
            value = obj[names[0]] = json.loads(json.dumps(self.objects[value]))
        if isinstance(value, dict) and len(names) > 1:
            self.expand(value, names[1:])


def list_of(form: dict, name: str) -> list:
    """A form-encoded list (name[0]=a&name[1]=b) as the library sends it."""
    items = [(key, value) for key, value in form.items() if key.startswith(f"{name}[")]
    return [
        value for _key, value in sorted(items, key=lambda item: int(item[0][len(name) + 1 : -1]))
    ]


def metadata_of(form: dict, prefix: str = "") -> dict:
    start = f"{prefix}metadata["
    return {key[len(start) : -1]: value for key, value in form.items() if key.startswith(start)}


def checkout_session(session_id: str, form: dict) -> dict:
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": form.get("mode"),
        "url": f"https://checkout.stripe.test/c/pay/{session_id}",
        "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
        "currency": form["line_items[0][price_data][currency]"],
        "client_reference_id": form.get("client_reference_id"),
        "metadata": metadata_of(form),
        "payment_intent": None,
        "payment_method_types": list_of(form, "payment_method_types"),
        "payment_status": "unpaid",
        "status": "open",
    }


def refund(refund_id: str, form: dict) -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": int(form["amount"]),
        "currency": "eur",
        "payment_intent": form.get("payment_intent"),
        "metadata": metadata_of(form),
        "status": "succeeded",
    }


def transfer(transfer_id: str, form: dict) -> dict:
    return {
        "id": transfer_id,
        "object": "transfer",
        "amount": int(form["amount"]),
        "amount_reversed": 0,
        "currency": form["currency"],
        "destination": form["destination"],
        "transfer_group": form.get("transfer_group"),
        "source_transaction": form.get("source_transaction"),
        "metadata": metadata_of(form),
        "reversed": False,
    }


def reversal(reversal_id: str, transfer_id: str, form: dict) -> dict:
    return {
        "id": reversal_id,
        "object": "transfer_reversal",
        "amount": int(form["amount"]),
        "currency": "eur",
        "transfer": transfer_id,
        "metadata": metadata_of(form),
    }


def account(account_id: str, form: dict) -> dict:
    return {
        "id": account_id,
        "object": "account",
        "type": form.get("type"),
        "country": form.get("country"),
        "email": form.get("email"),
        "metadata": metadata_of(form),
        "charges_enabled": False,
        "payouts_enabled": False,
        "details_submitted": False,
        "capabilities": {"transfers": "inactive"},
    }


def account_link(link_id: str, form: dict) -> dict:
    return {
        "object": "account_link",
        "created": int(time.time()),
        "expires_at": int(time.time()) + 300,
        "url": f"https://connect.stripe.test/setup/e/{form['account']}/{link_id}",
    }


def handler_for(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            key = self.headers.get("Idempotency-Key")
            status, body, replayed, delay = fake.handle("POST", self.path, form, key)
            fake.requests.append(Recorded("POST", self.path, form, key, replayed, status))
            if delay:
                time.sleep(delay)
            self.answer(status, body, replayed)

        def do_GET(self):
            query = dict(parse_qsl(self.path.partition("?")[2], keep_blank_values=True))
            path = self.path.partition("?")[0]
            status, body = fake.retrieve(path, query)
            fake.requests.append(Recorded("GET", path, query, None, False, status))
            self.answer(status, body, False)

        def answer(self, status: int, body: dict, replayed: bool) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_fake")
                if replayed:
                    self.send_header("Idempotent-Replayed", "true")
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, format, *args):
            pass

    return Handler


class FakeStripeServer:
    """Serves a FakeStripe on 127.0.0.1 on a free port, in a thread."""

    def __init__(self):
        self.fake = FakeStripe()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self.fake))
        self.server.daemon_threads = True
        self.fake.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeStripe:
        self.thread.start()
        return self.fake

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
