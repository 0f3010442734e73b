from django.core.management.base import BaseCommand, CommandParser

from api.models import TokenSource
from api.tokens import api_token_create
from ecf.management.providers import lead_provider_named


class Command(BaseCommand):
    help = (
        "Create an API token for a lead provider. The token is printed once, alone on the last line, "
        "and cannot be shown again (only its hash is stored)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lead-provider", required=True, metavar="NAME", help="the lead provider's exact name")
        parser.add_argument("--description", default="", help="what the token is for, e.g. the system using it")

    def handle(self, *args: object, lead_provider: str, description: str, **options: object) -> None:
        provider = lead_provider_named(lead_provider)
        token, plaintext = api_token_create(
            lead_provider=provider, description=description, created_via=TokenSource.CREATE_COMMAND
        )
        self.stderr.write(f"Created token {token.prefix}… for {provider.name}. Store it now: it is not shown again.")
        self.stdout.write(plaintext)
