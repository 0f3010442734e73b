"""Statement lifecycle (open → payable → paid, decision D19) and the breakdown of what a statement pays."""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from ecf import clock
from ecf.audit import set_change_reason
from ecf.choices import (
    BILLABLE_DECLARATION_STATES,
    REFUNDABLE_DECLARATION_STATES,
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
)
from ecf.models import Cohort, Declaration, LeadProvider
from finance.calculators import (
    BandTerms,
    DeclarationCounts,
    banded_breakdown,
    mentor_output_fee,
    monthly_service_fee,
    with_vat,
)
from finance.calendars import statement_calendar
from finance.choices import ContractType, StatementStatus
from finance.models import Contract, Statement
from finance.services.integrity import finance_integrity_violations

# A declaration counts on its payment statement while billable there, even once clawed back later.
PAID_ON_STATEMENT_STATES = (*BILLABLE_DECLARATION_STATES, *REFUNDABLE_DECLARATION_STATES)
NOT_PAYABLE = "Only a payable output statement whose cut-off has passed can be authorised for payment."
NOT_INTACT = "It fails the finance integrity check; put right first: {violations}"


@dataclass(frozen=True)
class BandLine:
    declaration_type: str
    band: str
    count: int
    fee: Decimal
    subtotal: Decimal


@dataclass(frozen=True)
class SectionBreakdown:
    """One calculator's part of a statement: ECTs (banded) or, from 2025, mentors (flat rate)."""

    output_lines: list[BandLine]
    clawback_lines: list[BandLine]
    unpaid_beyond_bands: dict[str, int]
    output_fee: Decimal
    service_fee: Decimal
    uplift_fee: Decimal
    clawbacks: Decimal
    adjustments: Decimal
    total_ex_vat: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class StatementBreakdown:
    ects: SectionBreakdown
    mentors: SectionBreakdown | None
    total: Decimal
    declaration_counts: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        """Decimals as strings, for the paid-statement snapshot and the API."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def _counts(statement: Statement, course: str | None) -> dict[str, DeclarationCounts]:
    """Per declaration type: billable and refundable declarations on this statement and on the provider's
    earlier statements for the cohort (one aggregate query)."""
    earlier = Statement.objects.filter(
        lead_provider_id=statement.lead_provider_id,
        cohort_id=statement.cohort_id,
        payment_date__lt=statement.payment_date,
    )
    declarations = Declaration.objects.filter(
        Q(payment_statement=statement)
        | Q(payment_statement__in=earlier)
        | Q(clawback_statement=statement)
        | Q(clawback_statement__in=earlier)
    )
    if course is not None:
        declarations = declarations.filter(course_identifier=course)
    paid = Q(state__in=PAID_ON_STATEMENT_STATES)
    refunded = Q(state__in=REFUNDABLE_DECLARATION_STATES)
    rows = declarations.values("declaration_type").annotate(
        billable=Count("pk", filter=paid & Q(payment_statement=statement)),
        refundable=Count("pk", filter=refunded & Q(clawback_statement=statement)),
        previous_billable=Count("pk", filter=paid & Q(payment_statement__in=earlier)),
        previous_refundable=Count("pk", filter=refunded & Q(clawback_statement__in=earlier)),
    )
    return {
        row["declaration_type"]: DeclarationCounts(
            previous_billable=row["previous_billable"],
            previous_refundable=row["previous_refundable"],
            billable=row["billable"],
            refundable=row["refundable"],
        )
        for row in rows
    }


def _uplift_counts(statement: Statement) -> tuple[int, int]:
    started = Declaration.objects.filter(declaration_type=DeclarationType.STARTED).filter(
        Q(pupil_premium_uplift=True) | Q(sparsity_uplift=True)
    )
    return (
        started.filter(payment_statement=statement, state__in=PAID_ON_STATEMENT_STATES).count(),
        started.filter(clawback_statement=statement, state__in=REFUNDABLE_DECLARATION_STATES).count(),
    )


def _bands(contract: Contract) -> list[BandTerms]:
    return [
        BandTerms(band.name, band.min, band.max, band.per_participant, band.output_payment_percentage,
                  band.service_fee_percentage)
        for band in contract.bands.order_by("name")
    ]  # fmt: skip


def statement_breakdown(*, statement: Statement) -> StatementBreakdown:
    """Every line of what `statement` pays, from its contract and the declarations on it (finance rules §3)."""
    contract = statement.contract
    vat_rate, vat_registered = contract.vat_rate, statement.lead_provider.vat_registered
    modern = contract.contract_type == ContractType.ITTECF_ECTP
    bands = _bands(contract)
    counts = _counts(statement, CourseIdentifier.ECT if modern else None)
    additions, subtractions = _uplift_counts(statement) if contract.uplift_amount is not None else (0, 0)
    banded = banded_breakdown(
        bands,
        counts,
        service_fee=monthly_service_fee(
            bands,
            recruitment_target=contract.recruitment_target,
            set_up_fee=contract.set_up_fee,
            fixed_fee=contract.monthly_service_fee,
        ),
        uplift_amount=contract.uplift_amount,
        uplift_additions=additions,
        uplift_subtractions=subtractions,
        adjustments=statement.adjustments.values_list("amount", flat=True),
    )
    output_lines, clawback_lines, unpaid = [], [], {}
    for declaration_type, allocation in banded.allocations.items():
        for band in bands:
            fee = band.output_fee(declaration_type)
            if added := allocation.additions[band.name]:
                output_lines.append(BandLine(declaration_type, band.name, added, fee, added * fee))
            if taken := allocation.subtractions[band.name]:
                clawback_lines.append(BandLine(declaration_type, band.name, taken, fee, taken * fee))
        beyond = counts[declaration_type].billable - sum(allocation.additions.values())
        if beyond:
            unpaid[declaration_type] = beyond
    ect_total = with_vat(banded.total_ex_vat, vat_rate=vat_rate, vat_registered=vat_registered)
    ects = SectionBreakdown(
        output_lines=output_lines,
        clawback_lines=clawback_lines,
        unpaid_beyond_bands=unpaid,
        output_fee=banded.output_fee,
        service_fee=banded.service_fee,
        uplift_fee=banded.uplift_fee,
        clawbacks=banded.clawbacks,
        adjustments=banded.adjustments,
        total_ex_vat=banded.total_ex_vat,
        vat=ect_total - banded.total_ex_vat,
        total=ect_total,
    )
    mentors = _mentor_section(statement, contract, vat_rate, vat_registered) if modern else None
    by_state = Declaration.objects.filter(Q(payment_statement=statement) | Q(clawback_statement=statement))
    return StatementBreakdown(
        ects=ects,
        mentors=mentors,
        total=ect_total + (mentors.total if mentors else Decimal(0)),
        declaration_counts=dict(
            by_state.values_list("state").annotate(count=Count("pk")).values_list("state", "count")
        ),
    )


def _mentor_section(
    statement: Statement, contract: Contract, vat_rate: Decimal, vat_registered: bool
) -> SectionBreakdown:
    fee = contract.mentor_payment_per_participant or Decimal(0)
    counts = _counts(statement, CourseIdentifier.MENTOR)
    half = fee / 2
    lines = [
        BandLine(t, "flat", counts[t].billable, half, counts[t].billable * half) for t in counts if counts[t].billable
    ]
    clawback_lines = [
        BandLine(t, "flat", counts[t].refundable, half, counts[t].refundable * half)
        for t in counts
        if counts[t].refundable
    ]
    net = mentor_output_fee(counts, fee_per_participant=fee)
    total = with_vat(net, vat_rate=vat_rate, vat_registered=vat_registered)
    return SectionBreakdown(
        output_lines=lines,
        clawback_lines=clawback_lines,
        unpaid_beyond_bands={},
        output_fee=sum((line.subtotal for line in lines), Decimal(0)),
        service_fee=Decimal(0),
        uplift_fee=Decimal(0),
        clawbacks=sum((line.subtotal for line in clawback_lines), Decimal(0)),
        adjustments=Decimal(0),
        total_ex_vat=net,
        vat=total - net,
        total=total,
    )


@transaction.atomic
def statements_mark_payable(*, today: date | None = None) -> int:
    """Move every open statement whose cut-off has passed (however many days were missed) to payable,
    with its eligible declarations. Idempotent: a second run finds nothing to do. Returns how many moved."""
    today = today or clock.today()
    due = list(
        Statement.objects.select_for_update()
        .filter(status=StatementStatus.OPEN, deadline_date__lt=today)
        .order_by("pk")
    )
    for statement in due:
        for declaration in statement.paid_declarations.select_for_update().filter(state=DeclarationState.ELIGIBLE):
            declaration.state = DeclarationState.PAYABLE
            declaration.save(update_fields=["state", "updated_at", "api_updated_at"])
        statement.status = StatementStatus.PAYABLE
        statement.save(update_fields=["status", "updated_at", "api_updated_at"])
    return len(due)


def statement_authorisation_blocker(*, statement: Statement) -> ValidationError | None:
    """Why `statement` cannot be authorised for payment now, or None when it can: not a payable output statement
    past its cut-off (code "not_payable"), or failing the integrity check (code "integrity")."""
    if not (
        statement.output_fee and statement.status == StatementStatus.PAYABLE and statement.deadline_date < clock.today()
    ):
        return ValidationError(NOT_PAYABLE, code="not_payable")
    violations = finance_integrity_violations(statement=statement)
    if violations:
        listed = "; ".join(str(violation) for violation in violations)
        return ValidationError(NOT_INTACT.format(violations=listed), code="integrity")
    return None


def statement_lines_to_authorise(*, statement: Statement) -> tuple[QuerySet[Declaration], QuerySet[Declaration]]:
    """The declarations authorising `statement` settles: its payable payments (to be paid) and its clawbacks
    awaiting clawback (to be clawed back)."""
    declarations = Declaration.objects.select_related("participant").order_by(
        "declaration_type", "participant__full_name"
    )
    return (
        declarations.filter(payment_statement=statement, state=DeclarationState.PAYABLE),
        declarations.filter(clawback_statement=statement, state=DeclarationState.AWAITING_CLAWBACK),
    )


@transaction.atomic
def statement_authorise_payment(*, statement: Statement, authorised_by: str = "", reason: str = "") -> Statement:
    """Authorise `statement` for payment: payable declarations become paid, clawbacks on it clawed back, and
    the figures are kept as paid; the history names `authorised_by` and `reason`. Raises
    ValidationError(code="not_payable") unless the statement is a payable output statement past its cut-off,
    and ValidationError(code="integrity") when it or its declarations break an invariant
    (finance.services.integrity)."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    blocker = statement_authorisation_blocker(statement=statement)
    if blocker is not None:
        raise blocker
    for declaration in statement.paid_declarations.select_for_update().filter(state=DeclarationState.PAYABLE):
        declaration.state = DeclarationState.PAID
        declaration.save(update_fields=["state", "updated_at", "api_updated_at"])
    for declaration in statement.clawed_back_declarations.select_for_update().filter(
        state=DeclarationState.AWAITING_CLAWBACK
    ):
        declaration.state = DeclarationState.CLAWED_BACK
        declaration.save(update_fields=["state", "updated_at", "api_updated_at"])
    statement.status = StatementStatus.PAID
    statement.marked_as_paid_at = clock.now()
    statement.paid_breakdown = statement_breakdown(statement=statement).as_json()
    history = f"Authorised for payment by {authorised_by}" if authorised_by else "Authorised for payment"
    set_change_reason(statement, f"{history}: {reason.strip()}" if reason.strip() else history)
    statement.save()
    return statement


@transaction.atomic
def statement_calendar_generate(
    *, lead_provider: LeadProvider, cohort: Cohort, output_months: frozenset[int] | None = None
) -> int:
    """Create the missing statements of the provider's calendar for the cohort (finance/calendars.py; its
    output months can be replaced), each priced by the provider's latest contract for the cohort.
    Idempotent; returns how many were made.
    Raises ValidationError(code="no_contract") when the provider has no contract for the cohort."""
    contract = Contract.objects.filter(lead_provider=lead_provider, cohort=cohort).order_by("-created_at").first()
    if contract is None:
        raise ValidationError(f"{lead_provider} has no contract for {cohort}.", code="no_contract")
    existing = set(Statement.objects.filter(lead_provider=lead_provider, cohort=cohort).values_list("year", "month"))
    created = 0
    for slot in statement_calendar(cohort.start_year, output_months):
        if (slot.year, slot.month) in existing:
            continue
        Statement.objects.create(
            lead_provider=lead_provider,
            cohort=cohort,
            contract=contract,
            year=slot.year,
            month=slot.month,
            deadline_date=slot.deadline_date,
            payment_date=slot.payment_date,
            output_fee=slot.output_fee,
        )
        created += 1
    return created
