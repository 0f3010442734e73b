"""Named scenarios, seeded for every lead provider, so each case of the API can be tried at once.

Each participant's full name starts with its scenario label (e.g. "Deferred ECT: Aisha Khan"), so a
provider can find it in its participant list and the back office."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ecf.choices import (
    DeclarationType,
    DeferReason,
    FundingEligibility,
    InductionStatus,
    MentorIneligibleReason,
    ParticipantType,
    TrainingStatus,
    WithdrawReason,
    WorkingPattern,
)
from ecf.models import Participant, ParticipantIdChange
from sandbox import names
from sandbox.batch import seed_id
from sandbox.participants import Enrolment, ParticipantSeeder
from sandbox.reference import NO_SCHOOL_COHORTS_LABEL, PARTNERED_ONCE_LABEL, PartnershipInfo

# Cohorts closed to payments move their unfinished participants to this cohort (domain rules §11.3).
FROZEN_COHORT_DESTINATION = 2024
READY_TO_DECLARE_PER_COHORT = 30
READY_TO_DECLARE = "Ready to declare"


@dataclass(frozen=True)
class Scenario:
    """A case seeded for every lead provider: its people's (or school's) names start with `label` and a colon."""

    label: str
    description: str


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        READY_TO_DECLARE,
        f"{READY_TO_DECLARE_PER_COHORT} per provider in each of the two newest cohorts: ECTs and mentors, funded, "
        "active, no declarations yet; most on the standard September schedule, a few on others.",
    ),
    Scenario("ECT who became a mentor", "One person with two training records: an ECT in 2023, now a mentor."),
    Scenario("Deferred ECT", "Deferred for parental leave after the started declaration."),
    Scenario("Withdrawn ECT", "Withdrawn (left the teaching profession) after two declarations."),
    Scenario("Resumed ECT", "Deferred for sickness, then resumed."),
    Scenario("Withdrawn mentor", "A mentor withdrawn because they no longer mentor."),
    Scenario("ECT joining a new school", "Leaving their school soon for another school with the same provider."),
    Scenario("ECT leaving", "Leaving their school soon, with no new school known."),
    Scenario("ECT who left", "Left their school; their training has ended."),
    Scenario("ECT moved school", "Moved to another school with the same provider."),
    Scenario(
        "ECT moved to a new provider",
        "Moved to a school partnered with the next provider, which re-declared started (an ineligible duplicate).",
    ),
    Scenario("ECT moving to a new provider", "Moving soon to a school partnered with the next provider."),
    Scenario("ECT with a mentor from another provider", "Their mentor trains with the next provider."),
    Scenario("Mentor trained by another provider", "The unfunded mentor of the previous provider's ECT."),
    Scenario("ECT registered twice", "Two registrations merged: shows a participant id change."),
    Scenario("ECT with funding not yet known", "No TRN yet, so funding is not yet known; declarations stay submitted."),
    Scenario("ECT not eligible for funding", "Not eligible for funding."),
    *(
        Scenario(f"On {identifier}", f"Declared through the {identifier} schedule.")
        for identifier in (
            "ecf-standard-january",
            "ecf-standard-april",
            "ecf-extended-september",
            "ecf-reduced-september",
            "ecf-extended-january",
            "ecf-replacement-september",
        )
    ),
    Scenario("ECT with a voided declaration", "Started declared, then voided before it was paid."),
    Scenario("ECT with a clawback pending", "A paid declaration voided today: awaiting clawback."),
    Scenario("ECT with a clawed-back declaration", "A paid declaration voided and clawed back."),
    Scenario("ECT with a payable declaration", "A declaration on the statement waiting for authorisation."),
    Scenario("ECT with an eligible declaration", "A declaration made today, on the open statement."),
    Scenario("ECT moved out of a frozen cohort", "Started in 2022, moved to 2024 after 2022 closed for payments."),
    Scenario("Mentor who completed training", "Declared completed: mentor funding has ended."),
    Scenario(
        "ECT at a school that challenged the partnership",
        "The school challenged the partnership: the provider no longer sees them.",
    ),
    Scenario("Part-time ECT", "Works part time."),
    Scenario("ECT removed by the school", "The school withdrew them from induction."),
    Scenario("ECT sharing a TRN", "The first of two people with one TRN; started is declared."),
    Scenario(
        "ECT with a duplicate TRN",
        "A different person with the same TRN and no declarations: their started declaration becomes an "
        "ineligible duplicate.",
    ),
    Scenario(
        PARTNERED_ONCE_LABEL,
        "A school (its name starts with this) the provider partners in the second newest cohort with no school "
        "cohort in the newest: its induction programme is not_yet_known there.",
    ),
    Scenario(
        NO_SCHOOL_COHORTS_LABEL,
        "A school (its name starts with this) with no school cohort in any year: not_yet_known in every cohort.",
    ),
)
SCENARIO_LABELS = frozenset(scenario.label for scenario in SCENARIOS)
# Ready-to-declare participants (by index) on schedules other than the standard September one.
READY_SCHEDULES = {
    7: "ecf-standard-january",
    12: "ecf-extended-september",
    17: "ecf-standard-april",
    22: "ecf-reduced-september",
    29: "ecf-replacement-september",  # a mentor
}


def current_cohort(today: date) -> int:
    """The cohort the scenarios centre on: the latest one whose participants have trained for at least
    fourteen months, so its first output statement is settled and its later milestones have begun."""
    return (today.year * 12 + today.month - 1 - 14) // 12


class ProviderScenarios:
    def __init__(self, seeder: ParticipantSeeder, provider: str) -> None:
        self.seeder = seeder
        self.provider = provider
        index = names.LEAD_PROVIDERS.index(provider)
        # Cross-provider cases (transfers, unfunded mentors) involve the next provider in the list.
        self.other = names.LEAD_PROVIDERS[(index + 1) % len(names.LEAD_PROVIDERS)]
        self.rng = random.Random(f"scenarios-{provider}")
        self.today = seeder.today
        self.current = current_cohort(self.today)
        self.previous = self.current - 1
        self.newest = seeder.context.years[-2:]

    def run(self) -> None:
        for scenario in self.scenarios():
            scenario()

    def scenarios(self) -> list[Callable[[], None]]:
        return [
            self.ect_and_mentor_in_one_person,
            self.deferred_ect,
            self.withdrawn_ect,
            self.resumed_ect,
            self.withdrawn_mentor,
            self.joining_from_another_school,
            self.leaving_with_no_destination,
            self.left_school,
            self.moved_school_with_same_provider,
            self.moved_to_new_provider,
            self.moving_to_new_provider,
            self.ect_with_unfunded_mentor,
            self.merged_duplicate,
            self.funding_not_yet_known,
            self.funding_ineligible,
            self.schedule_families,
            self.voided_declaration,
            self.awaiting_clawback,
            self.clawed_back,
            self.payable_declaration,
            self.eligible_declaration,
            self.moved_out_of_frozen_cohort,
            self.completed_mentor,
            self.in_challenged_partnership,
            self.part_time_ect,
            self.withdrawn_by_school,
            self.sharing_a_trn,
            self.ready_to_declare,
        ]

    # --- helpers ---------------------------------------------------------------------------------

    def person(self, label: str, *, with_trn: bool = True, key: str = "") -> Participant:
        assert label in SCENARIO_LABELS, f"{label!r} is not listed in SCENARIOS"
        participant = self.seeder.person(f"{self.provider}:{label}{key}", self.rng, with_trn=with_trn, unique=True)
        participant.full_name = f"{label}: {participant.full_name}"
        return participant

    def partnership(self, year: int, index: int, provider: str | None = None) -> PartnershipInfo:
        partnerships = self.seeder.context.active_partnerships(provider or self.provider, year)
        return partnerships[index % len(partnerships)]

    def enrol(self, participant: Participant, year: int, index: int = 0, **options: Any) -> Enrolment:
        provider = str(options.pop("provider", self.provider))
        return self.seeder.enrol(
            participant,
            provider=provider,
            year=year,
            partnership=self.partnership(year, index, provider),
            **options,
        )

    def past(self, day: date) -> date:
        """`day`, or two days ago if `day` has not come yet."""
        return min(day, self.today - timedelta(days=2))

    def declarations(self, enrolment: Enrolment, count: int | None = None) -> list:
        return self.seeder.declare_progress(enrolment, count)

    def set_training_status(self, enrolment: Enrolment, status: TrainingStatus, reason: str, on: date) -> None:
        self.seeder.status_change(enrolment, status, reason, on)
        assert enrolment.current_period is not None
        enrolment.current_period.training_status = status

    # --- scenarios -------------------------------------------------------------------------------

    def ect_and_mentor_in_one_person(self) -> None:
        person = self.person("ECT who became a mentor")
        ect = self.enrol(person, 2023, 1, induction_end_date=date(2025, 7, 18))
        self.declarations(ect)
        mentor = self.enrol(person, self.current, 1, participant_type=ParticipantType.MENTOR)
        self.declarations(mentor, 1)

    def deferred_ect(self) -> None:
        ect = self.enrol(self.person("Deferred ECT"), self.current, 2)
        self.declarations(ect, 1)
        self.set_training_status(
            ect, TrainingStatus.DEFERRED, DeferReason.PARENTAL_LEAVE, self.past(date(self.current + 1, 2, 10))
        )

    def withdrawn_ect(self) -> None:
        ect = self.enrol(self.person("Withdrawn ECT"), self.previous, 3)
        self.declarations(ect, 2)
        self.set_training_status(
            ect, TrainingStatus.WITHDRAWN, WithdrawReason.LEFT_TEACHING_PROFESSION, date(self.current, 6, 2)
        )

    def resumed_ect(self) -> None:
        ect = self.enrol(self.person("Resumed ECT"), self.previous, 4)
        self.declarations(ect, 3)
        self.seeder.status_change(
            ect, TrainingStatus.DEFERRED, DeferReason.LONG_TERM_SICKNESS, date(self.current, 3, 3)
        )
        self.seeder.status_change(ect, TrainingStatus.ACTIVE, "", date(self.current, 9, 8))

    def withdrawn_mentor(self) -> None:
        mentor = self.enrol(self.person("Withdrawn mentor"), self.current, 5, participant_type=ParticipantType.MENTOR)
        self.declarations(mentor, 1)
        self.set_training_status(
            mentor,
            TrainingStatus.WITHDRAWN,
            WithdrawReason.MENTOR_NO_LONGER_BEING_MENTOR,
            self.past(date(self.current + 1, 1, 20)),
        )

    def joining_from_another_school(self) -> None:
        """Transfer to a new school with the same provider, not yet complete: leaving soon, joining after."""
        ect = self.enrol(
            self.person("ECT joining a new school"),
            self.current,
            6,
            end=self.today + timedelta(days=20),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 2)
        ect.partnership = self.partnership(self.current, 7)
        self.seeder.period(ect, "joining", start=self.today + timedelta(days=21), school_transfer=True)

    def leaving_with_no_destination(self) -> None:
        ect = self.enrol(
            self.person("ECT leaving"),
            self.current,
            8,
            end=self.today + timedelta(days=30),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 2)

    def left_school(self) -> None:
        ect = self.enrol(
            self.person("ECT who left"),
            self.previous,
            9,
            end=date(self.current, 12, 19),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 3)

    def moved_school_with_same_provider(self) -> None:
        moved = self.past(date(self.current + 1, 3, 31))
        ect = self.enrol(
            self.person("ECT moved school"),
            self.previous,
            10,
            end=moved,
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 4)
        ect.partnership = self.partnership(self.previous, 11)
        self.seeder.period(ect, "joining", start=moved + timedelta(days=1), school_transfer=True)

    def moved_to_new_provider(self) -> None:
        """A completed move to a school partnered with another provider; both providers see the person.
        The new provider also re-declared `started`, which became ineligible as a duplicate."""
        ect = self.enrol(
            self.person("ECT moved to a new provider"),
            self.previous,
            12,
            end=date(self.current, 12, 31),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        earlier = self.declarations(ect, 4)
        ect.provider = self.other
        ect.partnership = self.partnership(self.previous, 12, self.other)
        self.seeder.period(ect, "joining", start=self.past(date(self.current + 1, 1, 5)), school_transfer=True)
        duplicate = self.seeder.declare(
            ect, DeclarationType.STARTED, self.past(date(self.current + 1, 1, 20)), key="duplicate"
        )
        if duplicate is not None and earlier:
            duplicate.state = "ineligible"
            duplicate.ineligible_reason = "duplicate_declaration"
            duplicate.superseded_by_id = earlier[0].pk
            duplicate.payment_statement_id = None
        self.seeder.declare(ect, DeclarationType.RETAINED_4, self.past(date(self.current + 1, 1, 26)))

    def moving_to_new_provider(self) -> None:
        ect = self.enrol(
            self.person("ECT moving to a new provider"),
            self.current,
            13,
            end=self.today + timedelta(days=15),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 2)
        ect.provider = self.other
        ect.partnership = self.partnership(self.current, 13, self.other)
        self.seeder.period(ect, "joining", start=self.today + timedelta(days=16), school_transfer=True)

    def ect_with_unfunded_mentor(self) -> None:
        """The ECT trains with this provider; the mentor trains with another one."""
        ect = self.enrol(self.person("ECT with a mentor from another provider"), self.current, 14)
        mentor = self.enrol(
            self.person("Mentor trained by another provider"),
            self.current,
            14,
            provider=self.other,
            participant_type=ParticipantType.MENTOR,
        )
        self.seeder.mentor(ect, mentor, date(self.current, 9, 1))
        self.declarations(ect, 2)

    def merged_duplicate(self) -> None:
        person = self.person("ECT registered twice")
        self.declarations(self.enrol(person, self.current, 15), 1)
        retired = seed_id("retired-participant", self.provider)
        self.seeder.batch.add(
            ParticipantIdChange(
                id=seed_id("participant-id-change", retired),
                participant_id=person.pk,
                from_participant_id=retired,
                to_participant_id=person.pk,
            )
        )

    def funding_not_yet_known(self) -> None:
        ect = self.enrol(
            self.person("ECT with funding not yet known", with_trn=False),
            self.current,
            16,
            funding=FundingEligibility.NOT_YET_KNOWN,
        )
        self.declarations(ect, 1)

    def funding_ineligible(self) -> None:
        self.enrol(
            self.person("ECT not eligible for funding"),
            self.current,
            17,
            funding=FundingEligibility.INELIGIBLE,
        )

    def schedule_families(self) -> None:
        for identifier, year, participant_type in (
            ("ecf-standard-january", self.previous, ParticipantType.ECT),
            ("ecf-standard-april", self.previous, ParticipantType.ECT),
            ("ecf-extended-september", 2023, ParticipantType.ECT),
            ("ecf-reduced-september", self.previous, ParticipantType.ECT),
            ("ecf-extended-january", self.current, ParticipantType.ECT),
            ("ecf-replacement-september", self.current, ParticipantType.MENTOR),
        ):
            enrolment = self.enrol(
                self.person(f"On {identifier}"),
                year,
                18,
                schedule_identifier=identifier,
                participant_type=participant_type,
            )
            self.declarations(enrolment)

    def voided_declaration(self) -> None:
        ect = self.enrol(self.person("ECT with a voided declaration"), self.current, 19)
        started = self.declarations(ect, 1)
        if started:
            self.seeder.void(started[0], started[0].declaration_date.date() + timedelta(days=3))

    def awaiting_clawback(self) -> None:
        ect = self.enrol(self.person("ECT with a clawback pending"), self.previous, 20)
        started = self.declarations(ect, 1)
        if started:
            self.seeder.void(started[0], self.today)

    def clawed_back(self) -> None:
        ect = self.enrol(self.person("ECT with a clawed-back declaration"), self.previous, 21)
        started = self.declarations(ect, 1)
        if started:
            self.seeder.void(started[0], date(self.current, 2, 14))

    def payable_declaration(self) -> None:
        """A declaration on the statement waiting for authorisation (status payable)."""
        ect = self.enrol(self.person("ECT with a payable declaration"), self.current, 22)
        statements = self.seeder.context.statements[(self.provider, self.current)]
        payable = next((s for s in statements if s.status == "payable" and s.output_fee), None)
        self.declarations(ect, 1)
        if payable is not None:
            self.seeder.declare(ect, DeclarationType.RETAINED_1, payable.deadline_date - timedelta(days=10))

    def eligible_declaration(self) -> None:
        """A declaration made today, on the open statement: eligible until its cut-off passes."""
        ect = self.enrol(self.person("ECT with an eligible declaration"), self.current, 27)
        self.declarations(ect, 1)
        self.seeder.declare(ect, DeclarationType.RETAINED_1, self.today)

    def moved_out_of_frozen_cohort(self) -> None:
        """Started in 2022, moved to 2024 (extended schedule) after 2022 closed for payments."""
        person = self.person("ECT moved out of a frozen cohort")
        ect = self.enrol(person, 2022, 23)
        self.declarations(ect, 2)
        ect.record.cohort_id = self.seeder.context.cohorts[FROZEN_COHORT_DESTINATION]
        ect.record.schedule_id = self.seeder.context.schedules[("ecf-extended-september", FROZEN_COHORT_DESTINATION)]
        ect.record.cohort_changed_after_payments_frozen = True
        ect.year, ect.schedule_identifier = FROZEN_COHORT_DESTINATION, "ecf-extended-september"
        self.seeder.declare(ect, DeclarationType.RETAINED_2, date(2025, 1, 15))

    def completed_mentor(self) -> None:
        mentor = self.enrol(
            self.person("Mentor who completed training"),
            2023,
            24,
            participant_type=ParticipantType.MENTOR,
            mentor_funding_end_date=date(2025, 7, 31),
            mentor_ineligible_reason=MentorIneligibleReason.COMPLETED_DECLARATION_RECEIVED,
        )
        self.declarations(mentor)

    def in_challenged_partnership(self) -> None:
        """The school challenged the partnership: the provider no longer sees this participant."""
        challenged = next(p for p in self.seeder.context.partnerships[(self.provider, self.current)] if p.challenged)
        self.seeder.enrol(
            self.person("ECT at a school that challenged the partnership"),
            provider=self.provider,
            year=self.current,
            partnership=challenged,
        )

    def part_time_ect(self) -> None:
        ect = self.enrol(self.person("Part-time ECT"), self.current, 25, working_pattern=WorkingPattern.PART_TIME)
        self.declarations(ect, 2)

    def withdrawn_by_school(self) -> None:
        self.enrol(
            self.person("ECT removed by the school"),
            self.current,
            26,
            induction_status=InductionStatus.WITHDRAWN,
        )

    def sharing_a_trn(self) -> None:
        """Two different people recorded with one TRN: the second one's declarations are duplicates."""
        first = self.person("ECT sharing a TRN")
        self.declarations(self.enrol(first, self.current, 28), 1)
        duplicate = self.person("ECT with a duplicate TRN")
        duplicate.trn, duplicate.trn_validated = first.trn, False
        self.enrol(duplicate, self.current, 29)

    def ready_to_declare(self) -> None:
        """Funded, active participants with nothing declared, in the two newest cohorts: every fifth a mentor of
        the ECT before, a few on schedules other than the standard September one."""
        for year in self.newest:
            previous: Enrolment | None = None
            for index in range(READY_TO_DECLARE_PER_COHORT):
                mentor = index % 5 == 4
                person = self.person(READY_TO_DECLARE, key=f":{year}:{index}")
                enrolment = self.seeder.enrol(
                    person,
                    provider=self.provider,
                    year=year,
                    partnership=self.partnership(
                        year, index - 1 if mentor else index
                    ),  # a mentor at their ECT's school
                    participant_type=ParticipantType.MENTOR if mentor else ParticipantType.ECT,
                    schedule_identifier=READY_SCHEDULES.get(index, "ecf-standard-september"),
                )
                if mentor and previous is not None:
                    self.seeder.mentor(previous, enrolment, date(year, 9, 1))
                previous = enrolment
