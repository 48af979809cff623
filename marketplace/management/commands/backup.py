import sys

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from marketplace.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Writes one tar with the database (one consistent snapshot) and every media file, "
        "and a manifest of what is in it. `--output -` writes the tar to stdout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the tar to write, or - for stdout")

    def handle(self, *args, output, **options):
        db = settings.DATABASES["default"]
        try:
            if output == "-":
                manifest = make_backup(output=sys.stdout.buffer, db=db, storage=default_storage)
            else:
                with open(output, "wb") as file:
                    manifest = make_backup(output=file, db=db, storage=default_storage)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["database"]["rows"].values())
        # stderr: with `--output -` stdout is the tar itself.
        self.stderr.write(
            f"Backed up {manifest['database']['vendor']} ({rows} rows in "
            f"{len(manifest['database']['rows'])} tables) and {manifest['media']['files']} "
            f"media files to {output}.",
            style_func=self.style.SUCCESS,
        )
