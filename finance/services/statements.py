"""Statement lifecycle (open → payable → paid, decision D19) and the breakdown of what a statement pays."""

from collections.abc import Sequence
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
from finance.models import Adjustment, Band, Contract, Statement
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


# One group of declarations on a provider's statements for a cohort: (payment statement id, clawback statement
# id, declaration type, course, state, uplifted) -> how many. Every figure of a breakdown is a sum over these.
Tally = dict[tuple[Any, Any, str, str, str, bool], int]


def _tally(statement_ids: list[Any]) -> Tally:
    """The declarations paid or clawed back on any of `statement_ids`, counted by group (one aggregate query)."""
    rows = (
        Declaration.objects.filter(
            Q(payment_statement_id__in=statement_ids) | Q(clawback_statement_id__in=statement_ids)
        )
        .values(
            "payment_statement_id",
            "clawback_statement_id",
            "declaration_type",
            "course_identifier",
            "state",
            "pupil_premium_uplift",
            "sparsity_uplift",
        )
        .annotate(count=Count("pk"))
    )
    tally: Tally = {}
    for row in rows:
        key = (
            row["payment_statement_id"],
            row["clawback_statement_id"],
            row["declaration_type"],
            row["course_identifier"],
            row["state"],
            row["pupil_premium_uplift"] or row["sparsity_uplift"],
        )
        tally[key] = tally.get(key, 0) + row["count"]
    return tally


@dataclass(frozen=True)
class _Books:
    """What pricing one statement reads besides the statement: its provider's statements for the cohort paid
    before it, the declarations on them and on it, its contract's bands and its adjustments."""

    statement: Statement
    earlier: frozenset[Any]
    tally: Tally
    bands: list[BandTerms]
    adjustments: list[Decimal]

    def counts(self, course: str | None) -> dict[str, DeclarationCounts]:
        """Per declaration type (of `course`, or every course): billable and refundable declarations on this
        statement and on the earlier ones."""
        this, earlier = self.statement.pk, self.earlier
        counts: dict[str, dict[str, int]] = {}
        for (paid_on, clawed_back_on, declaration_type, course_identifier, state, _), count in self.tally.items():
            if course is not None and course_identifier != course:
                continue
            if not ({paid_on, clawed_back_on} & (earlier | {this})):
                continue
            line = counts.setdefault(declaration_type, dict.fromkeys(DeclarationCounts.__dataclass_fields__, 0))
            if state in PAID_ON_STATEMENT_STATES:
                line["billable"] += count if paid_on == this else 0
                line["previous_billable"] += count if paid_on in earlier else 0
            if state in REFUNDABLE_DECLARATION_STATES:
                line["refundable"] += count if clawed_back_on == this else 0
                line["previous_refundable"] += count if clawed_back_on in earlier else 0
        order = list(DeclarationType.values)  # lines read in milestone order
        return {
            declaration_type: DeclarationCounts(**counts[declaration_type])
            for declaration_type in sorted(counts, key=lambda t: order.index(t) if t in order else len(order))
        }

    def uplift_counts(self) -> tuple[int, int]:
        """Uplifted `started` declarations (any course) paid on this statement, and clawed back on it."""
        this = self.statement.pk
        additions = subtractions = 0
        for (paid_on, clawed_back_on, declaration_type, _, state, uplifted), count in self.tally.items():
            if not uplifted or declaration_type != DeclarationType.STARTED:
                continue
            additions += count if paid_on == this and state in PAID_ON_STATEMENT_STATES else 0
            subtractions += count if clawed_back_on == this and state in REFUNDABLE_DECLARATION_STATES else 0
        return additions, subtractions

    def declaration_counts(self) -> dict[str, int]:
        """Declarations paid or clawed back on this statement, by state."""
        this = self.statement.pk
        by_state: dict[str, int] = {}
        for (paid_on, clawed_back_on, _, _, state, _), count in self.tally.items():
            if this in (paid_on, clawed_back_on):
                by_state[state] = by_state.get(state, 0) + count
        return dict(sorted(by_state.items()))


def _books(statements: Sequence[Statement]) -> list[_Books]:
    """What pricing each of `statements` reads, in four queries whatever their number."""
    latest: dict[tuple[Any, Any], date] = {}
    for statement in statements:
        book = (statement.lead_provider_id, statement.cohort_id)
        latest[book] = max(latest.get(book, statement.payment_date), statement.payment_date)
    siblings: dict[tuple[Any, Any], list[tuple[Any, date]]] = {}
    candidates = Statement.objects.filter(
        lead_provider_id__in={book[0] for book in latest}, cohort_id__in={book[1] for book in latest}
    ).values_list("pk", "lead_provider_id", "cohort_id", "payment_date")
    for pk, lead_provider_id, cohort_id, payment_date in candidates:
        book = (lead_provider_id, cohort_id)
        if book in latest and payment_date <= latest[book]:
            siblings.setdefault(book, []).append((pk, payment_date))
    # Each statement reads only its own book's groups (a list page holds many books).
    book_of = {pk: book for book, members in siblings.items() for pk, _ in members}
    tallies: dict[tuple[Any, Any], Tally] = {}
    for key, count in _tally(list(book_of)).items():
        for statement_id in key[:2]:
            if statement_id in book_of:
                tallies.setdefault(book_of[statement_id], {})[key] = count
    bands: dict[Any, list[BandTerms]] = {}
    for band in Band.objects.filter(contract_id__in={s.contract_id for s in statements}).order_by("name"):
        bands.setdefault(band.contract_id, []).append(
            BandTerms(band.name, band.min, band.max, band.per_participant, band.output_payment_percentage,
                      band.service_fee_percentage)
        )  # fmt: skip
    adjustments: dict[Any, list[Decimal]] = {}
    for statement_id, amount in Adjustment.objects.filter(statement__in=statements).values_list(
        "statement_id", "amount"
    ):
        adjustments.setdefault(statement_id, []).append(amount)
    return [
        _Books(
            statement=statement,
            earlier=frozenset(
                pk
                for pk, payment_date in siblings[(statement.lead_provider_id, statement.cohort_id)]
                if payment_date < statement.payment_date
            ),
            tally=tallies.get((statement.lead_provider_id, statement.cohort_id), {}),
            bands=bands.get(statement.contract_id, []),
            adjustments=adjustments.get(statement.pk, []),
        )
        for statement in statements
    ]


def statement_breakdown(*, statement: Statement) -> StatementBreakdown:
    """Every line of what `statement` pays, from its contract and the declarations on it (finance rules §3)."""
    return _priced(_books([statement])[0])


def statement_totals(*, statements: Sequence[Statement]) -> dict[Any, Decimal]:
    """What each statement pays, by id: a paid one's kept figure, the others calculated together in a fixed
    number of queries (for a list of statements; load their contract and lead provider with them)."""
    totals = {s.pk: Decimal(s.paid_breakdown["total"]) for s in statements if s.paid_breakdown is not None}
    unpaid = [s for s in statements if s.paid_breakdown is None]
    totals.update({books.statement.pk: _priced(books).total for books in _books(unpaid)} if unpaid else {})
    return totals


def _priced(books: _Books) -> StatementBreakdown:
    statement = books.statement
    contract = statement.contract
    vat_rate, vat_registered = contract.vat_rate, statement.lead_provider.vat_registered
    modern = contract.contract_type == ContractType.ITTECF_ECTP
    bands = books.bands
    counts = books.counts(CourseIdentifier.ECT if modern else None)
    additions, subtractions = books.uplift_counts() if contract.uplift_amount is not None else (0, 0)
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
        adjustments=books.adjustments,
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
    mentors = (
        _mentor_section(books.counts(CourseIdentifier.MENTOR), contract, vat_rate, vat_registered) if modern else None
    )
    return StatementBreakdown(
        ects=ects,
        mentors=mentors,
        total=ect_total + (mentors.total if mentors else Decimal(0)),
        declaration_counts=books.declaration_counts(),
    )


def _mentor_section(
    counts: dict[str, DeclarationCounts], contract: Contract, vat_rate: Decimal, vat_registered: bool
) -> SectionBreakdown:
    fee = contract.mentor_payment_per_participant or Decimal(0)
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
