from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.models import ApiToken, TokenSource
from api.tokens import api_token_create, api_token_revoke
from ecf.models import LeadProvider

DEVELOPMENT_DESCRIPTION = "development token (make run)"


class Command(BaseCommand):
    help = (
        "Development only: issue a fresh API token for every lead provider, revoking the previous "
        "development token of each, and print them (only hashes are stored, so a token can only be "
        "shown when it is made)."
    )

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("issue_development_tokens only runs with DEBUG on; use create_api_token.")
        for token in ApiToken.objects.filter(description=DEVELOPMENT_DESCRIPTION, revoked_at__isnull=True):
            api_token_revoke(token=token)
        self.stdout.write("API tokens (development only; send as 'Authorization: Bearer <token>'):")
        for provider in LeadProvider.objects.order_by("name"):
            _, plaintext = api_token_create(
                lead_provider=provider,
                description=DEVELOPMENT_DESCRIPTION,
                created_via=TokenSource.DEVELOPMENT_COMMAND,
            )
            self.stdout.write(f"  {provider.name:<36} {plaintext}")
