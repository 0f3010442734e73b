"""How the finance team puts statements right, each move audited with the staff member and a reason:

- a declaration's payment, or its clawback, moves to another open output statement of its provider and cohort
  (one that missed its statement, or landed on the wrong month). The move is previewed first: what it adds to
  and takes from each statement, worked out by the statement calculators, and the warnings the staff member
  must acknowledge. A declaration still waiting for its participant's funding eligibility is refused: recording
  eligibility (finance.services.eligibility) is what makes it payable, never a move;
- an open statement with nothing on it is attached to another lead provider (and priced with that provider's
  newest contract for the cohort): a statement made for the wrong provider.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ecf import clock
from ecf.audit import set_change_reason
from ecf.choices import DeclarationState, FundingEligibility
from ecf.models import Declaration, LeadProvider
from finance.choices import StatementStatus
from finance.models import Contract, Statement
from finance.selectors import MOVABLE_STATES
from finance.services.statements import statement_breakdown

NOT_MOVABLE = (
    "Only a submitted, eligible or payable declaration's payment, or an awaiting-clawback declaration's "
    "clawback, can move to another statement."
)
WRONG_STATEMENT = "The statement must be another open output statement of the declaration's provider and cohort."
REASON_NEEDED = "Say why: the reason is kept in the history."
RECORD_ELIGIBILITY_FIRST = (
    "The participant's funding eligibility is {eligibility}: this declaration waits for it. Record funding "
    "eligibility first (Training records, action 'Record funding eligibility'); that puts it on a statement."
)
ACKNOWLEDGE = "Tick that you have read the warnings above: the move changes what each statement pays."

NOT_FUNDED = (
    "The participant is not recorded as eligible for funding ({eligibility}). Moving does not make them eligible: "
    "record funding eligibility first if they are."
)
LEAVES_PAYABLE = "It leaves {statement}, which is payable: it will not be paid on {payment_date:%-d %B %Y}."
DECLARED_AFTER_CUT_OFF = "It was declared on {declared:%-d %B %Y}, after {statement}'s cut-off ({cut_off:%-d %B %Y})."
CUT_OFF_PASSED = "{statement}'s cut-off ({cut_off:%-d %B %Y}) has passed: it becomes payable at the next daily run."

NOT_ATTACHABLE = "Only an open statement with no declarations and no adjustments can be attached to a lead provider."
SAME_PROVIDER = "The statement is already {provider}'s."
NO_CONTRACT = "{provider} has no contract for the {cohort} cohort: add one first."
MONTH_TAKEN = "{provider} already has a statement for {month} in the {cohort} cohort."


@dataclass(frozen=True)
class MovePreview:
    """What moving a declaration's payment (or clawback) to `to_statement` does, before it is done."""

    declaration: Declaration
    line: str  # "payment" or "clawback"
    from_statement: Statement | None
    to_statement: Statement
    state_after: str
    from_total_change: Decimal | None  # the change of the from statement's total, VAT included
    to_total_change: Decimal
    warnings: list[str]


def _line(declaration: Declaration) -> str:
    return "clawback" if declaration.state == DeclarationState.AWAITING_CLAWBACK else "payment"


def move_target_statements(*, declaration: Declaration) -> QuerySet[Statement]:
    """The statements `declaration`'s payment or clawback may move to: the other open output statements of
    its provider and cohort, earliest first."""
    current = (
        declaration.clawback_statement_id if _line(declaration) == "clawback" else declaration.payment_statement_id
    )
    targets = Statement.objects.filter(
        lead_provider_id=declaration.lead_provider_id,
        cohort_id=declaration.cohort_id,
        output_fee=True,
        status=StatementStatus.OPEN,
    )
    if current is not None:
        targets = targets.exclude(pk=current)
    return targets.select_related("lead_provider", "cohort").order_by("deadline_date", "payment_date")


def _refusals(declaration: Declaration, statement: Statement, reason: str | None) -> None:
    errors: dict[str, list[str]] = {}
    if reason is not None and not reason.strip():
        errors["reason"] = [REASON_NEEDED]
    eligibility = declaration.training_record.funding_eligibility
    if declaration.state not in (*MOVABLE_STATES, DeclarationState.AWAITING_CLAWBACK):
        errors["declaration"] = [NOT_MOVABLE]
    elif declaration.state == DeclarationState.SUBMITTED and eligibility != FundingEligibility.ELIGIBLE:
        errors["declaration"] = [RECORD_ELIGIBILITY_FIRST.format(eligibility=eligibility.replace("_", " "))]
    if not move_target_statements(declaration=declaration).filter(pk=statement.pk).exists():
        errors["statement"] = [WRONG_STATEMENT]
    if errors:
        raise ValidationError(errors)


def _warnings(declaration: Declaration, statement: Statement, from_statement: Statement | None) -> list[str]:
    warnings = []
    eligibility = declaration.training_record.funding_eligibility
    if _line(declaration) == "payment" and eligibility != FundingEligibility.ELIGIBLE:
        warnings.append(NOT_FUNDED.format(eligibility=eligibility.replace("_", " ")))
    if from_statement is not None and from_statement.status == StatementStatus.PAYABLE:
        warnings.append(LEAVES_PAYABLE.format(statement=from_statement, payment_date=from_statement.payment_date))
    declared = timezone.localdate(declaration.declaration_date)
    if declared > statement.deadline_date:
        warnings.append(DECLARED_AFTER_CUT_OFF.format(declared=declared, statement=statement,
                                                      cut_off=statement.deadline_date))  # fmt: skip
    if statement.deadline_date < clock.today():
        warnings.append(CUT_OFF_PASSED.format(statement=statement, cut_off=statement.deadline_date))
    return warnings


def _apply(declaration: Declaration, statement: Statement) -> None:
    if _line(declaration) == "clawback":
        declaration.clawback_statement = statement
    else:
        declaration.payment_statement = statement
        declaration.state = DeclarationState.ELIGIBLE
    declaration.save()


def _total(statement: Statement | None) -> Decimal | None:
    return None if statement is None else statement_breakdown(statement=statement).total


def declaration_move_preview(*, declaration: Declaration, statement: Statement) -> MovePreview:
    """What moving `declaration`'s payment (or, awaiting clawback, its clawback) to `statement` would do: the move
    is made and undone inside a savepoint, the statements' totals read before and after by the calculators.
    Raises ValidationError when the move is refused."""
    declaration = Declaration.objects.select_related(
        "participant", "training_record", "payment_statement__lead_provider", "payment_statement__cohort",
        "clawback_statement__lead_provider", "clawback_statement__cohort",
    ).get(pk=declaration.pk)  # fmt: skip
    _refusals(declaration, statement, reason=None)
    line = _line(declaration)
    from_statement = declaration.clawback_statement if line == "clawback" else declaration.payment_statement
    before = (_total(from_statement), _total(statement))
    with transaction.atomic():
        _apply(declaration, statement)
        after = (_total(from_statement), _total(statement))
        state_after = declaration.state
        transaction.set_rollback(True)
    declaration.refresh_from_db()
    from_change = None if from_statement is None else after[0] - before[0]  # type: ignore[operator]
    return MovePreview(
        declaration=declaration,
        line=line,
        from_statement=from_statement,
        to_statement=statement,
        state_after=state_after,
        from_total_change=from_change,
        to_total_change=after[1] - before[1],  # type: ignore[operator]
        warnings=_warnings(declaration, statement, from_statement),
    )


@transaction.atomic
def declaration_attach_to_statement(
    *, declaration: Declaration, statement: Statement, reason: str, moved_by: str, warnings_acknowledged: bool = False
) -> Declaration:
    """Move `declaration`'s payment (or, when it awaits clawback, its clawback) to `statement`. A payment moved
    becomes eligible on it. Raises ValidationError when the move is refused (see `declaration_move_preview`) or
    has warnings the staff member has not acknowledged."""
    declaration = Declaration.objects.select_for_update().select_related("training_record").get(pk=declaration.pk)
    _refusals(declaration, statement, reason)
    line = _line(declaration)
    from_statement = declaration.clawback_statement if line == "clawback" else declaration.payment_statement
    if _warnings(declaration, statement, from_statement) and not warnings_acknowledged:
        raise ValidationError({"acknowledge": [ACKNOWLEDGE]})
    set_change_reason(declaration, f"{line} moved to {statement.name} by {moved_by}: {reason.strip()}")
    _apply(declaration, statement)
    return declaration


def _newest_contract(lead_provider: LeadProvider, statement: Statement) -> Contract | None:
    return (
        Contract.objects.filter(lead_provider=lead_provider, cohort_id=statement.cohort_id)
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def statement_attach_to_provider(
    *, statement: Statement, lead_provider: LeadProvider, reason: str, attached_by: str
) -> Statement:
    """Attach an open statement that has nothing on it (no declaration paid or clawed back, no adjustment) to
    `lead_provider`, priced with the provider's newest contract for the statement's cohort. Raises
    ValidationError when the statement is not empty and open, the provider has no contract for the cohort or
    already has that month's statement, or no reason is given."""
    statement = Statement.objects.select_for_update().select_related("cohort", "lead_provider").get(pk=statement.pk)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [REASON_NEEDED]
    has_lines = (
        Declaration.objects.filter(Q(payment_statement=statement) | Q(clawback_statement=statement)).exists()
        or statement.adjustments.exists()
    )
    if statement.status != StatementStatus.OPEN or has_lines:
        errors["statement"] = [NOT_ATTACHABLE]
    contract = _newest_contract(lead_provider, statement)
    names = {"provider": lead_provider, "cohort": statement.cohort, "month": statement.name}
    if statement.lead_provider_id == lead_provider.pk:
        errors["lead_provider"] = [SAME_PROVIDER.format(**names)]
    elif contract is None:
        errors["lead_provider"] = [NO_CONTRACT.format(**names)]
    elif Statement.objects.filter(
        lead_provider=lead_provider, cohort_id=statement.cohort_id, year=statement.year, month=statement.month
    ).exists():
        errors["lead_provider"] = [MONTH_TAKEN.format(**names)]
    if errors:
        raise ValidationError(errors)
    assert contract is not None
    statement.lead_provider, statement.contract = lead_provider, contract
    set_change_reason(statement, f"attached to {lead_provider} by {attached_by}: {reason.strip()}")
    statement.save()
    return statement
