"""Sends the outbox's waiting tasks to the broker: once, or every few seconds with --loop."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from marketplace.outbox import send_pending


class Command(BaseCommand):
    help = "Sends tasks waiting in the outbox to the broker (once, or with --loop forever)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep relaying until stopped")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between rounds with --loop"
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="include_waiting",
            help="also rows still waiting out their backoff",
        )

    def handle(self, *args, loop: bool, interval: float, include_waiting: bool, **options):
        while True:
            close_old_connections()  # a connection the database dropped since the last round
            try:
                sent = send_pending(due_only=not include_waiting)
            except Exception as error:  # the database is away: try again next round
                if not loop:
                    raise
                self.stderr.write(f"outbox relay: {type(error).__name__}: {error}")
                sent = 0
            if sent or not loop:
                self.stdout.write(f"sent {sent}")
            if not loop:
                return
            if not sent:
                time.sleep(interval)
