"""`manage.py backup` and `manage.py restore` as an operator runs them: a seeded PostgreSQL
database and its media go into one tar and come back, table for table and byte for byte,
in another database and an empty media folder. Plus the SQLite path and the refusals.

The PostgreSQL test works on scratch databases of its own, seeded by separate processes:
pg_dump only sees committed data, which the tests' own transactions never are.
"""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection, connections

from marketplace.backup import BackupError, make_backup, restore_backup
from marketplace.backup.media import file_names as media_names
from marketplace.storage import MediaStorage
from tests.conftest import DEMO_SEED, DEMO_TODAY, IN_CI
from tests.support.s3 import KEYS, REGION, s3_client

ROOT = Path(__file__).resolve().parents[2]


def manage(
    *arguments: str, database: str, media: Path | None = None
) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{database}",
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "MEDIA_ROOT": str(media or ROOT / ".test-media"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def server(database: str = "postgres"):
    db = connection.settings_dict
    link = psycopg2.connect(
        dbname=database, user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
    )  # fmt: skip
    link.autocommit = True
    return link


def table_rows(database: str) -> dict[str, int]:
    from marketplace.backup.database import count_postgresql_rows

    with server(database) as link, link.cursor() as cursor:
        rows = count_postgresql_rows(cursor)
    link.close()
    return rows


def fingerprint(database: str) -> tuple:
    """Content, not only counts: every product row, and where the order numbers carry on."""
    with server(database) as link, link.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM catalogue_product p"
        )
        products = cursor.fetchone()[0]
        cursor.execute("SELECT last_value FROM order_order_id_seq")
        sequence = cursor.fetchone()[0]
    link.close()
    return products, sequence


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def scratch_databases(django_db_setup, django_db_blocker):
    """A copy of the (migrated, empty) test database to seed, and an empty database to
    restore into; names unique per run, so xdist workers never share one."""
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run the backup test on PostgreSQL")
        pytest.skip("pg_dump needs PostgreSQL")
    suffix = uuid.uuid4().hex[:10]
    source, target = f"backup_source_{suffix}", f"backup_target_{suffix}"
    with django_db_blocker.unblock():
        template = connection.settings_dict["NAME"]
        connections.close_all()  # a template database must have no one connected
    link = server()
    with link.cursor() as cursor:
        # Copying the migrated test database saves a `migrate` of half a minute.
        cursor.execute(f'CREATE DATABASE "{source}" TEMPLATE "{template}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        yield source, target
    finally:
        with link.cursor() as cursor:
            for name in (source, target):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        link.close()


@pytest.mark.django_db(transaction=True)  # the test database must exist: it is the template
def test_a_backup_of_a_seeded_database_restores_into_an_empty_one(scratch_databases, tmp_path):
    source, target = scratch_databases
    seeded = manage(
        "seed_demo_city", "--size", "demo", "--seed", str(DEMO_SEED),
        "--today", DEMO_TODAY.isoformat(), "--no-progress", database=source,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    (media / "shops" / "photos").mkdir(parents=True)
    (media / "shops" / "photos" / "kaashuis.jpg").write_bytes(os.urandom(70_000))
    (media / "images" / "products").mkdir(parents=True)
    (media / "images" / "products" / "gouda.png").write_bytes(b"\x89PNG" + os.urandom(500))
    restored_media.mkdir()
    archive = tmp_path / "stadsmarkt.tar"

    backed_up = manage("backup", "--output", str(archive), database=source, media=media)
    restored = manage("restore", str(archive), database=target, media=restored_media)

    assert backed_up.returncode == 0, backed_up.stderr[-3000:]
    assert restored.returncode == 0, restored.stderr[-3000:]
    rows = table_rows(source)
    assert rows["catalogue_product"] == 2000 and rows["order_line"] > 0
    assert table_rows(target) == rows
    assert fingerprint(target) == fingerprint(source)
    assert files_in(restored_media) == files_in(media)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["database"]["rows"] == rows
    assert manifest["media"] == {"files": 2}
    assert manifest["migrations"]["marketplace"].startswith("00")


@pytest.mark.django_db(transaction=True)
def test_a_restore_over_a_database_with_data_is_refused_without_force(scratch_databases, tmp_path):
    source, _ = scratch_databases
    archive = tmp_path / "migrated-only.tar"
    backed_up = manage("backup", "--output", str(archive), database=source, media=tmp_path / "m")
    with server(source) as link, link.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalogue_productclass (name, slug, requires_shipping, track_stock) "
            "VALUES ('Kaas', 'kaas', true, true)"
        )
    link.close()

    refused = manage("restore", str(archive), database=source, media=tmp_path / "m")
    rows_after_refusal = table_rows(source)["catalogue_productclass"]
    forced = manage("restore", str(archive), "--force", database=source, media=tmp_path / "m")

    assert backed_up.returncode == 0, backed_up.stderr[-3000:]
    assert refused.returncode != 0
    assert f"database {source} is not empty" in refused.stderr
    assert "catalogue_productclass: 1" in refused.stderr and "Pass --force" in refused.stderr
    assert rows_after_refusal == 1
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert table_rows(source)["catalogue_productclass"] == 0


def sqlite_database(path: Path, cheeses: list[str]) -> dict:
    with closing(sqlite3.connect(path)) as database, database:
        database.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app, name)")
        database.execute("INSERT INTO django_migrations (app, name) VALUES ('shops', '0001')")
        database.execute("CREATE TABLE cheese (id INTEGER PRIMARY KEY, name TEXT)")
        database.executemany("INSERT INTO cheese (name) VALUES (?)", [(c,) for c in cheeses])
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def test_sqlite_backup_round_trip_and_refusal(tmp_path):
    source = sqlite_database(tmp_path / "source.sqlite3", ["Gouda", "Leerdammer", "Edam"])
    media = FileSystemStorage(location=tmp_path / "media")
    media.save("shops/photos/brink.jpg", ContentFile(os.urandom(3000)))
    media.save("logo.svg", ContentFile(b"<svg/>"))
    archive = io.BytesIO()
    manifest = make_backup(output=archive, db=source, storage=media)
    target = {**source, "NAME": str(tmp_path / "target.sqlite3")}
    restored_media = FileSystemStorage(location=tmp_path / "restored")

    archive.seek(0)
    restore_backup(source=archive, db=target, storage=restored_media, force=False)
    sqlite_database(tmp_path / "other.sqlite3", ["Brie"])
    archive.seek(0)
    with pytest.raises(BackupError, match="not empty .*cheese: 1.* Pass --force"):
        restore_backup(
            source=archive, db={**source, "NAME": str(tmp_path / "other.sqlite3")},
            storage=restored_media, force=False,
        )  # fmt: skip

    assert manifest["database"]["rows"] == {"cheese": 3, "django_migrations": 1}
    assert manifest["migrations"] == {"shops": "0001"}
    with closing(sqlite3.connect(target["NAME"])) as database:
        names = [name for (name,) in database.execute("SELECT name FROM cheese ORDER BY id")]
    assert names == ["Gouda", "Leerdammer", "Edam"]
    assert files_in(tmp_path / "restored") == files_in(tmp_path / "media")
    with closing(sqlite3.connect(tmp_path / "other.sqlite3")) as database:
        assert database.execute("SELECT name FROM cheese").fetchall() == [("Brie",)]


def bucket_storage(endpoint: str) -> MediaStorage:
    name = f"backup-{uuid.uuid4().hex}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return MediaStorage(
        bucket_name=name, endpoint_url=endpoint, access_key=KEYS["aws_access_key_id"],
        secret_key=KEYS["aws_secret_access_key"], region_name=REGION, addressing_style="path",
    )  # fmt: skip


def test_media_in_an_s3_bucket_round_trips(s3_endpoint, tmp_path):
    source = sqlite_database(tmp_path / "source.sqlite3", ["Gouda"])
    bucket, restored_bucket = bucket_storage(s3_endpoint), bucket_storage(s3_endpoint)
    photos = {
        "shops/photos/2026/12/brink.jpg": os.urandom(5000),
        "cache/ab/cd/thumb.jpg": os.urandom(800),
        "logo.svg": b"<svg/>",
    }
    for name, content in photos.items():
        bucket.save(name, ContentFile(content))
    restored_bucket.save("logo.svg", ContentFile(b"older"))  # replaced, not renamed
    archive = io.BytesIO()

    manifest = make_backup(output=archive, db=source, storage=bucket)
    archive.seek(0)
    restore_backup(
        source=archive, db={**source, "NAME": str(tmp_path / "target.sqlite3")},
        storage=restored_bucket, force=False,
    )  # fmt: skip

    assert manifest["media"] == {"files": 3}
    for name, content in photos.items():
        with restored_bucket.open(name, "rb") as restored:
            assert restored.read() == content, name
    assert media_names(restored_bucket) == sorted(photos)


def test_a_tar_that_is_no_backup_is_refused(tmp_path):
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        tar.add(__file__, arcname="notes.txt")
    archive.seek(0)
    target = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "t.sqlite3")}

    with pytest.raises(BackupError, match="not a Stadsmarkt backup"):
        restore_backup(source=archive, db=target, storage=FileSystemStorage(tmp_path), force=True)
    assert not (tmp_path / "t.sqlite3").exists()
