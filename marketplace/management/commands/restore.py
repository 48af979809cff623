import sys

import environ
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from marketplace.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restores a tar made by `manage.py backup`: the database (replaced whole, in one "
        "transaction) and the media files into the default storage. Refuses a database that "
        "holds data unless --force. `-` reads the tar from stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the tar to read, or - for stdin")
        parser.add_argument(
            "--database-url", help="restore into this database instead of the configured one"
        )
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data"
        )

    def handle(self, *args, archive, database_url, force, **options):
        db = (
            environ.Env.db_url_config(database_url)
            if database_url
            else settings.DATABASES["default"]
        )
        try:
            if archive == "-":
                manifest = restore_backup(
                    source=sys.stdin.buffer, db=db, storage=default_storage, force=force
                )
            else:
                with open(archive, "rb") as file:
                    manifest = restore_backup(
                        source=file, db=db, storage=default_storage, force=force
                    )
        except BackupError as error:
            raise CommandError(str(error)) from error
        except FileNotFoundError as error:
            raise CommandError(f"no such backup: {archive}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} into {db['NAME']}: "
                f"{sum(manifest['database']['rows'].values())} rows, "
                f"{manifest['media']['files']} media files (checked against its manifest). "
                "Run `manage.py migrate` if this code has newer migrations."
            )
        )
