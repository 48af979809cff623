"""The media half of a backup: every file of a storage, through the storage API only, so the
same code reads a folder (FileSystemStorage) or a bucket (django-storages' S3Storage)."""

import io
import posixpath
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator

from django.core.files import File
from django.core.files.storage import Storage

from marketplace.backup.database import BackupError

PREFIX = "media/"
SPOOL_BYTES = 16 * 1024 * 1024


def file_names(storage: Storage, directory: str = "") -> list[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a media folder nobody has uploaded into yet
        return []
    names = [posixpath.join(directory, name) for name in files]
    for child in directories:
        names += file_names(storage, posixpath.join(directory, child))
    return sorted(names)


def add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(content), time.time()
    tar.addfile(info, io.BytesIO(content))


def add_files(tar: tarfile.TarFile, storage: Storage, names: list[str]) -> None:
    for name in names:
        # A streamed tar needs each size before the bytes: copy first, then measure.
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as copy:
            with storage.open(name, "rb") as original:
                shutil.copyfileobj(original, copy)
            info = tarfile.TarInfo(PREFIX + name)
            info.size, info.mtime = copy.tell(), time.time()
            copy.seek(0)
            tar.addfile(info, copy)


def restore_files(
    tar: tarfile.TarFile, members: Iterator[tarfile.TarInfo], storage: Storage
) -> int:
    """Writes every media member under its own name (replacing a file of that name)."""
    restored = 0
    for member in members:
        if not member.isfile() or not member.name.startswith(PREFIX):
            continue
        name = member.name.removeprefix(PREFIX)
        if ".." in name.split("/") or name.startswith("/"):
            raise BackupError(f"unsafe name in the backup: {member.name}")
        if storage.exists(name):
            storage.delete(name)
        # A streamed tar cannot seek, and an upload to S3 does: copy first.
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as copy:
            shutil.copyfileobj(tar.extractfile(member), copy)
            copy.seek(0)
            saved = storage.save(name, File(copy, name=name))
        if saved != name:
            raise BackupError(f"{name} was stored as {saved}")
        restored += 1
    return restored
