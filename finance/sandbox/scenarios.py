"""Named scenarios, seeded for every lead provider, so each case of the API can be tried at once.

Each participant's full name starts with its scenario label (e.g. "Deferred ECT: Aisha Khan"), so a
provider can find it in its participant list and the back office."""

import random
from collections.abc import Callable
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
from finance.sandbox import names
from finance.sandbox.batch import seed_id
from finance.sandbox.participants import Enrolment, ParticipantSeeder
from finance.sandbox.reference import PartnershipInfo

CURRENT = 2025
PREVIOUS = 2024


class ProviderScenarios:
    def __init__(self, seeder: ParticipantSeeder, provider: str) -> None:
        self.seeder = seeder
        self.provider = provider
        index = names.LEAD_PROVIDERS.index(provider)
        # Cross-provider cases (transfers, unfunded mentors) involve the next provider in the list.
        self.other = names.LEAD_PROVIDERS[(index + 1) % len(names.LEAD_PROVIDERS)]
        self.rng = random.Random(f"scenarios-{provider}")
        self.today = seeder.today

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
            self.moved_out_of_frozen_cohort,
            self.completed_mentor,
            self.in_challenged_partnership,
            self.part_time_ect,
            self.withdrawn_by_school,
        ]

    # --- helpers ---------------------------------------------------------------------------------

    def person(self, label: str, *, with_trn: bool = True) -> Participant:
        participant = self.seeder.person(f"{self.provider}:{label}", self.rng, with_trn=with_trn)
        participant.full_name = f"{label}: {participant.full_name}"
        return participant

    def partnership(self, year: int, index: int, provider: str | None = None) -> PartnershipInfo:
        partnerships = self.seeder.context.active_partnerships(provider or self.provider, year)
        return partnerships[index % len(partnerships)]

    def enrol(
        self, participant: Participant, year: int = CURRENT, index: int = 0, **options: Any
    ) -> Enrolment:
        provider = str(options.pop("provider", self.provider))
        return self.seeder.enrol(
            participant,
            provider=provider,
            year=year,
            partnership=self.partnership(year, index, provider),
            **options,
        )

    def declarations(self, enrolment: Enrolment, count: int | None = None) -> list:
        return self.seeder.declare_progress(enrolment, count)

    def set_training_status(
        self, enrolment: Enrolment, status: TrainingStatus, reason: str, on: date
    ) -> None:
        self.seeder.status_change(enrolment, status, reason, on)
        assert enrolment.current_period is not None
        enrolment.current_period.training_status = status

    # --- scenarios -------------------------------------------------------------------------------

    def ect_and_mentor_in_one_person(self) -> None:
        person = self.person("ECT who became a mentor")
        ect = self.enrol(person, 2023, 1, induction_end_date=date(2025, 7, 18))
        self.declarations(ect)
        mentor = self.enrol(person, CURRENT, 1, participant_type=ParticipantType.MENTOR)
        self.declarations(mentor, 1)

    def deferred_ect(self) -> None:
        ect = self.enrol(self.person("Deferred ECT"), CURRENT, 2)
        self.declarations(ect, 1)
        self.set_training_status(ect, TrainingStatus.DEFERRED, DeferReason.PARENTAL_LEAVE, date(2026, 2, 10))

    def withdrawn_ect(self) -> None:
        ect = self.enrol(self.person("Withdrawn ECT"), PREVIOUS, 3)
        self.declarations(ect, 2)
        self.set_training_status(
            ect, TrainingStatus.WITHDRAWN, WithdrawReason.LEFT_TEACHING_PROFESSION, date(2025, 6, 2)
        )

    def resumed_ect(self) -> None:
        ect = self.enrol(self.person("Resumed ECT"), PREVIOUS, 4)
        self.declarations(ect, 3)
        self.seeder.status_change(
            ect, TrainingStatus.DEFERRED, DeferReason.LONG_TERM_SICKNESS, date(2025, 3, 3)
        )
        self.seeder.status_change(ect, TrainingStatus.ACTIVE, "", date(2025, 9, 8))

    def withdrawn_mentor(self) -> None:
        mentor = self.enrol(
            self.person("Withdrawn mentor"), CURRENT, 5, participant_type=ParticipantType.MENTOR
        )
        self.declarations(mentor, 1)
        self.set_training_status(
            mentor, TrainingStatus.WITHDRAWN, WithdrawReason.MENTOR_NO_LONGER_BEING_MENTOR, date(2026, 1, 20)
        )

    def joining_from_another_school(self) -> None:
        """Transfer to a new school with the same provider, not yet complete: leaving soon, joining after."""
        ect = self.enrol(
            self.person("ECT joining a new school"),
            CURRENT,
            6,
            end=self.today + timedelta(days=20),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 2)
        ect.partnership = self.partnership(CURRENT, 7)
        self.seeder.period(ect, "joining", start=self.today + timedelta(days=21), school_transfer=True)

    def leaving_with_no_destination(self) -> None:
        ect = self.enrol(
            self.person("ECT leaving"),
            CURRENT,
            8,
            end=self.today + timedelta(days=30),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 2)

    def left_school(self) -> None:
        ect = self.enrol(
            self.person("ECT who left"),
            PREVIOUS,
            9,
            end=date(2025, 12, 19),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 3)

    def moved_school_with_same_provider(self) -> None:
        ect = self.enrol(
            self.person("ECT moved school"),
            PREVIOUS,
            10,
            end=date(2026, 3, 31),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 4)
        ect.partnership = self.partnership(PREVIOUS, 11)
        self.seeder.period(ect, "joining", start=date(2026, 4, 1), school_transfer=True)

    def moved_to_new_provider(self) -> None:
        """A completed move to a school partnered with another provider; both providers see the person.
        The new provider also re-declared `started`, which became ineligible as a duplicate."""
        ect = self.enrol(
            self.person("ECT moved to a new provider"),
            PREVIOUS,
            12,
            end=date(2025, 12, 31),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        earlier = self.declarations(ect, 4)
        ect.provider = self.other
        ect.partnership = self.partnership(PREVIOUS, 12, self.other)
        self.seeder.period(ect, "joining", start=date(2026, 1, 5), school_transfer=True)
        duplicate = self.seeder.declare(ect, DeclarationType.STARTED, date(2026, 1, 20), key="duplicate")
        if duplicate is not None and earlier:
            duplicate.state = "ineligible"
            duplicate.ineligible_reason = "duplicate_declaration"
            duplicate.superseded_by_id = earlier[0].pk
            duplicate.payment_statement_id = None
        self.seeder.declare(ect, DeclarationType.RETAINED_4, date(2026, 1, 26))

    def moving_to_new_provider(self) -> None:
        ect = self.enrol(
            self.person("ECT moving to a new provider"),
            CURRENT,
            13,
            end=self.today + timedelta(days=15),
            induction_status=InductionStatus.LEAVING,
            school_transfer=True,
        )
        self.declarations(ect, 2)
        ect.provider = self.other
        ect.partnership = self.partnership(CURRENT, 13, self.other)
        self.seeder.period(ect, "joining", start=self.today + timedelta(days=16), school_transfer=True)

    def ect_with_unfunded_mentor(self) -> None:
        """The ECT trains with this provider; the mentor trains with another one."""
        ect = self.enrol(self.person("ECT with a mentor from another provider"), CURRENT, 14)
        mentor = self.enrol(
            self.person("Mentor trained by another provider"),
            CURRENT,
            14,
            provider=self.other,
            participant_type=ParticipantType.MENTOR,
        )
        self.seeder.mentor(ect, mentor, date(CURRENT, 9, 1))
        self.declarations(ect, 2)

    def merged_duplicate(self) -> None:
        person = self.person("ECT registered twice")
        self.declarations(self.enrol(person, CURRENT, 15), 1)
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
            CURRENT,
            16,
            funding=FundingEligibility.NOT_YET_KNOWN,
        )
        self.declarations(ect, 1)

    def funding_ineligible(self) -> None:
        self.enrol(
            self.person("ECT not eligible for funding"), CURRENT, 17, funding=FundingEligibility.INELIGIBLE
        )

    def schedule_families(self) -> None:
        for identifier, year, participant_type in (
            ("ecf-standard-january", PREVIOUS, ParticipantType.ECT),
            ("ecf-standard-april", PREVIOUS, ParticipantType.ECT),
            ("ecf-extended-september", 2023, ParticipantType.ECT),
            ("ecf-reduced-september", PREVIOUS, ParticipantType.ECT),
            ("ecf-extended-january", CURRENT, ParticipantType.ECT),
            ("ecf-replacement-september", CURRENT, ParticipantType.MENTOR),
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
        # The 2026 start is still on an open statement (eligible), so voiding it needs no clawback.
        ect = self.enrol(self.person("ECT with a voided declaration"), 2026, 19)
        started = self.declarations(ect, 1)
        if started:
            self.seeder.void(started[0], started[0].declaration_date.date() + timedelta(days=3))

    def awaiting_clawback(self) -> None:
        ect = self.enrol(self.person("ECT with a clawback pending"), PREVIOUS, 20)
        started = self.declarations(ect, 1)
        if started:
            self.seeder.void(started[0], self.today - timedelta(days=2))

    def clawed_back(self) -> None:
        ect = self.enrol(self.person("ECT with a clawed-back declaration"), PREVIOUS, 21)
        started = self.declarations(ect, 1)
        if started:
            self.seeder.void(started[0], date(2025, 2, 14))

    def payable_declaration(self) -> None:
        """A declaration on the statement waiting for authorisation (status payable)."""
        ect = self.enrol(self.person("ECT with a payable declaration"), CURRENT, 22)
        statements = self.seeder.context.statements[(self.provider, CURRENT)]
        payable = next((s for s in statements if s.status == "payable" and s.output_fee), None)
        self.declarations(ect, 1)
        if payable is not None:
            self.seeder.declare(ect, DeclarationType.RETAINED_1, payable.deadline_date - timedelta(days=10))

    def moved_out_of_frozen_cohort(self) -> None:
        """Started in 2022, moved to 2024 (extended schedule) after 2022 closed for payments."""
        person = self.person("ECT moved out of a frozen cohort")
        ect = self.enrol(person, 2022, 23)
        self.declarations(ect, 2)
        ect.record.cohort_id = self.seeder.context.cohorts[PREVIOUS]
        ect.record.schedule_id = self.seeder.context.schedules[("ecf-extended-september", PREVIOUS)]
        ect.record.cohort_changed_after_payments_frozen = True
        ect.year, ect.schedule_identifier = PREVIOUS, "ecf-extended-september"
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
        challenged = next(
            p for p in self.seeder.context.partnerships[(self.provider, CURRENT)] if p.challenged
        )
        self.seeder.enrol(
            self.person("ECT at a school that challenged the partnership"),
            provider=self.provider,
            year=CURRENT,
            partnership=challenged,
        )

    def part_time_ect(self) -> None:
        ect = self.enrol(self.person("Part-time ECT"), CURRENT, 25, working_pattern=WorkingPattern.PART_TIME)
        self.declarations(ect, 2)

    def withdrawn_by_school(self) -> None:
        self.enrol(
            self.person("ECT removed by the school"), CURRENT, 26, induction_status=InductionStatus.WITHDRAWN
        )
