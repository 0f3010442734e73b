"""The statement invariants the database cannot hold by itself (a foreign key cannot say "of the same provider
and cohort"), checked by query: `manage.py check_finance_integrity` and the daily jobs report every violation,
and authorising a statement refuses one that breaks any.

1. A statement's contract is its lead provider's, for its cohort.
2. A declaration's payment and clawback statements are its lead provider's, for its cohort, and output
   statements (service-fee months take no declarations).
3. A declaration's state agrees with its statements: eligible on an open statement, payable on a payable one,
   paid on a paid one; awaiting clawback on a statement not yet paid, clawed back on a paid one.
4. A paid statement is settled: it takes no adjustment after it was authorised. (Its figures are kept at
   authorisation; statements imported as paid have none, so that is not an invariant.)
5. A declaration on a training record another provider trains is listed as such
   (`ecf.models.SharedRecordDeclaration`, kept by triggers): the declarations list shows it to that provider
   only then.
"""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from ecf.choices import DeclarationState
from ecf.models import Declaration
from ecf.selectors.declarations import unlisted_shared_record_declarations
from finance.choices import StatementStatus
from finance.models import Adjustment, Statement


@dataclass(frozen=True)
class Violation:
    rule: str  # a short key, stable for scripts and tests
    subject: str  # what breaks it: "statement <id> (<name>)" or "declaration <id>"
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.subject}: {self.detail}"


# (state, statement: "payment" or "clawback", the statement status the state needs)
STATE_NEEDS_STATUS = (
    (DeclarationState.ELIGIBLE, "payment", StatementStatus.OPEN),
    (DeclarationState.PAYABLE, "payment", StatementStatus.PAYABLE),
    (DeclarationState.PAID, "payment", StatementStatus.PAID),
    (DeclarationState.CLAWED_BACK, "clawback", StatementStatus.PAID),
)


def _statement_subject(statement: Statement) -> str:
    return f"statement {statement.pk} ({statement})"


def _contract_violations(statements: QuerySet[Statement]) -> list[Violation]:
    wrong = statements.filter(
        ~Q(contract__lead_provider_id=F("lead_provider_id")) | ~Q(contract__cohort_id=F("cohort_id"))
    ).select_related("lead_provider", "cohort", "contract__lead_provider", "contract__cohort")
    return [
        Violation(
            "statement_contract_books",
            _statement_subject(statement),
            f"priced with {statement.contract}, another provider's or cohort's contract",
        )
        for statement in wrong
    ]


def _declaration_violations(declarations: QuerySet[Declaration]) -> list[Violation]:
    found = []
    for line in ("payment", "clawback"):
        statement = f"{line}_statement"
        other_books = declarations.filter(
            ~Q(**{f"{statement}__lead_provider_id": F("lead_provider_id")})
            | ~Q(**{f"{statement}__cohort_id": F("cohort_id")}),
            **{f"{statement}__isnull": False},
        ).values_list("pk", f"{statement}_id")
        found += [
            Violation(f"declaration_{line}_statement_books", f"declaration {pk}", f"its {line} statement {to} is "
                      "another provider's or cohort's")
            for pk, to in other_books
        ]  # fmt: skip
        service_fee_only = declarations.filter(**{f"{statement}__output_fee": False}).values_list(
            "pk", f"{statement}_id"
        )
        found += [
            Violation(f"declaration_{line}_statement_output", f"declaration {pk}", f"its {line} statement {to} "
                      "is a service-fee-only statement")
            for pk, to in service_fee_only
        ]  # fmt: skip
    for state, line, status in STATE_NEEDS_STATUS:
        wrong = declarations.filter(state=state, **{f"{line}_statement__isnull": False}).exclude(
            **{f"{line}_statement__status": status}
        )
        found += [
            Violation("declaration_state_statement_status", f"declaration {pk}", f"{state} but its {line} "
                      f"statement {to} is {current}, not {status}")
            for pk, to, current in wrong.values_list("pk", f"{line}_statement_id", f"{line}_statement__status")
        ]  # fmt: skip
    early_clawback = declarations.filter(
        state=DeclarationState.AWAITING_CLAWBACK, clawback_statement__status=StatementStatus.PAID
    ).values_list("pk", "clawback_statement_id")
    found += [
        Violation("declaration_state_statement_status", f"declaration {pk}", f"awaiting clawback but its "
                  f"clawback statement {to} is paid")
        for pk, to in early_clawback
    ]  # fmt: skip
    return found


def _paid_statement_violations(statements: QuerySet[Statement]) -> list[Violation]:
    paid = statements.filter(status=StatementStatus.PAID)
    late = Adjustment.objects.filter(statement__in=paid, created_at__gt=F("statement__marked_as_paid_at"))
    return [
        Violation("paid_statement_adjustment", f"adjustment {adjustment.pk}", f"added to {adjustment.statement} "
                  "after it was authorised for payment")
        for adjustment in late.select_related("statement__lead_provider", "statement__cohort")
    ]  # fmt: skip


def _shared_record_violations(declarations: QuerySet[Declaration]) -> list[Violation]:
    unlisted = unlisted_shared_record_declarations().filter(pk__in=declarations.values("pk"))
    return [
        Violation("declaration_shared_record_unlisted", f"declaration {pk}", "another provider trains its "
                  "training record, but it is not listed as shared, so that provider cannot see it")
        for pk in unlisted.values_list("pk", flat=True)
    ]  # fmt: skip


def finance_integrity_violations(*, statement: Statement | None = None) -> list[Violation]:
    """Every broken invariant (module docstring), over every statement and declaration, or only over
    `statement` and the declarations paid or clawed back on it."""
    statements = Statement.objects.all()
    declarations = Declaration.objects.all()
    if statement is not None:
        statements = statements.filter(pk=statement.pk)
        declarations = declarations.filter(Q(payment_statement=statement) | Q(clawback_statement=statement))
    return [
        *_contract_violations(statements),
        *_declaration_violations(declarations),
        *_paid_statement_violations(statements),
        *_shared_record_violations(declarations),
    ]
