"""Definitions and states: every enumeration the API emits, each value with a sentence of ours.

The values come from the code's enumerations (the ones the serializers use); the sentences are keyed by value.
A value added to the code without a sentence here stops the page from rendering (and fails
tests/guidance/test_states.py), so the page can never list a value it does not explain, nor miss one.
"""

from dataclasses import dataclass

from django.db import models

from ecf import choices
from ecf.transfers import TransferStatus, TransferType
from finance.choices import StatementStatus
from partnerships.choices import ChallengeReason, PartnershipStatus


@dataclass(frozen=True)
class Definition:
    title: str
    enum: type[models.TextChoices]
    attributes: tuple[str, ...]  # where the API shows it
    introduction: str
    sentences: dict[str, str]


DEFINITIONS = (
    Definition(
        "Training status",
        choices.TrainingStatus,
        ("training_status",),
        "Set by you, the lead provider, through the participant actions. It is per training record.",
        {
            "active": "You are training the participant. New participants start here, and resuming returns here.",
            "deferred": "You have paused the participant's training (for example parental leave); resume it "
            "when they return.",
            "withdrawn": "You have stopped training the participant for good on this course.",
        },
    ),
    Definition(
        "Participant status",
        choices.ParticipantStatus,
        ("participant_status",),
        "Set by the school, not by you: it follows the school's record of the participant's time there, and moves "
        "on by itself as dates pass.",
        {
            "active": "The participant is training at the school now.",
            "joining": "The school has registered the participant, who starts there on a future date.",
            "leaving": "The school has said the participant leaves on a date that has not yet passed.",
            "left": "The participant's leaving date at the school has passed.",
            "withdrawn": "The school has removed the participant from training.",
        },
    ),
    Definition(
        "Induction status (what the school tells us)",
        choices.InductionStatus,
        (),
        "The school's own record of each period at the school. It is not sent as such: the participant status "
        "above is worked out from it and the period's dates.",
        {
            "active": "The school says the participant is (or will be) training there.",
            "leaving": "The school says the participant is leaving, with a leaving date.",
            "withdrawn": "The school says the participant is no longer training there; shown as participant status "
            "withdrawn.",
            "completed": "The school says the participant completed their induction there.",
        },
    ),
    Definition(
        "Declaration state",
        choices.DeclarationState,
        ("state",),
        "Where a declaration is on its way to payment, or back. See the state diagram on the declarations page.",
        {
            "submitted": "Recorded, but not (yet) funded: the participant's funding is not yet known or they are "
            "not funded. It is on no statement.",
            "eligible": "Funded and placed on your next open output statement (its `statement_id`).",
            "payable": "Its statement has passed its cut-off and is waiting to be authorised for payment.",
            "paid": "Its statement has been paid.",
            "voided": "You voided it before it was paid; it is on no statement.",
            "ineligible": "Recorded but never paid: the same person already has a declaration for this milestone "
            "under another participant id (see `ineligible_for_funding_reason`).",
            "awaiting-clawback": "You voided it after it was paid; the money will be taken back on the statement "
            "named by its `clawback_statement_id`.",
            "clawed-back": "The clawback statement has been paid: the money has been recovered.",
        },
    ),
    Definition(
        "Ineligible reason",
        choices.IneligibleReason,
        ("ineligible_for_funding_reason",),
        "Why a declaration is in state ineligible.",
        {
            "duplicate_declaration": "The same person (same teacher reference number) already has a live "
            "declaration for this milestone and course under another participant id.",
        },
    ),
    Definition(
        "Declaration type",
        choices.DeclarationType,
        ("declaration_type",),
        "The milestone a declaration claims. Which ones a participant can have depends on their schedule.",
        {
            "started": "The participant has begun training.",
            "retained-1": "The participant is still training at the first retention point.",
            "retained-2": "The second retention point.",
            "retained-3": "The third retention point.",
            "retained-4": "The fourth retention point.",
            "completed": "The participant has finished the training.",
            "extended-1": "The first extra milestone of an extended schedule.",
            "extended-2": "The second extra milestone of an extended schedule.",
            "extended-3": "The third extra milestone of an extended schedule.",
        },
    ),
    Definition(
        "Evidence held",
        choices.EvidenceHeld,
        ("evidence_held",),
        "What you hold to show the milestone was reached. Which values are accepted depends on the cohort, course "
        "and milestone: see the evidence table on the declarations page.",
        {
            "training-event-attended": "The participant attended a training event.",
            "self-study-material-completed": "The participant completed self-study material.",
            "materials-engaged-with-offline": "The participant engaged with training materials offline.",
            "75-percent-engagement-met": "The participant took part in at least three quarters of the training.",
            "75-percent-engagement-met-reduced-induction": "The same, for a participant on a reduced induction.",
            "one-term-induction": "The ECT completed an induction of one term.",
            "other": "Other evidence of progress.",
        },
    ),
    Definition(
        "Course identifier",
        choices.CourseIdentifier,
        ("course_identifier",),
        "Which of the participant's roles a declaration is for.",
        {
            "ecf-induction": "The ECT's induction training.",
            "ecf-mentor": "The mentor's training.",
        },
    ),
    Definition(
        "Participant type",
        choices.ParticipantType,
        ("participant_type",),
        "The role of a training record.",
        {"ect": "An early career teacher in induction.", "mentor": "A mentor of early career teachers."},
    ),
    Definition(
        "Withdrawal reason",
        choices.WithdrawReason,
        ("reason",),
        "Sent with a withdrawal, and shown in the enrolment's `withdrawal`.",
        {
            "left-teaching-profession": "The participant has left teaching.",
            "moved-school": "The participant has moved to a school you do not work with.",
            "mentor-no-longer-being-mentor": "The mentor no longer mentors anyone (mentors only).",
            "switched-to-school-led": "The school now runs the training itself.",
            "changed-lead-provider": "The participant now trains with another lead provider.",
            "other": "Any other reason.",
        },
    ),
    Definition(
        "Deferral reason",
        choices.DeferReason,
        ("reason",),
        "Sent with a deferral, and shown in the enrolment's `deferral`.",
        {
            "bereavement": "A bereavement.",
            "long-term-sickness": "Long-term illness.",
            "parental-leave": "Maternity, paternity, shared parental or adoption leave.",
            "career-break": "A break from teaching.",
            "other": "Any other reason.",
        },
    ),
    Definition(
        "Working pattern",
        choices.WorkingPattern,
        ("working_pattern",),
        "As the school recorded it.",
        {"full_time": "Works full time.", "part_time": "Works part time."},
    ),
    Definition(
        "Mentor funding ended reason",
        choices.MentorIneligibleReason,
        ("mentor_ineligible_for_funding_reason",),
        "Why a mentor's training is no longer funded (with `mentor_funding_end_date`).",
        {
            "completed_declaration_received": "A completed declaration was received for the mentor.",
            "completed_during_early_roll_out": "The mentor completed training during the early roll-out.",
            "started_not_completed": "The mentor started but did not complete, and funding has ended.",
        },
    ),
    Definition(
        "Induction programme choice",
        choices.InductionProgrammeChoice,
        ("induction_programme_choice",),
        "How a school runs induction in a cohort.",
        {
            "provider_led": "Training delivered by a lead provider.",
            "school_led": "The school runs its own training.",
            "no_early_career_teachers": "The school expects no ECTs this cohort.",
            "not_yet_known": "The school has not told us yet.",
        },
    ),
    Definition(
        "Partnership status",
        PartnershipStatus,
        ("status",),
        "Whether the school accepts your partnership.",
        {
            "active": "The partnership stands.",
            "challenged": "The school told the department the partnership is wrong. Its participants are hidden "
            "from you and it cannot be updated; create it again to revive it.",
        },
    ),
    Definition(
        "Challenge reason",
        ChallengeReason,
        ("challenged_reason",),
        "Why the school challenged the partnership.",
        {
            "another_provider": "The school works with another lead provider.",
            "not_confirmed": "The school never agreed the partnership.",
            "do_not_recognise": "The school does not recognise you.",
            "no_ects": "The school has no ECTs this cohort.",
            "mistake": "The partnership was made by mistake.",
        },
    ),
    Definition(
        "Transfer type",
        TransferType,
        ("transfer_type",),
        "The kind of school move a transfer records.",
        {
            "new_school": "A move to another school with the same lead provider (or where one side is school-led).",
            "new_provider": "A move to a school where another lead provider trains the participant.",
            "unknown": "The participant is leaving and no joining school is known yet.",
        },
    ),
    Definition(
        "Transfer status",
        TransferStatus,
        ("status",),
        "Whether the move has happened.",
        {
            "incomplete": "The leaving date or the joining date is still in the future.",
            "complete": "Both dates have passed.",
        },
    ),
    Definition(
        "Statement status",
        StatementStatus,
        ("paid",),
        "Where a statement is in the payment cycle. The API shows it as `paid` (true once paid).",
        {
            "open": "Still taking declarations, until its cut-off date.",
            "payable": "Past its cut-off: its declarations are being checked and authorised.",
            "paid": "Paid on its payment date.",
        },
    ),
)


def missing_sentences() -> dict[str, list[str]]:
    """Values without a sentence, by definition title (empty when every value is explained)."""
    return {
        definition.title: missing
        for definition in DEFINITIONS
        if (missing := [str(value) for value in definition.enum.values if value not in definition.sentences])
    }


def definitions_markdown() -> str:
    missing = missing_sentences()
    if missing:
        raise ValueError(f"Enumeration values without a sentence in guidance/states.py: {missing}")
    sections = []
    for definition in DEFINITIONS:
        shown = ", ".join(f"`{attribute}`" for attribute in definition.attributes) or "not sent"
        rows = "\n".join(f"| `{value}` | {definition.sentences[str(value)]} |" for value in definition.enum.values)
        sections.append(
            f"## {definition.title}\n\n{definition.introduction} In the API: {shown}.\n\n"
            f"| value | meaning |\n|---|---|\n{rows}\n"
        )
    return "\n".join(sections)
