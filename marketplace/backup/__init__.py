"""Backup and restore of the whole marketplace: the database and the media files, in one tar.

The tar holds, in this order: `manifest.json` (when, which database vendor, rows per table,
media files, app version and applied migrations), the database (`database.dump`, pg_dump's
custom format, or `database.sqlite3`) and every file of the default storage under `media/`.
The order lets both commands stream (`-` for stdout or stdin).

Consistency: on PostgreSQL the row counts and pg_dump read one exported snapshot, so the
manifest describes exactly the dump. Media is read after the dump: uploads get new names
and are never rewritten, so every file the dump refers to is in the tar (a file deleted in
between is the only gap).
"""

import json
import tarfile
import tempfile
from pathlib import Path
from typing import IO

from django.core.files.storage import Storage
from django.utils import timezone

from marketplace.backup import database, media
from marketplace.backup.database import BackupError

__all__ = ["BackupError", "make_backup", "restore_backup"]
MANIFEST = "manifest.json"


def make_backup(*, output: IO[bytes], db: dict, storage: Storage) -> dict:
    """Writes the tar to `output` and returns its manifest. Reads only."""
    with tempfile.TemporaryDirectory(prefix="stadsmarkt-backup-") as scratch:
        dump = database.dump(db, Path(scratch))
        names = media.file_names(storage)
        manifest = {
            "format": 1,
            "created_at": timezone.now().isoformat(),
            "app_version": database.app_version(),
            "database": {"vendor": dump.vendor, "file": dump.path.name, "rows": dump.rows},
            "migrations": dump.migrations,
            "media": {"files": len(names)},
        }
        with tarfile.open(fileobj=output, mode="w|") as tar:
            media.add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            tar.add(dump.path, arcname=dump.path.name)
            media.add_files(tar, storage, names)
    return manifest


def restore_backup(*, source: IO[bytes], db: dict, storage: Storage, force: bool) -> dict:
    """Replaces the database with the tar's and writes its media files into `storage`,
    then checks the rows per table and the file count against the manifest.

    Refuses a database that holds data unless `force`. The database is restored in one
    transaction (all or nothing); media files of the same name are overwritten, others
    already in the storage are left.
    """
    with (
        tarfile.open(fileobj=source, mode="r|") as tar,
        tempfile.TemporaryDirectory(prefix="stadsmarkt-restore-") as scratch,
    ):
        members = iter(tar)
        manifest = json.loads(read_member(tar, next(members, None), MANIFEST))
        expected = manifest["database"]
        database.refuse_unless_restorable(db, vendor=expected["vendor"], force=force)
        member = next(members, None)
        if member is None or member.name != expected["file"]:
            raise BackupError(f"the tar has no {expected['file']} after its manifest")
        tar.extract(member, scratch, filter="data")
        database.restore(db, Path(scratch) / member.name, expected_rows=expected["rows"])
        restored = media.restore_files(tar, members, storage)
    if restored != manifest["media"]["files"]:
        raise BackupError(
            f"restored {restored} media files, the manifest lists {manifest['media']['files']}"
        )
    return manifest


def read_member(tar: tarfile.TarFile, member: tarfile.TarInfo | None, name: str) -> bytes:
    if member is None or member.name != name:
        raise BackupError(f"not a Stadsmarkt backup: {name} is not its first file")
    return tar.extractfile(member).read()
