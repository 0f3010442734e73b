import uuid

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from api.models import ApiToken
from api.tokens import api_token_revoke


class Command(BaseCommand):
    help = "Revoke an API token, given its prefix (as shown by list_api_tokens) or its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", metavar="PREFIX_OR_ID")

    def handle(self, *args: object, token: str, **options: object) -> None:
        matches = ApiToken.objects.filter(prefix=token)
        if not matches.exists():
            matches = ApiToken.objects.filter(id=token) if _is_uuid(token) else ApiToken.objects.none()
        if not matches.exists():
            _refuse_the_start_of_prefixes(token)
        if matches.count() != 1:
            raise CommandError(f"{matches.count()} tokens match {token!r}; give the token id instead.")
        revoked = api_token_revoke(token=matches.get())
        revoked_at = timezone.localtime(revoked.revoked_at)
        self.stdout.write(f"Revoked {revoked.prefix}… of {revoked.lead_provider} at {revoked_at:%Y-%m-%d %H:%M}.")


def _refuse_the_start_of_prefixes(start: str) -> None:
    """Refuse `start` as no token's prefix or id: naming the tokens whose prefixes it starts, if any."""
    started = list(ApiToken.objects.filter(prefix__startswith=start).select_related("lead_provider").order_by("prefix"))
    if not started:
        raise CommandError(f"No token has the prefix or id {start!r}.")
    listed = ", ".join(
        f"{match.prefix} ({match.lead_provider.name}{', revoked' if match.revoked_at else ''})" for match in started
    )
    problem = "is ambiguous" if len(started) > 1 else "is not a whole prefix"
    raise CommandError(
        f"{start!r} {problem}: it starts the prefix of {len(started)} token(s): {listed}. Give a whole prefix."
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
