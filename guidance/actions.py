"""The partnerships and participant actions pages' generated parts: each rule's 422 error, from the services'
own messages, and the partnership challenge window."""

from ecf.choices import DeferReason, WithdrawReason
from ecf.services import participants as actions
from guidance.tables import errors_table
from partnerships import services as partnerships


def partnership_errors_markdown() -> str:
    p = partnerships
    return errors_table(
        [
            ("cohort", p.COHORT_INVALID),
            ("cohort", p.COHORT_CLOSED),
            ("school_id", p.SCHOOL_INVALID),
            ("school_id", p.SCHOOL_INELIGIBLE),
            ("school_id", p.SCHOOL_ALREADY_CONFIRMED),
            ("delivery_partner_id", p.DELIVERY_PARTNER_INVALID),
            ("delivery_partner_id", p.DELIVERY_PARTNER_NOT_RELATED),
            ("id", p.PARTNERSHIP_CHALLENGED),
        ]
    )


def challenge_window_markdown() -> str:
    return (
        f"A school can challenge a partnership until the later of two days: the end of the cohort's academic "
        f"year's first {partnerships.CHALLENGE_WINDOW_MONTHS} months, and {partnerships.CHALLENGE_WINDOW_MIN_DAYS} "
        "days after you reported (or last changed) the partnership."
    )


def action_errors_markdown() -> str:
    a = actions
    return errors_table(
        [
            ("course_identifier", a.COURSE_NOT_RECOGNISED),
            ("reason", a.WITHDRAW_REASON_INVALID),
            ("reason", a.WITHDRAW_REASON_MENTORS_ONLY),
            ("reason", a.DEFER_REASON_INVALID),
            ("participant_id", a.ALREADY_WITHDRAWN),
            ("participant_id", a.ALREADY_DEFERRED),
            ("participant_id", a.DEFER_WITHDRAWN),
            ("participant_id", a.ALREADY_ACTIVE),
            ("participant_id", a.BEFORE_PREVIOUS_ACTION),
        ]
    )


def reasons_markdown() -> str:
    withdraw = ", ".join(f"`{value}`" for value in WithdrawReason.values)
    defer = ", ".join(f"`{value}`" for value in DeferReason.values)
    return f"- Withdrawal reasons: {withdraw}.\n- Deferral reasons: {defer}.\n"
