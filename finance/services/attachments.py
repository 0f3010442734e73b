"""Staff attach a declaration's payment, or its clawback, to another open statement: how the finance
team puts right a declaration that missed its statement. Every move is audited with its reason."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ecf.choices import DeclarationState
from ecf.models import Declaration
from finance.choices import StatementStatus
from finance.models import Statement

MOVABLE_PAYMENTS = (DeclarationState.SUBMITTED, DeclarationState.ELIGIBLE, DeclarationState.PAYABLE)
NOT_MOVABLE = "Only a submitted, eligible or payable declaration can move to another payment statement."
NO_CLAWBACK = "Only a declaration awaiting clawback can move to another clawback statement."
WRONG_STATEMENT = "The statement must be an open output statement of the declaration's provider and cohort."
REASON_NEEDED = "Say why the declaration moves: the reason is kept in its history."


@transaction.atomic
def declaration_attach_to_statement(
    *, declaration: Declaration, statement: Statement, clawback: bool = False, reason: str, moved_by: str
) -> Declaration:
    """Attach `declaration`'s payment (or, with `clawback`, its clawback) to `statement`. A declaration
    attached for payment becomes eligible on it. Raises ValidationError when the declaration cannot move
    or the statement is not an open output statement of its provider and cohort."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [REASON_NEEDED]
    if clawback and declaration.state != DeclarationState.AWAITING_CLAWBACK:
        errors["declaration"] = [NO_CLAWBACK]
    if not clawback and declaration.state not in MOVABLE_PAYMENTS:
        errors["declaration"] = [NOT_MOVABLE]
    same_books = (statement.lead_provider_id, statement.cohort_id) == (
        declaration.lead_provider_id,
        declaration.cohort_id,
    )
    if not (same_books and statement.output_fee and statement.status == StatementStatus.OPEN):
        errors["statement"] = [WRONG_STATEMENT]
    if errors:
        raise ValidationError(errors)
    if clawback:
        declaration.clawback_statement = statement
    else:
        declaration.payment_statement = statement
        declaration.state = DeclarationState.ELIGIBLE
    line = "clawback" if clawback else "payment"
    declaration._change_reason = f"{line} moved to {statement.name} by {moved_by}: {reason.strip()}"  # type: ignore[attr-defined]
    declaration.save()
    return declaration
