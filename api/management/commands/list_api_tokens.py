from datetime import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from api.models import ApiToken

ROW = "{:<13} {:<36} {:<17} {:<17} {:<8} {}"


class Command(BaseCommand):
    help = "List API tokens: prefix, lead provider, description, created, last used and whether revoked."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="include revoked tokens")

    def handle(self, *args: object, all: bool, **options: object) -> None:
        tokens = ApiToken.objects.select_related("lead_provider").order_by("lead_provider__name", "created_at")
        if not all:
            tokens = tokens.filter(revoked_at__isnull=True)
        self.stdout.write(ROW.format("PREFIX", "LEAD PROVIDER", "CREATED", "LAST USED", "STATUS", "DESCRIPTION"))
        for token in tokens:
            status = "revoked" if token.revoked_at else "active"
            self.stdout.write(
                ROW.format(
                    token.prefix,
                    token.lead_provider.name,
                    _when(token.created_at),
                    _when(token.last_used_at),
                    status,
                    token.description,
                )
            )


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "never"
