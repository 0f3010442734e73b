from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecf.management.providers import lead_provider_named
from sandbox.services.reset import sandbox_reset


class Command(BaseCommand):
    help = (
        "Sandbox only: put one lead provider's sandbox data back as seeded (what POST /api/v3/sandbox/reset does): "
        "removes what it added, writes back what it changed; other providers' data is untouched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lead-provider", required=True, metavar="NAME", help="the lead provider's name")

    def handle(self, *args: object, lead_provider: str, **options: object) -> None:
        if not settings.SANDBOX:
            raise CommandError("sandbox_reset only runs where the SANDBOX setting is on.")
        provider = lead_provider_named(lead_provider)
        try:
            result = sandbox_reset(lead_provider=provider)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not result.removed and not result.restored:
            self.stdout.write(self.style.SUCCESS(f"{provider.name}'s sandbox is already as seeded: no changes."))
            return
        for kind, count in sorted(result.removed.items()):
            self.stdout.write(f"  removed  {count:>6} {kind}")
        for kind, count in sorted(result.restored.items()):
            self.stdout.write(f"  restored {count:>6} {kind}")
        self.stdout.write(self.style.SUCCESS(f"{provider.name}'s sandbox is back as seeded."))
