"""The database half of a backup: pg_dump/pg_restore on PostgreSQL, the backup API on SQLite.

`db` is a Django settings dict (DATABASES["default"] or one parsed from a URL), so a restore
can aim at any database, not only the configured one.
"""

import importlib.metadata
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql

# What `migrate` itself writes into an empty database: rows here do not make it "in use".
MIGRATE_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "django_site",
}
CLIENT_HINT = "install the server's version of the PostgreSQL client (Debian: postgresql-client)"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class Dump:
    vendor: str
    path: Path
    rows: dict[str, int]
    migrations: dict[str, str]


def vendor_of(db: dict) -> str:
    engine = db["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"backups support PostgreSQL and SQLite, not {engine}")


def app_version() -> str:
    try:
        return importlib.metadata.version("stadsmarkt")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def dump(db: dict, directory: Path) -> Dump:
    if vendor_of(db) == "sqlite":
        return dump_sqlite(db, directory / "database.sqlite3")
    return dump_postgresql(db, directory / "database.dump")


def restore(db: dict, path: Path, *, expected_rows: dict[str, int]) -> None:
    """Replaces the database's content with the dump's and checks the rows per table."""
    if vendor_of(db) == "sqlite":
        copy_sqlite(path, db["NAME"])  # the target becomes a page-for-page copy
        rows = sqlite_rows(db["NAME"])
    else:
        run_client("pg_restore", db, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                   "--single-transaction", "--exit-on-error", f"--dbname={db['NAME']}",
                   str(path))  # fmt: skip
        rows = postgresql_rows(db)
    wrong = {t: (n, rows.get(t)) for t, n in expected_rows.items() if rows.get(t) != n}
    if wrong:
        raise BackupError(f"restored rows differ from the manifest (expected, found): {wrong}")


def refuse_unless_restorable(db: dict, *, vendor: str, force: bool) -> None:
    target = vendor_of(db)
    if target != vendor:
        raise BackupError(f"the backup is of a {vendor} database; the target is {target}")
    if vendor == "postgresql":
        check_client("pg_restore", db)
        rows = postgresql_rows(db)
    else:
        rows = sqlite_rows(db["NAME"]) if Path(db["NAME"]).exists() else {}
    data = {table: n for table, n in rows.items() if n and table not in MIGRATE_TABLES}
    if data and not force:
        sample = ", ".join(f"{table}: {n}" for table, n in sorted(data.items())[:5])
        raise BackupError(
            f"database {db['NAME']} is not empty ({sum(data.values())} rows in {len(data)} "
            f"tables, e.g. {sample}); a restore replaces all of it. Pass --force to do so."
        )


# --- PostgreSQL ---


def connect(db: dict):
    return psycopg2.connect(
        dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None, port=db.get("PORT") or None,
        **db.get("OPTIONS", {}),
    )  # fmt: skip


def dump_postgresql(db: dict, path: Path) -> Dump:
    """pg_dump of one exported snapshot, counted in that same snapshot."""
    check_client("pg_dump", db)
    connection = connect(db)
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            rows = count_postgresql_rows(cursor)
            migrations = applied_migrations(cursor, rows)
        # The snapshot lives as long as this transaction: pg_dump must run inside it.
        run_client("pg_dump", db, "--format=custom", f"--snapshot={snapshot}", f"--file={path}",
                   db["NAME"])  # fmt: skip
        connection.rollback()
    finally:
        connection.close()
    return Dump("postgresql", path, rows, migrations)


def postgresql_rows(db: dict) -> dict[str, int]:
    connection = connect(db)
    try:
        with connection.cursor() as cursor:
            return count_postgresql_rows(cursor)
    finally:
        connection.close()


def count_postgresql_rows(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [name for (name,) in cursor.fetchall()]
    if not tables:
        return {}
    counts = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {}, count(*) FROM {}").format(sql.Literal(t), sql.Identifier(t))
        for t in tables
    )
    cursor.execute(counts)
    return dict(cursor.fetchall())


def check_client(tool: str, db: dict) -> None:
    """pg_dump refuses a newer server, and a newer archive is unreadable to an older
    pg_restore: the client must be at least the server's major version."""
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed: {CLIENT_HINT}")
    output = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout  # noqa: S603
    client = int(re.search(r"\)\s*(\d+)", output).group(1))
    connection = connect(db)
    server = connection.server_version // 10000
    connection.close()
    if client < server:
        raise BackupError(f"{tool} is version {client}, the server {server}: {CLIENT_HINT}")


def run_client(tool: str, db: dict, *arguments: str) -> None:
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    connection = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        connection += ["--username", db["USER"]]
    result = subprocess.run(  # noqa: S603  (fixed tool, our own arguments)
        [tool, *connection, "--no-password", *arguments], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")


# --- SQLite ---


def dump_sqlite(db: dict, path: Path) -> Dump:
    """The backup API copies a consistent database even while others write to it."""
    copy_sqlite(f"file:{db['NAME']}?mode=ro", path)
    rows = sqlite_rows(path)
    with closing(sqlite3.connect(path)) as copy:
        migrations = applied_migrations(copy.cursor(), rows)
    return Dump("sqlite", path, rows, migrations)


def copy_sqlite(source_path, target_path) -> None:
    with (
        closing(sqlite3.connect(source_path, uri=True)) as source,
        closing(sqlite3.connect(target_path)) as target,
    ):
        source.backup(target)


def sqlite_rows(path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: database.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def applied_migrations(cursor, rows: dict[str, int]) -> dict[str, str]:
    """The last applied migration of each app."""
    if "django_migrations" not in rows:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())
