import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ecf.management.progress import Progress
from sandbox.names import DEVELOPMENT_ADMIN
from sandbox.seed import seed_sandbox


class Command(BaseCommand):
    help = (
        "Seed the sandbox: cohorts, schedules, providers, schools, partnerships, contracts, statements and "
        "participants in every state. Idempotent: a second run creates nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="also add N ordinary participants (for benchmarks)",
        )

    def handle(self, *args: object, scale: int, **options: object) -> None:
        if not settings.SANDBOX:
            raise CommandError("seed_sandbox only runs where the SANDBOX setting is on.")
        if scale < 0:
            raise CommandError("--scale must be zero or more.")
        started = time.monotonic()
        progress = Progress(self.stderr, total=scale, unit="extra participants")
        try:
            created = seed_sandbox(today=timezone.localdate(), scale=scale, on_progress=progress.update)
        finally:
            progress.finish()
        elapsed = time.monotonic() - started
        if created:
            for kind, count in sorted(created.items()):
                self.stdout.write(f"  created {count:>7} {kind.lower()}")
            self.stdout.write(self.style.SUCCESS(f"Sandbox seeded in {elapsed:.1f}s."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Sandbox already seeded: no changes ({elapsed:.1f}s)."))
        if settings.DEBUG:
            self._ensure_development_admin()

    def _ensure_development_admin(self) -> None:
        username, password = DEVELOPMENT_ADMIN
        user_model = get_user_model()
        if not user_model.objects.filter(username=username).exists():
            user_model.objects.create_superuser(username=username, email="admin@example.com", password=password)
            self.stdout.write(f"  created staff superuser {username!r}")
        self.stdout.write(f"Admin login (development only): {username} / {password}")
