"""Statements and payment dates: the statement calendar per cohort (finance/calendars.py) and a worked example
of a statement's breakdown, computed by the same calculators the finance team's statements use."""

from decimal import Decimal

from ecf.choices import DeclarationType
from finance import calculators
from finance.calendars import statement_calendar
from guidance.schedules import cohorts
from guidance.tables import day


def statement_calendar_markdown() -> str:
    sections = []
    for year in cohorts():
        rows = "\n".join(
            f"| {slot.year}-{slot.month:02d} | {day(slot.deadline_date)} | {day(slot.payment_date)} | "
            f"{'yes' if slot.output_fee else 'no'} |"
            for slot in statement_calendar(year)
        )
        sections.append(
            f"### {year} cohort\n\n| statement | cut-off | payment date | takes declarations (output fees) |\n"
            f"|---|---|---|---|\n{rows}\n"
        )
    return "\n".join(sections)


# The example's contract: made-up terms, small enough to follow by hand.
EXAMPLE_BANDS = (
    calculators.BandTerms("A", 0, 100, Decimal("1000")),
    calculators.BandTerms("B", 101, 200, Decimal("900")),
    calculators.BandTerms("C", 201, 300, Decimal("800")),
)
EXAMPLE_RECRUITMENT_TARGET = 150
EXAMPLE_SET_UP_FEE = Decimal("2900")
EXAMPLE_UPLIFT = Decimal("100")
EXAMPLE_VAT = Decimal("0.20")
EXAMPLE_COUNTS: dict[str, calculators.DeclarationCounts] = {
    DeclarationType.STARTED: calculators.DeclarationCounts(previous_billable=95, billable=10),
    DeclarationType.RETAINED_1: calculators.DeclarationCounts(previous_billable=20, billable=40, refundable=2),
}
EXAMPLE_UPLIFTS = 3


def _pounds(amount: Decimal) -> str:
    value = calculators.money(amount)
    return f"-£{-value:,.2f}" if value < 0 else f"£{value:,.2f}"


def worked_example_markdown() -> str:
    bands = EXAMPLE_BANDS
    service_fee = calculators.monthly_service_fee(
        bands, recruitment_target=EXAMPLE_RECRUITMENT_TARGET, set_up_fee=EXAMPLE_SET_UP_FEE, fixed_fee=None
    )
    breakdown = calculators.banded_breakdown(
        bands,
        EXAMPLE_COUNTS,
        service_fee=service_fee,
        uplift_amount=EXAMPLE_UPLIFT,
        uplift_additions=EXAMPLE_UPLIFTS,
    )
    total = calculators.with_vat(breakdown.total_ex_vat, vat_rate=EXAMPLE_VAT, vat_registered=True)
    band_rows = "\n".join(
        f"| {band.name} | {band.min or 1} to {band.max} | {_pounds(band.per_participant)} | "
        f"{band.output_percentage}% / {band.service_percentage}% |"
        for band in bands
    )
    count_rows = "\n".join(
        f"| `{declaration_type}` | {counts.previous_billable} | {counts.billable} | {counts.refundable} |"
        for declaration_type, counts in EXAMPLE_COUNTS.items()
    )
    allocation_rows = "\n".join(
        f"| `{declaration_type}` | "
        + ", ".join(f"{name}: {count}" for name, count in allocation.additions.items() if count)
        + " | "
        + (", ".join(f"{name}: {count}" for name, count in allocation.subtractions.items() if count) or "none")
        + " |"
        for declaration_type, allocation in breakdown.allocations.items()
    )
    return f"""The contract in this example (made up, to keep the sums small):

| band | participants | price per participant | output / service share |
|---|---|---|---|
{band_rows}

Recruitment target {EXAMPLE_RECRUITMENT_TARGET}, set-up fee {_pounds(EXAMPLE_SET_UP_FEE)}, uplift
{_pounds(EXAMPLE_UPLIFT)} per uplifted start, VAT {EXAMPLE_VAT * 100:.0f}%.

The declarations counted for the statement, per type (earlier statements of the cohort, this one):

| declaration type | billable on earlier statements | billable on this statement | clawed back on this statement |
|---|---|---|---|
{count_rows}

Bands fill in order across the cohort's statements, so this statement's declarations land where the earlier ones
stopped; clawbacks come off the highest bands first:

| declaration type | paid in bands | clawed back from bands |
|---|---|---|
{allocation_rows}

The statement then pays:

| line | amount |
|---|---|
| service fee (the same every month) | {_pounds(breakdown.service_fee)} |
| output fees | {_pounds(breakdown.output_fee)} |
| uplift fees ({EXAMPLE_UPLIFTS} uplifted starts) | {_pounds(breakdown.uplift_fee)} |
| clawbacks | -{_pounds(breakdown.clawbacks)} |
| total excluding VAT | {_pounds(breakdown.total_ex_vat)} |
| total including VAT | {_pounds(total)} |
"""
