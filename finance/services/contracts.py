"""Contract changes (finance rules §3.1): a priced contract is never edited. A change is a new version,
a copy with its bands, and statements are repointed to it explicitly; paid statements keep the figures
they were paid with."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from ecf.audit import set_change_reason
from finance.choices import StatementStatus
from finance.models import Band, Contract, Statement

LAST_NUMBER = re.compile(r"(\d+)(?!.*\d)")
PAID_STAYS = "A paid statement keeps the contract it was paid with."
OTHER_BOOKS = "A statement can only be priced by a contract of its own provider and cohort."


def next_version(version: str) -> str:
    """`0.0.1` -> `0.0.2`, `1.9` -> `1.10`: the last number goes up, every delimiter stays."""
    match = LAST_NUMBER.search(version)
    if match is None:
        return f"{version}.1"
    return version[: match.start()] + str(int(match.group(1)) + 1) + version[match.end() :]


@transaction.atomic
def contract_copy_as_new_version(*, contract: Contract) -> Contract:
    """A copy of `contract` and its bands under the next free version number, ready to be edited."""
    taken = set(
        Contract.objects.filter(lead_provider=contract.lead_provider, cohort=contract.cohort).values_list(
            "version", flat=True
        )
    )
    version = next_version(contract.version)
    while version in taken:
        version = next_version(version)
    bands = list(contract.bands.all())
    contract.pk = None
    contract._state.adding = True
    contract.version = version
    contract.save()
    for band in bands:
        band.pk, band._state.adding, band.contract = None, True, contract
    Band.objects.bulk_create(bands)
    return contract


@transaction.atomic
def statements_repoint(
    *, statements: QuerySet[Statement], contract: Contract, repointed_by: str = "", reason: str = ""
) -> int:
    """Price `statements` with `contract`; the history names `repointed_by` and `reason` when given. Raises
    ValidationError for a paid statement or one of another provider or cohort; returns how many changed."""
    chosen = list(statements.select_for_update().order_by("pk"))
    if any(statement.status == StatementStatus.PAID for statement in chosen):
        raise ValidationError(PAID_STAYS, code="paid")
    if any((s.lead_provider_id, s.cohort_id) != (contract.lead_provider_id, contract.cohort_id) for s in chosen):
        raise ValidationError(OTHER_BOOKS, code="other_books")
    for statement in chosen:
        statement.contract = contract
        by = f" by {repointed_by}: {reason.strip()}" if repointed_by else ""
        set_change_reason(statement, f"Priced with contract version {contract.version}{by}")
        statement.save()
    return len(chosen)
