"""Enumerations of the training domain. Values are the exact wire values of API v3 (contract §2.9)."""

from django.db import models


class CourseIdentifier(models.TextChoices):
    ECT = "ecf-induction", "ECT induction"
    MENTOR = "ecf-mentor", "Mentor training"


class ParticipantType(models.TextChoices):
    ECT = "ect", "Early career teacher"
    MENTOR = "mentor", "Mentor"


class DeclarationType(models.TextChoices):
    STARTED = "started", "Started"
    RETAINED_1 = "retained-1", "Retained 1"
    RETAINED_2 = "retained-2", "Retained 2"
    RETAINED_3 = "retained-3", "Retained 3"
    RETAINED_4 = "retained-4", "Retained 4"
    COMPLETED = "completed", "Completed"
    EXTENDED_1 = "extended-1", "Extended 1"
    EXTENDED_2 = "extended-2", "Extended 2"
    EXTENDED_3 = "extended-3", "Extended 3"


class DeclarationState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ELIGIBLE = "eligible", "Eligible"
    PAYABLE = "payable", "Payable"
    PAID = "paid", "Paid"
    VOIDED = "voided", "Voided"
    INELIGIBLE = "ineligible", "Ineligible"
    AWAITING_CLAWBACK = "awaiting-clawback", "Awaiting clawback"
    CLAWED_BACK = "clawed-back", "Clawed back"


# A declaration in one of these states occupies its slot (participant + course + type): D5.
LIVE_DECLARATION_STATES = (
    DeclarationState.SUBMITTED,
    DeclarationState.ELIGIBLE,
    DeclarationState.PAYABLE,
    DeclarationState.PAID,
)
# States counted as money owed to the provider on a payment statement.
BILLABLE_DECLARATION_STATES = (
    DeclarationState.ELIGIBLE,
    DeclarationState.PAYABLE,
    DeclarationState.PAID,
)
# States counted as money owed back by the provider on a clawback statement.
REFUNDABLE_DECLARATION_STATES = (
    DeclarationState.AWAITING_CLAWBACK,
    DeclarationState.CLAWED_BACK,
)


class IneligibleReason(models.TextChoices):
    DUPLICATE_DECLARATION = "duplicate_declaration", "Duplicate declaration"


class EvidenceHeld(models.TextChoices):
    TRAINING_EVENT_ATTENDED = "training-event-attended", "Training event attended"
    SELF_STUDY_MATERIAL_COMPLETED = "self-study-material-completed", "Self-study material completed"
    MATERIALS_ENGAGED_WITH_OFFLINE = "materials-engaged-with-offline", "Materials engaged with offline"
    ENGAGEMENT_MET = "75-percent-engagement-met", "75% engagement met"
    ENGAGEMENT_MET_REDUCED_INDUCTION = (
        "75-percent-engagement-met-reduced-induction",
        "75% engagement met (reduced induction)",
    )
    ONE_TERM_INDUCTION = "one-term-induction", "One-term induction"
    OTHER = "other", "Other"


class TrainingStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ParticipantStatus(models.TextChoices):
    """School-controlled status, derived from the latest training period (never stored)."""

    ACTIVE = "active", "Active"
    JOINING = "joining", "Joining"
    LEAVING = "leaving", "Leaving"
    LEFT = "left", "Left"
    WITHDRAWN = "withdrawn", "Withdrawn"


class InductionStatus(models.TextChoices):
    """What the school says about a training period (the input to participant_status)."""

    ACTIVE = "active", "Active"
    LEAVING = "leaving", "Leaving"
    WITHDRAWN = "withdrawn", "Withdrawn by school"
    COMPLETED = "completed", "Completed"


class WithdrawReason(models.TextChoices):
    LEFT_TEACHING_PROFESSION = "left-teaching-profession", "Left teaching profession"
    MOVED_SCHOOL = "moved-school", "Moved school"
    MENTOR_NO_LONGER_BEING_MENTOR = "mentor-no-longer-being-mentor", "No longer being a mentor"
    SWITCHED_TO_SCHOOL_LED = "switched-to-school-led", "Switched to school-led"
    CHANGED_LEAD_PROVIDER = "changed-lead-provider", "Changed lead provider"
    OTHER = "other", "Other"


class DeferReason(models.TextChoices):
    BEREAVEMENT = "bereavement", "Bereavement"
    LONG_TERM_SICKNESS = "long-term-sickness", "Long-term sickness"
    PARENTAL_LEAVE = "parental-leave", "Parental leave"
    CAREER_BREAK = "career-break", "Career break"
    OTHER = "other", "Other"


class WorkingPattern(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"


class FundingEligibility(models.TextChoices):
    """Whether the department funds this training record (API: eligible_for_funding true/false/null)."""

    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Ineligible"
    NOT_YET_KNOWN = "not_yet_known", "Not yet known"


class MentorIneligibleReason(models.TextChoices):
    COMPLETED_DECLARATION_RECEIVED = "completed_declaration_received", "Completed declaration received"
    COMPLETED_DURING_EARLY_ROLL_OUT = "completed_during_early_roll_out", "Completed during early roll-out"
    STARTED_NOT_COMPLETED = "started_not_completed", "Started, not completed"


class InductionProgrammeChoice(models.TextChoices):
    PROVIDER_LED = "provider_led", "Provider-led"
    SCHOOL_LED = "school_led", "School-led"
    NO_EARLY_CAREER_TEACHERS = "no_early_career_teachers", "No early career teachers"
    NOT_YET_KNOWN = "not_yet_known", "Not yet known"


class ScheduleType(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXTENDED = "extended", "Extended"
    REDUCED = "reduced", "Reduced"
    REPLACEMENT = "replacement", "Replacement (mentors only)"


SCHEDULE_IDENTIFIERS = tuple(
    f"ecf-{kind}-{start}"
    for kind in ("standard", "extended", "reduced", "replacement")
    for start in ("september", "january", "april")
)
