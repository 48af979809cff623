import sys
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from marketplace.demo_city.generator import SIZES, generate_city
from marketplace.demo_city.loader import CityLoader
from marketplace.models import DemoCitySeed

DEMO_LOGINS = {
    "consumer": "consument@stadsmarkt.test",
    "shop owner 1": "winkelier1@stadsmarkt.test",
    "shop owner 2": "winkelier2@stadsmarkt.test",
    "courier": "koerier@stadsmarkt.test",
    "management": "beheer@stadsmarkt.test",
}
WHERE_TO_GO = {
    "consumer": "/",
    "shop owner 1": "/shop/",
    "shop owner 2": "/shop/",
    "courier": "/courier/",
    "management": "/management/shops/",
}


class Command(BaseCommand):
    help = "Generates the demo city of WORKLOADS.md: shops, products, couriers, orders, logins."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="demo")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Anchor date (YYYY-MM-DD) for order history and slots; default today.",
        )
        parser.add_argument("--password", default="stadsmarkt-demo")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, size, seed, today, password, no_progress, **options):
        marker = self.claim_marker(size, seed)
        if marker.completed_at:
            self.stdout.write(f"The {size} city (seed {seed}) is already seeded; nothing to do.")
        else:
            city = generate_city(
                SIZES[size],
                seed=seed,
                today=today or timezone.localdate(),
                centre=(settings.TOWN_CENTRE_LATITUDE, settings.TOWN_CENTRE_LONGITUDE),
            )
            progress = self.progress_bars(disabled=no_progress)
            CityLoader(city, password=password, demo_logins=DEMO_LOGINS, progress=progress).load()
            DemoCitySeed.objects.filter(pk=marker.pk).update(completed_at=timezone.now())
            self.stdout.write(self.style.SUCCESS(f"Seeded the {size} city (seed {seed})."))
        self.print_logins(password)

    def claim_marker(self, size: str, seed: int) -> DemoCitySeed:
        """One city per database: a second seed or size would mix two cities."""
        with transaction.atomic():
            marker = DemoCitySeed.objects.select_for_update().first()
            if marker is None:
                return DemoCitySeed.objects.create(size=size, seed=seed)
        if (marker.size, marker.seed) != (size, seed):
            raise CommandError(
                f"This database already holds the {marker.size} city with seed {marker.seed}; "
                f"seeding the {size} city with seed {seed} would mix them. "
                "Use an empty database (or `manage.py flush`) first."
            )
        return marker

    def progress_bars(self, *, disabled: bool):
        """A bar per step on a terminal; a line per tenth in logs (CI, docker)."""

        def start(label: str, total: int):
            if disabled or total == 0:
                return lambda done: None
            if sys.stderr.isatty():
                bar = tqdm(total=total, desc=f"{label:>14}", unit=" rows", file=sys.stderr)
                return bar.update
            return TextProgress(label, total, self.stderr.write).advance

        return start

    def print_logins(self, password: str) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {password})")
        for role, email in DEMO_LOGINS.items():
            self.stdout.write(f"  {role:<13} {email:<30} {WHERE_TO_GO[role]}")


class TextProgress:
    def __init__(self, label: str, total: int, write):
        self.label, self.total, self.write = label, total, write
        self.done = 0
        self.reported_tenths = 0

    def advance(self, count: int) -> None:
        self.done += count
        tenths = self.done * 10 // self.total
        if tenths > self.reported_tenths:
            self.reported_tenths = tenths
            self.write(f"{self.label}: {self.done:,}/{self.total:,} ({tenths * 10}%)")
