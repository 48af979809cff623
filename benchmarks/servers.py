"""A gunicorn server of this project on the benchmark's database, for benchmarks that
measure over loopback."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def start_gunicorn(
    *, port: int, settings_module: str, threads: int, env: dict | None = None
) -> subprocess.Popen:
    """Starts 2 gthread workers (one per core) on 127.0.0.1:`port` and waits until it
    accepts connections. The caller stops it."""
    db = connection.settings_dict
    server_env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": settings_module,
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments)
        [sys.executable, "-m", "gunicorn", "marketplace.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", "2", "-k", "gthread", "--threads", str(threads), "--log-level", "warning"],
        cwd=ROOT, env=server_env,
    )  # fmt: skip
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"the {settings_module} server did not start")
