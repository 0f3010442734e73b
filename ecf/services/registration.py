"""Registering participants: a person's training in one role (ECT or mentor) with a lead provider at a
school, in a cohort. Used one at a time (`participant_register`) and for a whole file
(`participant_import`, behind `manage.py import_participants`).

A registration is given as the values of one row of the import file, all strings ("" when not given):

    full_name, email, trn (7 digits, optional), school_urn, role (ect | mentor), cohort (year),
    lead_provider (exact name), delivery_partner (exact name, optional), mentor_email (ECTs only, optional),
    start_date (YYYY-MM-DD, optional), schedule (schedule identifier, optional)

What a valid registration writes, in one transaction with the history reason given:
- the person: an existing `Participant` when one is found (below), otherwise a new one (name and TRN from
  the row, TRN not validated). An existing participant without a TRN takes the row's TRN; nothing else
  about an existing person changes (their name stays);
- a `TrainingRecord` of the role: the row's email, cohort and schedule (default `ecf-standard-september`
  of the cohort), funding eligibility not yet known, the uplift flags of the school's `SchoolCohort` for
  the cohort when the cohort has uplift fees (otherwise none), working pattern full time for an ECT;
- its first `TrainingPeriod`: at the school, with the lead provider, in the provider's partnership with the
  school in the cohort, from `start_date` (default 1 September of the cohort year), active;
- for an ECT with a `mentor_email`: a `MentorAssignment` from the same date to the mentor training record
  with that email (registered by another row of the same batch, on any line, or already registered).

Finding existing people: by TRN when the row gives one; otherwise (or when no participant has that TRN) by
the email of one of their training records (case-insensitive). People registered by earlier rows of the
same batch are found the same way, so a person who is both an ECT and a mentor gets one participant.

Rules (each broken rule is one problem, naming the column; every problem of a row is reported):
- required values present; email a valid address; TRN 7 digits; role `ect` or `mentor`; cohort a known year;
  start date a date; school URN, lead provider and delivery partner known; the schedule belongs to the cohort
  (a replacement schedule is for mentors only, a reduced one for ECTs only: decision D15);
- the lead provider has an active (unchallenged) partnership with the school in the cohort, and a given
  delivery partner is that partnership's (the partnership decides the delivery partner);
- a person has at most one ECT and one mentor training record: a row for a role the person already has is
  refused (registered earlier: "already has"; on an earlier row of the batch: "duplicate");
- the TRN and the email must not point at different people, nor at several;
- `mentor_email` (ECT rows only) names exactly one mentor training record, not the ECT's own person's; when
  it names a rejected row of the batch, the ECT row is rejected too.

A batch is all-or-nothing: any rejected row and nothing is written, unless `partial` (the valid rows are
written, the rejected ones reported). A dry run checks and reports the same outcome and writes nothing.
Concurrent imports of the same new person are not serialised: run one import at a time.
"""

import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from ecf.audit import set_change_reason
from ecf.choices import FundingEligibility, ParticipantType, ScheduleType, WorkingPattern
from ecf.models import (
    Cohort,
    DeliveryPartner,
    LeadProvider,
    MentorAssignment,
    Participant,
    Schedule,
    School,
    SchoolCohort,
    TrainingPeriod,
    TrainingRecord,
)

DEFAULT_SCHEDULE = "ecf-standard-september"
ROLES: dict[str, ParticipantType] = {"ect": ParticipantType.ECT, "mentor": ParticipantType.MENTOR}
COLUMNS = (
    "full_name",
    "email",
    "trn",
    "school_urn",
    "role",
    "cohort",
    "lead_provider",
    "delivery_partner",
    "mentor_email",
    "start_date",
    "schedule",
)
REQUIRED_COLUMNS = ("full_name", "email", "school_urn", "role", "cohort", "lead_provider")

FULL_NAME_LENGTH = Participant._meta.get_field("full_name").max_length or 255
EMAIL_LENGTH = TrainingRecord._meta.get_field("email").max_length or 254
TRN_PATTERN = re.compile(r"[0-9]{7}")

REQUIRED = "{column} is required."
FULL_NAME_TOO_LONG = f"full_name is longer than {FULL_NAME_LENGTH} characters."
EMAIL_INVALID = "{column} '{value}' is not a valid email address."
TRN_INVALID = "trn '{value}' is not a TRN: a TRN is 7 digits."
ROLE_INVALID = "role '{value}' is not a role: use ect or mentor."
COHORT_INVALID = "cohort '{value}' is not a year such as 2024."
COHORT_UNKNOWN = "cohort {value}: there is no such cohort."
START_DATE_INVALID = "start_date '{value}' is not a date in the form YYYY-MM-DD."
SCHOOL_UNKNOWN = "school_urn '{value}': no school has this URN."
LEAD_PROVIDER_UNKNOWN = "lead_provider '{value}': no lead provider has this exact name."
DELIVERY_PARTNER_UNKNOWN = "delivery_partner '{value}': no delivery partner has this exact name."
SCHEDULE_UNKNOWN = "schedule '{value}': the {cohort} cohort has no schedule with this identifier."
SCHEDULE_MENTORS_ONLY = "schedule '{value}' is a replacement schedule, for mentors only."
SCHEDULE_NOT_FOR_MENTORS = "schedule '{value}' is a reduced schedule: mentors cannot be placed on one."
NO_PARTNERSHIP = "lead_provider: {provider} has no partnership with {school} in the {cohort} cohort."
PARTNERSHIP_CHALLENGED = (
    "lead_provider: the school challenged {provider}'s partnership with {school} in the {cohort} cohort: "
    "it is not active."
)
DELIVERY_PARTNER_MISMATCH = (
    "delivery_partner '{value}' is not the delivery partner of {provider}'s partnership with {school} in the "
    "{cohort} cohort ({actual}): leave it empty or give {actual}."
)
MENTOR_EMAIL_FOR_ECTS = "mentor_email is for ECT rows only: leave it empty for a mentor."
MENTOR_NOT_FOUND = "mentor_email {value}: no mentor training record has this email, in this file or already registered."
MENTOR_REJECTED = "mentor_email {value}: the mentor's row (line {line}) is rejected."
MENTOR_AMBIGUOUS = "mentor_email {value}: several mentor training records have this email."
MENTOR_SELF = "mentor_email {value} is this person's own mentor training record: an ECT cannot mentor themselves."
TRN_AMBIGUOUS = "trn {value}: several participants have this TRN; merge them in the back office first."
EMAIL_AMBIGUOUS = "email {value}: training records of several people have this email; give the person's TRN."
EMAIL_OTHER_TRN = "email {value} belongs to {person}, whose TRN is {trn}, not {value_trn}."
ALREADY_REGISTERED = "{person} (found by {found_by}) already has {record} training record."
DUPLICATE_IN_FILE = "duplicate of line {line}: the same person is registered as {role} there."

_T = TypeVar("_T")
_ARTICLES = {ParticipantType.ECT: "an ECT", ParticipantType.MENTOR: "a mentor"}


class Match(StrEnum):
    """How a registration found its person."""

    NEW = "new"  # nobody found: a new participant
    TRN = "TRN"
    EMAIL = "email"


@dataclass(frozen=True)
class RegistrationDetails:
    """One registration as given (one row of the import file): every value a string, "" when not given.
    `line` is where it came from (its line in the file; 0 when not from a file)."""

    full_name: str = ""
    email: str = ""
    trn: str = ""
    school_urn: str = ""
    role: str = ""
    cohort: str = ""
    lead_provider: str = ""
    delivery_partner: str = ""
    mentor_email: str = ""
    start_date: str = ""
    schedule: str = ""
    line: int = 0


@dataclass(frozen=True)
class RegistrationProblem:
    """A rule a registration breaks: `field` is the column at fault ("row" when it is the row as a whole)."""

    line: int
    field: str
    message: str


@dataclass(frozen=True)
class RegistrationOutcome:
    """What a valid registration did (or, in a dry run, would do)."""

    line: int
    full_name: str
    participant_type: ParticipantType
    match: Match
    participant_id: uuid.UUID | None  # None for a new participant in a dry run
    same_person_as_line: int | None  # the person is new, and created by this earlier row of the batch
    training_record_id: uuid.UUID | None  # None in a dry run
    lead_provider: str
    school: str
    cohort: int
    delivery_partner: str
    mentor_email: str
    mentor_line: int | None  # the mentor is registered by this row of the batch


@dataclass
class ImportReport:
    """The outcome of a batch: the valid rows' outcomes (none when an all-or-nothing batch had a rejected
    row), the problems of the rejected rows, and the counts of what was (or would be) written."""

    rows: int
    dry_run: bool
    partial: bool
    outcomes: list[RegistrationOutcome] = field(default_factory=list)
    problems: list[RegistrationProblem] = field(default_factory=list)
    participants_created: int = 0
    training_records_created: int = 0
    mentor_assignments_created: int = 0
    participants_reused: int = 0

    @property
    def rejected_rows(self) -> int:
        return len({problem.line for problem in self.problems})

    @property
    def written(self) -> bool:
        return not self.dry_run and bool(self.outcomes)


@dataclass(eq=False)
class _Person:
    """A person the batch registers: an existing participant, or a new one (created by the first row of
    theirs that is written). `roles` maps each role they hold to the line that gives it (0: already held)."""

    participant: Participant | None
    trn: str
    roles: dict[str, int]
    existing: bool
    found_line: int = 0  # the batch line that introduced a new person
    created_line: int | None = None  # the line whose write created the new person

    def describe(self) -> str:
        if self.participant is not None and self.existing:
            return f"participant {self.participant.full_name} ({self.participant.pk})"
        return f"the person on line {self.found_line}"


@dataclass(eq=False)
class _Plan:
    """A row that passed the checks, with everything its write needs."""

    details: RegistrationDetails
    participant_type: ParticipantType
    email: str
    trn: str
    cohort: Cohort
    school: School
    lead_provider: LeadProvider
    delivery_partner_name: str
    partnership_id: uuid.UUID
    schedule: Schedule
    start_date: date
    person: _Person
    match: Match
    mentor_email: str
    mentor_record_id: uuid.UUID | None = None
    mentor_plan: "_Plan | None" = None
    record: TrainingRecord | None = None
    same_person_as_line: int | None = None

    @property
    def line(self) -> int:
        return self.details.line


@dataclass(frozen=True)
class _Partnership:
    id: uuid.UUID
    delivery_partner_id: uuid.UUID
    delivery_partner_name: str
    challenged: bool


class _References:
    """Reference rows (cohorts, schools, providers, partners, schedules, partnerships), each looked up once."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], Any] = {}

    def _get(self, key: tuple[Any, ...], load: Callable[[], _T]) -> _T:
        if key not in self._cache:
            self._cache[key] = load()
        return cast(_T, self._cache[key])

    def cohort(self, year: int) -> Cohort | None:
        return self._get(("cohort", year), lambda: Cohort.objects.filter(start_year=year).first())

    def school(self, urn: str) -> School | None:
        return self._get(("school", urn), lambda: School.objects.filter(urn=urn).first())

    def lead_provider(self, name: str) -> LeadProvider | None:
        return self._get(("provider", name), lambda: LeadProvider.objects.filter(name=name).first())

    def delivery_partner(self, name: str) -> DeliveryPartner | None:
        return self._get(("partner", name), lambda: DeliveryPartner.objects.filter(name=name).first())

    def schedule(self, cohort: Cohort, identifier: str) -> Schedule | None:
        return self._get(
            ("schedule", cohort.pk, identifier),
            lambda: Schedule.objects.filter(cohort=cohort, identifier=identifier).first(),
        )

    def partnership(self, lead_provider: LeadProvider, school: School, cohort: Cohort) -> _Partnership | None:
        def load() -> _Partnership | None:
            # At most one per provider, school and cohort (partnership_one_per_provider_school_cohort). An
            # unchallenged partnership has no challenge time (`ecf` does not import `partnerships`' choices).
            row = (
                lead_provider.partnerships.filter(school=school, cohort=cohort)
                .values_list("pk", "delivery_partner_id", "delivery_partner__name", "challenged_at")
                .first()
            )
            return None if row is None else _Partnership(row[0], row[1], row[2], row[3] is not None)

        return self._get(("partnership", lead_provider.pk, school.pk, cohort.pk), load)

    def uplifts(self, school: School, cohort: Cohort) -> tuple[bool, bool]:
        """The school's pupil premium and sparsity uplifts in the cohort, when the cohort pays uplift fees."""
        if not cohort.uplift_fees_enabled:
            return False, False
        return self._get(
            ("uplifts", school.pk, cohort.pk),
            lambda: (
                SchoolCohort.objects.filter(school=school, cohort=cohort)
                .values_list("pupil_premium_uplift", "sparsity_uplift")
                .first()
                or (False, False)
            ),
        )


@dataclass(frozen=True)
class _Record:
    """A registered training record, as the checks need it."""

    id: uuid.UUID
    participant_id: uuid.UUID
    participant_type: str


class _Batch:
    """One batch of registrations: checks every row against the database and the rows before it, then
    writes (or simulates writing) the valid ones. The people and records the rows' TRNs and emails can
    match are read up front, a chunk of values per query, so a large file costs a few queries per 1,000 rows
    to check (emails are compared lower-cased: on SQLite, ASCII letters only)."""

    def __init__(self, *, reason: Callable[[int], str], on_progress: Callable[[int, str], None] | None, every: int):
        self.references = _References()
        self.reason = reason
        self.on_progress = on_progress
        self.every = every
        self.plans: list[_Plan] = []
        self.problems: list[RegistrationProblem] = []
        self.rejected_mentor_lines: dict[str, int] = {}  # email -> line of a rejected mentor row
        self.existing: dict[uuid.UUID, _Person] = {}  # registered people the rows may be about
        self.registered_by_trn: dict[str, list[uuid.UUID]] = {}
        self.registered_by_email: dict[str, list[_Record]] = {}
        self.by_trn: dict[str, _Person] = {}  # TRNs given by accepted rows
        self.by_email: dict[str, _Person] = {}  # emails given by accepted rows

    # Checking -----------------------------------------------------------------------------------------

    def check(self, rows: list[RegistrationDetails]) -> None:
        self._preload(rows)
        for count, details in enumerate(rows, start=1):
            self._check_row(details)
            self._progress(count, "checked")
        self._resolve_mentors()
        self.problems.sort(key=lambda problem: problem.line)

    def _progress(self, count: int, stage: str) -> None:
        if self.on_progress is not None and count % self.every == 0:
            self.on_progress(count, stage)

    def _preload(self, rows: list[RegistrationDetails]) -> None:
        """The registered people with the rows' TRNs, and the training records with the rows' emails."""
        trns = {trn for details in rows if TRN_PATTERN.fullmatch(trn := details.trn.strip())}
        emails = {email.strip().lower() for details in rows for email in (details.email, details.mentor_email)}
        emails.discard("")
        for trn_chunk in _chunks(trns):
            for pk, trn in Participant.objects.filter(trn__in=trn_chunk).values_list("pk", "trn"):
                self.registered_by_trn.setdefault(trn, []).append(pk)
        for email_chunk in _chunks(emails):
            records = (
                TrainingRecord.objects.annotate(email_key=Lower("email"))
                .filter(email_key__in=email_chunk)
                .values_list("email_key", "pk", "participant_id", "participant_type")
            )
            for email_key, pk, participant_id, participant_type in records:
                self.registered_by_email.setdefault(email_key, []).append(_Record(pk, participant_id, participant_type))
        ids = {pk for pks in self.registered_by_trn.values() for pk in pks}
        ids |= {record.participant_id for records in self.registered_by_email.values() for record in records}
        for chunk in _chunks(ids):
            roles: dict[uuid.UUID, dict[str, int]] = {}
            for participant_id, participant_type in TrainingRecord.objects.filter(participant_id__in=chunk).values_list(
                "participant_id", "participant_type"
            ):
                roles.setdefault(participant_id, {})[participant_type] = 0
            for participant in Participant.objects.filter(pk__in=chunk):
                self.existing[participant.pk] = _Person(
                    participant=participant, trn=participant.trn, roles=roles.get(participant.pk, {}), existing=True
                )

    def _check_row(self, details: RegistrationDetails) -> None:
        errors: list[tuple[str, str]] = []
        value = _clean(details)
        for column in REQUIRED_COLUMNS:
            if not value[column]:
                errors.append((column, REQUIRED.format(column=column)))
        if len(value["full_name"]) > FULL_NAME_LENGTH:
            errors.append(("full_name", FULL_NAME_TOO_LONG))
        email = value["email"]
        if email and not _is_email(email):
            errors.append(("email", EMAIL_INVALID.format(column="email", value=email)))
        trn = value["trn"]
        if trn and not TRN_PATTERN.fullmatch(trn):
            errors.append(("trn", TRN_INVALID.format(value=trn)))
        participant_type = ROLES.get(value["role"].lower())
        if value["role"] and participant_type is None:
            errors.append(("role", ROLE_INVALID.format(value=value["role"])))
        start_date = None
        if value["start_date"]:
            start_date = _parse_date(value["start_date"])
            if start_date is None:
                errors.append(("start_date", START_DATE_INVALID.format(value=value["start_date"])))
        mentor_email = value["mentor_email"]
        if mentor_email:
            if participant_type == ParticipantType.MENTOR:
                errors.append(("mentor_email", MENTOR_EMAIL_FOR_ECTS))
            elif not _is_email(mentor_email):
                errors.append(("mentor_email", EMAIL_INVALID.format(column="mentor_email", value=mentor_email)))

        cohort, school, provider, partner = self._references(value, errors)
        schedule = None
        if cohort is not None:
            schedule = self._schedule(cohort, value["schedule"] or DEFAULT_SCHEDULE, participant_type, errors)
        partnership = None
        if provider is not None and school is not None and cohort is not None:
            partnership = self._partnership(provider, school, cohort, partner, errors)

        person, match = None, Match.NEW
        if email and _is_email(email) and (not trn or TRN_PATTERN.fullmatch(trn)):
            found = self._find_person(trn=trn, email=email, errors=errors)
            if found is not None:
                person, match = found
                if participant_type is not None and participant_type in person.roles:
                    errors.append(("row", self._role_taken(person, participant_type, match)))

        if errors:
            self.problems.extend(RegistrationProblem(details.line, column, message) for column, message in errors)
            if participant_type == ParticipantType.MENTOR and email:
                self.rejected_mentor_lines.setdefault(email.lower(), details.line)
            return

        assert participant_type is not None
        assert cohort is not None
        assert school is not None
        assert provider is not None
        assert partnership is not None
        assert schedule is not None
        if person is None:
            person = _Person(participant=None, trn=trn, roles={}, existing=False, found_line=details.line)
        person.roles[participant_type] = details.line
        if trn and not person.trn:
            person.trn = trn
        if trn:
            self.by_trn.setdefault(trn, person)
        self.by_email.setdefault(email.lower(), person)
        self.plans.append(
            _Plan(
                details=details,
                participant_type=participant_type,
                email=email,
                trn=trn,
                cohort=cohort,
                school=school,
                lead_provider=provider,
                delivery_partner_name=partnership.delivery_partner_name,
                partnership_id=partnership.id,
                schedule=schedule,
                start_date=start_date or date(cohort.start_year, 9, 1),
                person=person,
                match=match,
                mentor_email=mentor_email,
            )
        )

    def _references(
        self, value: dict[str, str], errors: list[tuple[str, str]]
    ) -> tuple[Cohort | None, School | None, LeadProvider | None, DeliveryPartner | None]:
        """The cohort, school, lead provider and delivery partner the row names (None when not found)."""
        cohort = None
        if value["cohort"]:
            if not re.fullmatch(r"[0-9]{4}", value["cohort"]):
                errors.append(("cohort", COHORT_INVALID.format(value=value["cohort"])))
            elif (cohort := self.references.cohort(int(value["cohort"]))) is None:
                errors.append(("cohort", COHORT_UNKNOWN.format(value=value["cohort"])))
        school = self.references.school(value["school_urn"]) if value["school_urn"] else None
        if value["school_urn"] and school is None:
            errors.append(("school_urn", SCHOOL_UNKNOWN.format(value=value["school_urn"])))
        provider = self.references.lead_provider(value["lead_provider"]) if value["lead_provider"] else None
        if value["lead_provider"] and provider is None:
            errors.append(("lead_provider", LEAD_PROVIDER_UNKNOWN.format(value=value["lead_provider"])))
        partner = self.references.delivery_partner(value["delivery_partner"]) if value["delivery_partner"] else None
        if value["delivery_partner"] and partner is None:
            errors.append(("delivery_partner", DELIVERY_PARTNER_UNKNOWN.format(value=value["delivery_partner"])))
        return cohort, school, provider, partner

    def _schedule(
        self,
        cohort: Cohort,
        identifier: str,
        participant_type: ParticipantType | None,
        errors: list[tuple[str, str]],
    ) -> Schedule | None:
        schedule = self.references.schedule(cohort, identifier)
        if schedule is None:
            errors.append(("schedule", SCHEDULE_UNKNOWN.format(value=identifier, cohort=cohort.start_year)))
        elif schedule.mentors_only and participant_type == ParticipantType.ECT:
            errors.append(("schedule", SCHEDULE_MENTORS_ONLY.format(value=identifier)))
        elif schedule.schedule_type == ScheduleType.REDUCED and participant_type == ParticipantType.MENTOR:
            errors.append(("schedule", SCHEDULE_NOT_FOR_MENTORS.format(value=identifier)))
        return schedule

    def _partnership(
        self,
        provider: LeadProvider,
        school: School,
        cohort: Cohort,
        partner: DeliveryPartner | None,
        errors: list[tuple[str, str]],
    ) -> _Partnership | None:
        """The provider's active partnership with the school in the cohort, through `partner` when given."""
        partnership = self.references.partnership(provider, school, cohort)
        where = {"provider": provider.name, "school": f"{school.name} ({school.urn})", "cohort": cohort.start_year}
        if partnership is None:
            errors.append(("lead_provider", NO_PARTNERSHIP.format(**where)))
        elif partnership.challenged:
            errors.append(("lead_provider", PARTNERSHIP_CHALLENGED.format(**where)))
        elif partner is not None and partner.pk != partnership.delivery_partner_id:
            message = DELIVERY_PARTNER_MISMATCH.format(
                value=partner.name, actual=partnership.delivery_partner_name, **where
            )
            errors.append(("delivery_partner", message))
        return partnership

    def _find_person(self, *, trn: str, email: str, errors: list[tuple[str, str]]) -> tuple[_Person, Match] | None:
        """The person a row is about: by TRN first (registered, then earlier rows), then by email."""
        if trn:
            ids = self.registered_by_trn.get(trn, [])
            if len(ids) > 1:
                errors.append(("trn", TRN_AMBIGUOUS.format(value=trn)))
                return None
            if ids:
                return self.existing[ids[0]], Match.TRN
            if trn in self.by_trn:
                return self.by_trn[trn], Match.TRN

        candidates: list[_Person] = []
        for record in self.registered_by_email.get(email.lower(), []):
            person = self.existing[record.participant_id]
            if all(person is not candidate for candidate in candidates):
                candidates.append(person)
        in_batch = self.by_email.get(email.lower())
        if in_batch is not None and all(in_batch is not candidate for candidate in candidates):
            candidates.append(in_batch)
        if len(candidates) > 1:
            errors.append(("email", EMAIL_AMBIGUOUS.format(value=email)))
            return None
        if not candidates:
            return None
        person = candidates[0]
        if trn and person.trn and person.trn != trn:
            errors.append(
                ("email", EMAIL_OTHER_TRN.format(value=email, person=person.describe(), trn=person.trn, value_trn=trn))
            )
            return None
        return person, Match.EMAIL

    def _role_taken(self, person: _Person, participant_type: ParticipantType, match: Match) -> str:
        line = person.roles[participant_type]
        if line == 0:
            return ALREADY_REGISTERED.format(
                person=person.describe(), found_by=match.value, record=_ARTICLES[participant_type]
            )
        return DUPLICATE_IN_FILE.format(line=line, role=_ARTICLES[participant_type])

    def _resolve_mentors(self) -> None:
        """Each ECT row's mentor: a mentor row of the batch (on any line) or a registered mentor record."""
        mentor_plans: dict[str, list[_Plan]] = {}
        for plan in self.plans:
            if plan.participant_type == ParticipantType.MENTOR:
                mentor_plans.setdefault(plan.email.lower(), []).append(plan)
        rejected: list[_Plan] = []
        for plan in self.plans:
            if not plan.mentor_email:
                continue
            key = plan.mentor_email.lower()
            in_batch = mentor_plans.get(key, [])
            registered = [
                record
                for record in self.registered_by_email.get(key, [])
                if record.participant_type == ParticipantType.MENTOR
            ]
            own = plan.person.participant.pk if plan.person.participant is not None else None
            message = None
            if len(in_batch) + len(registered) > 1:
                message = MENTOR_AMBIGUOUS.format(value=plan.mentor_email)
            elif in_batch:
                plan.mentor_plan = in_batch[0]
                if in_batch[0].person is plan.person:
                    message = MENTOR_SELF.format(value=plan.mentor_email)
            elif registered:
                plan.mentor_record_id = registered[0].id
                if registered[0].participant_id == own:
                    message = MENTOR_SELF.format(value=plan.mentor_email)
            elif key in self.rejected_mentor_lines:
                message = MENTOR_REJECTED.format(value=plan.mentor_email, line=self.rejected_mentor_lines[key])
            else:
                message = MENTOR_NOT_FOUND.format(value=plan.mentor_email)
            if message is not None:
                self.problems.append(RegistrationProblem(plan.line, "mentor_email", message))
                rejected.append(plan)
        self.plans = [plan for plan in self.plans if all(plan is not other for other in rejected)]

    # Writing ------------------------------------------------------------------------------------------

    def write(self, report: ImportReport) -> None:
        """Write every valid row (or, in a dry run, work out what writing them would do)."""
        reused: set[uuid.UUID] = set()
        for count, plan in enumerate(self.plans, start=1):
            self._write_row(plan, report)
            if plan.person.existing and plan.person.participant is not None:
                reused.add(plan.person.participant.pk)
            if not report.dry_run:
                self._progress(count, "written")
        for plan in self.plans:
            if plan.mentor_email:
                self._assign_mentor(plan, dry_run=report.dry_run)
                report.mentor_assignments_created += 1
        report.participants_reused = len(reused)
        report.training_records_created = len(self.plans)
        report.outcomes = [self._outcome(plan) for plan in self.plans]

    def _write_row(self, plan: _Plan, report: ImportReport) -> None:
        person = plan.person
        reason = self.reason(plan.line)
        if not person.existing and person.created_line is None:
            person.created_line = plan.line
            report.participants_created += 1
            if not report.dry_run:
                created = Participant(full_name=plan.details.full_name.strip(), trn=plan.trn)
                set_change_reason(created, reason)
                created.save()
                person.participant = created
        elif not person.existing:
            plan.same_person_as_line = person.created_line
        if report.dry_run:
            return
        participant = person.participant
        assert participant is not None
        if plan.trn and not participant.trn:
            participant.trn = plan.trn
            set_change_reason(participant, reason)
            participant.save()

        pupil_premium, sparsity = self.references.uplifts(plan.school, plan.cohort)
        is_ect = plan.participant_type == ParticipantType.ECT
        record = TrainingRecord(
            participant=participant,
            participant_type=plan.participant_type,
            email=plan.email,
            cohort=plan.cohort,
            schedule=plan.schedule,
            funding_eligibility=FundingEligibility.NOT_YET_KNOWN,
            pupil_premium_uplift=pupil_premium,
            sparsity_uplift=sparsity,
            working_pattern=WorkingPattern.FULL_TIME if is_ect else "",
        )
        set_change_reason(record, reason)
        record.save()
        period = TrainingPeriod(
            training_record=record,
            school=plan.school,
            lead_provider=plan.lead_provider,
            partnership_id=plan.partnership_id,
            start_date=plan.start_date,
        )
        set_change_reason(period, reason)
        period.save()
        plan.record = record

    def _assign_mentor(self, plan: _Plan, *, dry_run: bool) -> None:
        if dry_run:
            return
        if plan.mentor_plan is not None:
            assert plan.mentor_plan.record is not None
            mentor_id = plan.mentor_plan.record.pk
        else:
            assert plan.mentor_record_id is not None
            mentor_id = plan.mentor_record_id
        assert plan.record is not None
        assignment = MentorAssignment(ect=plan.record, mentor_id=mentor_id, start_date=plan.start_date)
        set_change_reason(assignment, self.reason(plan.line))
        assignment.save()

    def _outcome(self, plan: _Plan) -> RegistrationOutcome:
        participant = plan.person.participant
        return RegistrationOutcome(
            line=plan.line,
            full_name=participant.full_name if participant is not None else plan.details.full_name.strip(),
            participant_type=plan.participant_type,
            match=plan.match,
            participant_id=participant.pk if participant is not None else None,
            same_person_as_line=plan.same_person_as_line,
            training_record_id=plan.record.pk if plan.record is not None else None,
            lead_provider=plan.lead_provider.name,
            school=f"{plan.school.name} ({plan.school.urn})",
            cohort=plan.cohort.start_year,
            delivery_partner=plan.delivery_partner_name,
            mentor_email=plan.mentor_email,
            mentor_line=plan.mentor_plan.line if plan.mentor_plan is not None else None,
        )


def participant_import(
    *,
    rows: Iterable[RegistrationDetails],
    partial: bool = False,
    dry_run: bool = False,
    on_progress: Callable[[int, str], None] | None = None,
    progress_every: int = 1_000,
) -> ImportReport:
    """Register a batch of participants (see the module docstring), all or nothing unless `partial`.

    Each row's writes carry the history reason "participants import (line N)". `on_progress(count, stage)`
    is called every `progress_every` rows while checking ("checked") and writing ("written")."""
    rows = list(rows)
    report = ImportReport(rows=len(rows), dry_run=dry_run, partial=partial)
    batch = _Batch(
        reason=lambda line: f"participants import (line {line})", on_progress=on_progress, every=progress_every
    )
    with transaction.atomic():
        batch.check(rows)
        report.problems = batch.problems
        if report.problems and not partial:
            return report
        batch.write(report)
    return report


def participant_register(*, details: RegistrationDetails, reason: str) -> RegistrationOutcome:
    """Register one participant (see the module docstring): find or create the person, create the training
    record, its first training period and, for an ECT with a mentor email, the mentor assignment. Raises a
    ValidationError naming every problem by column ("row" for the row as a whole)."""
    batch = _Batch(reason=lambda line: reason, on_progress=None, every=1)
    report = ImportReport(rows=1, dry_run=False, partial=False)
    with transaction.atomic():
        batch.check([details])
        if batch.problems:
            by_field: dict[str, list[str]] = {}
            for problem in batch.problems:
                by_field.setdefault(problem.field, []).append(problem.message)
            raise ValidationError(by_field)
        batch.write(report)
    return report.outcomes[0]


def _clean(details: RegistrationDetails) -> dict[str, str]:
    return {column: getattr(details, column).strip() for column in COLUMNS}


def _chunks(values: Iterable[_T], size: int = 500) -> Iterator[list[_T]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parse_date(value: str) -> date | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _is_email(value: str) -> bool:
    if len(value) > EMAIL_LENGTH:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
