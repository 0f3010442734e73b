import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from api.models import ApiToken, TokenSource
from api.tokens import api_token_create, api_token_revoke, token_digest
from ecf.models import LeadProvider

DEVELOPMENT_DESCRIPTION = "development token (make run)"
# Git-ignored. Only hashes are stored in the database, so this file is the one place a development token can be
# read again; it is readable by its owner alone.
TOKENS_FILE = Path(settings.BASE_DIR) / ".sandbox-tokens.json"


class Command(BaseCommand):
    help = (
        "Development only: print an API token for every lead provider, the same one on every run. Tokens are kept "
        "in a git-ignored file readable only by its owner; a new one is issued only for a provider whose token "
        "is missing there or no longer valid (revoked, or made with another SECRET_KEY)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=TOKENS_FILE, help=f"where tokens are kept ({TOKENS_FILE})")

    @transaction.atomic
    def handle(self, *args: object, file: Path, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("issue_development_tokens only runs with DEBUG on; use create_api_token.")
        kept = _read(file)
        tokens: dict[str, str] = {}
        issued = 0
        for provider in LeadProvider.objects.order_by("name"):
            plaintext = kept.get(provider.name, "")
            if not _is_live(plaintext, provider):
                plaintext = _replace_development_token(provider)
                issued += 1
            tokens[provider.name] = plaintext
        _write(file, tokens)
        self.stdout.write("API tokens (development only; send as 'Authorization: Bearer <token>'):")
        for name, plaintext in tokens.items():
            self.stdout.write(f"  {name:<36} {plaintext}")
        self.stdout.write(f"Kept in {file} ({issued} newly issued).")


def _is_live(plaintext: str, provider: LeadProvider) -> bool:
    return bool(plaintext) and (
        ApiToken.objects.filter(
            token_hash=token_digest(plaintext), lead_provider=provider, revoked_at__isnull=True
        ).exists()
    )


def _replace_development_token(provider: LeadProvider) -> str:
    """Revoke the provider's earlier development tokens (their plaintext is lost) and issue one."""
    for token in ApiToken.objects.filter(
        lead_provider=provider, description=DEVELOPMENT_DESCRIPTION, revoked_at__isnull=True
    ):
        api_token_revoke(token=token)
    _, plaintext = api_token_create(
        lead_provider=provider, description=DEVELOPMENT_DESCRIPTION, created_via=TokenSource.DEVELOPMENT_COMMAND
    )
    return plaintext


def _read(file: Path) -> dict[str, str]:
    try:
        kept = json.loads(file.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {str(name): str(token) for name, token in kept.items()} if isinstance(kept, dict) else {}


def _write(file: Path, tokens: dict[str, str]) -> None:
    """Written whole to a new file created with mode 0600, then moved over the old one."""
    partial = file.with_name(file.name + ".tmp")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(tokens, out, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(partial, file)
