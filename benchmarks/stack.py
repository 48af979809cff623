"""The production-like stack on loopback: gunicorn processes of this project behind the
project's own nginx config (deploy/nginx/templates/default.conf.template), for tests and
benchmarks that go through the proxy as a browser would.

    from benchmarks.stack import collect_static, start_stack

    env = {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DJANGO_SECRET_KEY": "...", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": "postgres://...", "REDIS_URL": "redis://...",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # or send X-Forwarded-Proto: https
    }
    with start_stack(env=env, web_processes=2) as stack:
        httpx.get(stack.url + "/")           # through nginx
        stack.upstream_counts()              # requests per gunicorn, from nginx's log

Needs no Django set-up in the calling process (only the environment it passes on).
Production settings need collected static files: start_stack runs collectstatic into
its own directory unless `static_root` names one already collected. Media go to an
S3-compatible server when `media` is given (its address and bucket; the gunicorns need
the AWS_* variables in `env` for uploads). nginx is Debian's (`NGINX`), run as the
current user with everything (pid, logs, temp files) in the stack's own directory.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "default.conf.template"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
MIME_TYPES = Path("/etc/nginx/mime.types")
START_TIMEOUT_SECONDS = 90


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_template(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """Fills the template's ${NAME} placeholders as the nginx image's envsubst does;
    nginx's own $variables are left alone. Every placeholder must be given."""
    text = template.read_text()
    missing = sorted(set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", text)) - set(values))
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)\}", lambda m: values[m.group(1)], text)


def collect_static(static_root: Path, env: dict[str, str]) -> None:
    """`manage.py collectstatic` into `static_root` with the given settings."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env, "STATIC_ROOT": str(static_root)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{result.stderr[-4000:]}")


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT_SECONDS} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else ""


def nginx_main_config(directory: Path, server_config: Path) -> str:
    """A whole nginx.conf around the project's server config, everything in `directory`."""
    lines = [
        "daemon off;",
        "worker_processes 1;",
        f"pid {directory / 'nginx.pid'};",
        f"error_log {directory / 'nginx-error.log'} warn;",
        "events { worker_connections 1024; }",
        "http {",
        f"    include {MIME_TYPES};" if MIME_TYPES.exists() else "",
        "    default_type application/octet-stream;",
        "    sendfile on;",
        "    keepalive_timeout 65;",
        *(
            f"    {kind}_temp_path {directory / ('tmp-' + kind)};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
        f"    include {server_config};",
        "}",
    ]
    if os.geteuid() == 0:
        # As root, nginx would run its workers as nobody, who cannot read this directory.
        lines.insert(0, "user root;")
    return "\n".join(line for line in lines if line) + "\n"


@dataclass
class Stack:
    """A running stack; `url` is nginx's. Stop it with stop() or a with-block."""

    url: str
    web_urls: list[str]
    directory: Path
    access_log: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    _tempdir: tempfile.TemporaryDirectory | None = None

    def upstream_counts(self) -> Counter:
        """Requests nginx sent to each gunicorn ("127.0.0.1:port"), from its access log."""
        counts: Counter = Counter()
        if self.access_log.exists():
            for line in self.access_log.read_text().splitlines():
                for address in re.findall(r'"upstream":"([^"]*)"', line):
                    counts.update(part.strip() for part in address.split(",") if part.strip())
        return counts

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                # TERM: fast shutdown for nginx, graceful for gunicorn.
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_stack(
    *,
    env: dict[str, str],
    web_processes: int = 2,
    workers: int = 1,
    threads: int = 4,
    worker_class: str = "gthread",
    static_root: Path | None = None,
    media: tuple[str, str] | None = None,
    directory: Path | None = None,
) -> Stack:
    """Starts `web_processes` gunicorn masters (each `workers` gthread workers with
    `threads` threads) on free loopback ports with `env` over this process's environment,
    and nginx with the project's config in front of them on another free port.

    `media` is ("host:port", bucket) of an S3-compatible server that /media/ reads from.
    Returns when nginx and every gunicorn answer /healthz. `directory` (default: a new
    temporary one, removed on stop) holds the logs, nginx's files and collected static.
    """
    tempdir = None
    if directory is None:
        tempdir = tempfile.TemporaryDirectory(prefix="stadsmarkt-stack-")
        directory = Path(tempdir.name)
    directory.mkdir(parents=True, exist_ok=True)
    if static_root is None:
        static_root = directory / "static"
        collect_static(static_root, env)
    server_env = {**os.environ, **env, "STATIC_ROOT": str(static_root)}
    stack = Stack(
        url="",
        web_urls=[],
        directory=directory,
        access_log=directory / "nginx-access.log",
        _tempdir=tempdir,
    )
    try:
        for index in range(web_processes):
            port = free_port()
            log = directory / f"gunicorn-{index}.log"
            with log.open("w") as log_file:
                process = subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
                    [sys.executable, "-m", "gunicorn", "marketplace.wsgi",
                     "-c", "python:marketplace.observability.gunicorn_conf",
                     "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                     "--worker-class", worker_class, "--threads", str(threads),
                     "--timeout", "60", "--graceful-timeout", "5"],
                    cwd=ROOT, env=server_env, stdout=log_file, stderr=subprocess.STDOUT,
                )  # fmt: skip
            stack.processes.append(process)
            stack.web_urls.append(f"http://127.0.0.1:{port}")
        for url, process, index in zip(
            stack.web_urls, stack.processes, range(web_processes), strict=True
        ):
            _wait_for(f"{url}/healthz", process, directory / f"gunicorn-{index}.log")

        media_servers = f"server {media[0]};" if media else "server 127.0.0.1:9 down;"
        nginx_port = free_port()
        server_config = directory / "stadsmarkt.conf"
        server_config.write_text(
            render_template(
                {
                    "NGINX_LISTEN": f"127.0.0.1:{nginx_port}",
                    "NGINX_RESOLVER": "127.0.0.1",  # unused: every upstream is an address
                    "NGINX_WEB_SERVERS": " ".join(
                        f"server {url.removeprefix('http://')};" for url in stack.web_urls
                    ),
                    "NGINX_MEDIA_SERVERS": media_servers,
                    "NGINX_MEDIA_BUCKET": media[1] if media else "media",
                    "NGINX_ACCESS_LOG": str(stack.access_log),
                }
            )
        )
        main_config = directory / "nginx.conf"
        main_config.write_text(nginx_main_config(directory, server_config))
        nginx_log = directory / "nginx-stderr.log"
        with nginx_log.open("w") as log_file:
            nginx = subprocess.Popen(  # noqa: S603 (Debian's nginx, our config)
                [NGINX, "-p", str(directory), "-c", str(main_config), "-e", "stderr"],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        stack.processes.append(nginx)
        stack.url = f"http://127.0.0.1:{nginx_port}"
        _wait_for(f"{stack.url}/healthz", nginx, nginx_log)
    except BaseException:
        stack.stop()
        raise
    return stack
