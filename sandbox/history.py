"""Declarations as history: how the sandbox makes declarations that were made, and paid, in the past.

Shared by the seed (`sandbox.participants`, which writes its history directly) and the self-service participants
(`sandbox.services.participants`, which declares through the real service and then records a declaration on the
past statement it would have landed on). Both follow the same rules, so a provider finds the same kind of history
in both:

- a declaration made on a day lands on the provider's first output statement for the cohort whose cut-off is on or
  after that day (`output_statement_for`), and
- its state is the one that statement's status gives it (`STATE_FOR_STATEMENT`): eligible while it is open,
  payable once past its cut-off, paid once authorised;
- it is dated a little into the window it was declared in (`day_in_window`), mid-morning London time
  (`moment_on`), never ahead of now.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Protocol, TypeVar

from django.utils import timezone

from ecf.choices import DeclarationState
from finance.choices import StatementStatus

STATE_FOR_STATEMENT = {
    StatementStatus.OPEN: DeclarationState.ELIGIBLE,
    StatementStatus.PAYABLE: DeclarationState.PAYABLE,
    StatementStatus.PAID: DeclarationState.PAID,
}
# How far into the days it could have been made a declaration is dated, when the window allows.
DAYS_INTO_WINDOW = 20


class OutputStatementLike(Protocol):
    """A statement as far as placing a declaration goes: the seed's `StatementInfo` or a `Statement` row."""

    @property
    def deadline_date(self) -> date: ...

    @property
    def output_fee(self) -> bool: ...


S = TypeVar("S", bound=OutputStatementLike)


def output_statement_for(statements: Iterable[S], on: date) -> S | None:
    """The output statement a declaration made on `on` lands on: the first cut-off on or after it (`statements`
    are one provider's for one cohort, in cut-off order). None beyond the cohort's last statement."""
    for statement in statements:
        if statement.output_fee and statement.deadline_date >= on:
            return statement
    return None


def days_landing_on(statements: list[S], statement: S) -> tuple[date, date]:
    """The first and last day a declaration can be made to land on `statement` (an output statement among
    `statements`, in cut-off order): after the previous output statement's cut-off, up to its own."""
    earlier = [s for s in statements[: statements.index(statement)] if s.output_fee]
    first = earlier[-1].deadline_date + timedelta(days=1) if earlier else date.min
    return first, statement.deadline_date


def day_in_window(opens: date, closes: date | None) -> date:
    """The day a milestone whose window opens on `opens` (or later, for this participant) is declared: a few weeks
    in, or its last day when the window closes sooner."""
    day = opens + timedelta(days=DAYS_INTO_WINDOW)
    return day if closes is None else min(day, closes)


def moment_on(day: date) -> datetime:
    """Mid-morning London time on `day`; a declaration made today is dated a minute ago, never ahead."""
    moment = timezone.make_aware(datetime.combine(day, time(10, 30)))
    return min(moment, timezone.now() - timedelta(minutes=1))
