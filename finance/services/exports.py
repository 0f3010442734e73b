"""CSV exports for the finance team: a statement's declarations with the band and fee each one was
priced at, a statement's breakdown, and the assurance report of a provider's declarations in a cohort.

Amounts are plain numbers (`-12.50`, no £ or thousands separators) so spreadsheets add them up.

Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula, and participant names, descriptions and the like come from providers and imports.
Every TEXT cell starting with one of those is written with a leading `'`, which spreadsheets show as text. Numbers
(Decimal, int) are written as they are: `-12.50` must stay a number a spreadsheet can sum, and a number cannot
carry a formula. So a value is judged by its type, never by its text: amounts stay Decimals until written."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, QuerySet

from ecf.models import Cohort, Declaration, LeadProvider
from finance.calculators import money
from finance.models import Statement
from finance.services.statements import PAID_ON_STATEMENT_STATES, StatementBreakdown, statement_breakdown

DECLARATION_COLUMNS = [
    "declaration_id",
    "participant_id",
    "participant_name",
    "declaration_type",
    "course_identifier",
    "declaration_date",
    "state",
    "line",
    "band",
    "fee",
]
ASSURANCE_COLUMNS = [
    "declaration_id",
    "participant_id",
    "participant_name",
    "trn",
    "training_record_id",
    "declaration_type",
    "course_identifier",
    "declaration_date",
    "state",
    "ineligible_reason",
    "delivery_partner",
    "payment_statement",
    "clawback_statement",
    "pupil_premium_uplift",
    "sparsity_uplift",
    "created_at",
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, made inert; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def _priced_lines(breakdown: StatementBreakdown) -> dict[tuple[str, str], list[tuple[str, Decimal]]]:
    """(declaration type, line) -> (band, fee) slots in band order, one per declaration the line counts."""
    slots: dict[tuple[str, str], list[tuple[str, Decimal]]] = {}
    for section in (breakdown.ects, breakdown.mentors):
        if section is None:
            continue
        for line_name, lines in (("output", section.output_lines), ("clawback", section.clawback_lines)):
            for line in lines:
                slots.setdefault((line.declaration_type, line_name), []).extend([(line.band, line.fee)] * line.count)
    return slots


def statement_declarations_csv(*, statement: Statement) -> str:
    """Every declaration paid or clawed back on the statement, with the band and fee it was priced at.
    Within a type, declarations fill the bands in the order they were declared; those beyond the last band
    show band "none" and fee 0."""
    slots = _priced_lines(statement_breakdown(statement=statement))
    declarations = (
        Declaration.objects.filter(
            Q(payment_statement=statement, state__in=PAID_ON_STATEMENT_STATES) | Q(clawback_statement=statement)
        )
        .select_related("participant")
        .order_by("declaration_date", "created_at", "pk")
    )
    rows = []
    for declaration in declarations:
        line = "clawback" if declaration.clawback_statement_id == statement.pk else "output"
        available = slots.get((declaration.declaration_type, line), [])
        band, fee = available.pop(0) if available else ("none", Decimal(0))
        rows.append(
            [
                declaration.pk,
                declaration.participant_id,
                declaration.participant.full_name,
                declaration.declaration_type,
                declaration.course_identifier,
                declaration.declaration_date.isoformat(),
                declaration.state,
                line,
                band,
                money(fee),
            ]
        )
    return _csv(DECLARATION_COLUMNS, rows)


def statement_breakdown_csv(*, statement: Statement) -> str:
    """The statement's breakdown as rows: section, line, declaration type, band, count, fee, amount."""
    figures = statement_breakdown(statement=statement)
    rows: list[list[object]] = []
    for name, section in (("ECTs", figures.ects), ("Mentors", figures.mentors)):
        if section is None:
            continue
        for line_name, lines in (("Output payment", section.output_lines), ("Clawback", section.clawback_lines)):
            for line in lines:
                sign = -1 if line_name == "Clawback" else 1
                rows.append(
                    [
                        name,
                        line_name,
                        line.declaration_type,
                        line.band,
                        line.count,
                        money(line.fee),
                        money(sign * line.subtotal),
                    ]
                )
        for label, amount in (
            ("Service fee", section.service_fee),
            ("Uplift fees", section.uplift_fee),
            ("Clawbacks total", -section.clawbacks),
            ("Adjustments", section.adjustments),
            ("Total excluding VAT", section.total_ex_vat),
            ("VAT", section.vat),
            ("Total", section.total),
        ):
            rows.append([name, label, "", "", "", "", money(amount)])
    rows.append(["Statement", "Total", "", "", "", "", money(figures.total)])
    return _csv(["section", "line", "declaration_type", "band", "count", "fee", "amount"], rows)


def assurance_declarations(*, lead_provider: LeadProvider, cohort: Cohort) -> QuerySet[Declaration]:
    return (
        Declaration.objects.filter(lead_provider=lead_provider, cohort=cohort)
        .select_related("participant", "delivery_partner", "payment_statement", "clawback_statement")
        .order_by("created_at", "pk")
    )


def assurance_report_csv(*, lead_provider: LeadProvider, cohort: Cohort) -> str:
    """Every declaration of the provider in the cohort, in every state, for assurance checks."""
    rows = (
        [
            d.pk,
            d.participant_id,
            d.participant.full_name,
            d.participant.trn,
            d.training_record_id,
            d.declaration_type,
            d.course_identifier,
            d.declaration_date.isoformat(),
            d.state,
            d.ineligible_reason,
            d.delivery_partner.name if d.delivery_partner else "",
            d.payment_statement.name if d.payment_statement else "",
            d.clawback_statement.name if d.clawback_statement else "",
            d.pupil_premium_uplift,
            d.sparsity_uplift,
            d.created_at.isoformat(),
        ]
        for d in assurance_declarations(lead_provider=lead_provider, cohort=cohort)
    )
    return _csv(ASSURANCE_COLUMNS, rows)
