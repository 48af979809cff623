"""What every POS connector offers: its items (for matching), its counts, and optionally
an adjustment for units sold online."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import requests

from .addresses import PublicOnlyAdapter
from .values import ItemData


@dataclass(frozen=True, slots=True)
class Level:
    external_id: str
    quantity: int
    at: datetime | None  # when the POS last changed it; None: the POS does not say


class PosSession(requests.Session):
    """A session that knows which POS it calls: http.call checks each address for it."""

    pos_kind: str


def pos_session(kind: str) -> PosSession:
    """A session that calls only allowed POS addresses (see addresses.py): the URL is
    checked per call (http.call), the connected peer per connection (the adapter). No
    proxies from the environment: the peer must be the POS itself."""
    session = PosSession()
    session.trust_env = False
    adapter = PublicOnlyAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.pos_kind = kind
    return session


class Connector:
    accepts_adjustments = False
    # True: adjust() also takes occurred_at (the sale's time), for POS systems whose
    # idempotency compares the whole request, so a resend must carry the same time.
    adjustment_needs_time = False

    def __init__(self, connection):
        self.connection = connection
        self.settings = connection.settings
        self.secrets = connection.secrets
        self.session = pos_session(connection.kind)

    def items(self) -> Iterator[ItemData]:
        raise NotImplementedError

    def levels(self) -> Iterator[Level]:
        raise NotImplementedError

    def adjust(
        self,
        *,
        external_id: str,
        delta: int,
        idempotency_key: str,
        occurred_at: datetime | None = None,  # the sale's time: adjustment_needs_time
    ) -> None:
        raise NotImplementedError(f"{type(self).__name__} takes no adjustments")

    def base_url(self) -> str:
        return str(self.settings.get("base_url", "")).rstrip("/")

    def fetch(self) -> tuple[list[ItemData], list[Level]]:
        """Everything a poll needs; connectors whose items carry their counts override it."""
        return list(self.items()), list(self.levels())
