"""Test-only builders of participant histories (training records, periods with a lead provider at a
school, mentor assignments), on top of the factories, for the participant, transfer and unfunded
mentor tests.

    record = ect()                                  # an ECT training record (cohort 2024)
    period(record, provider)                        # open period with `provider`, in its partnership
    period(record, provider, challenged=True)       # ... in a partnership the school challenged
    period(record, provider, unconfirmed=True)      # ... not yet in a partnership
    period(record, None)                            # school-led
    period(record, provider, end=..., leaving=True) # ended, reported by the school as leaving
    enrolled(provider, as_mentor=True)              # a new mentor record with an open period with `provider`
"""

import datetime as dt
from typing import Any

from ecf.choices import InductionStatus, ParticipantType, TrainingStatus
from ecf.models import Cohort, LeadProvider, MentorAssignment, Participant, School, TrainingPeriod, TrainingRecord
from partnerships.models import Partnership
from tests.ecf.factories import (
    CohortFactory,
    MentorAssignmentFactory,
    ParticipantFactory,
    SchoolFactory,
    TrainingPeriodFactory,
    TrainingRecordFactory,
)
from tests.partnerships.factories import PartnershipFactory


def ect(participant: Participant | None = None, *, year: int = 2024, **fields: Any) -> TrainingRecord:
    participant = participant or ParticipantFactory.create()
    return TrainingRecordFactory.create(participant=participant, cohort=CohortFactory.create(start_year=year), **fields)


def mentor(participant: Participant | None = None, *, year: int = 2024, **fields: Any) -> TrainingRecord:
    participant = participant or ParticipantFactory.create()
    return TrainingRecordFactory.create(
        participant=participant,
        cohort=CohortFactory.create(start_year=year),
        participant_type=ParticipantType.MENTOR,
        **fields,
    )


def partnership(
    lead_provider: LeadProvider, school: School, cohort: Cohort, *, challenged: bool = False
) -> Partnership:
    existing = Partnership.objects.filter(lead_provider=lead_provider, school=school, cohort=cohort).first()
    return existing or PartnershipFactory.create(
        lead_provider=lead_provider, school=school, cohort=cohort, challenged=challenged
    )


def period(
    record: TrainingRecord,
    lead_provider: LeadProvider | None,
    *,
    school: School | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    leaving: bool = False,
    challenged: bool = False,
    unconfirmed: bool = False,
    **fields: Any,
) -> TrainingPeriod:
    school = school or SchoolFactory.create()
    chosen = None
    if lead_provider is not None and not unconfirmed:
        chosen = partnership(lead_provider, school, record.cohort, challenged=challenged)
    if leaving:
        fields.setdefault("induction_status", InductionStatus.LEAVING)
    return TrainingPeriodFactory.create(
        training_record=record,
        school=school,
        lead_provider=lead_provider,
        partnership=chosen,
        start_date=start or dt.date(record.cohort.start_year, 9, 1),
        end_date=end,
        **fields,
    )


def assign_mentor(
    ect_record: TrainingRecord,
    mentor_record: TrainingRecord,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> MentorAssignment:
    return MentorAssignmentFactory.create(
        ect=ect_record,
        mentor=mentor_record,
        start_date=start or dt.date(ect_record.cohort.start_year, 9, 1),
        end_date=end,
    )


def enrolled(
    lead_provider: LeadProvider,
    *,
    year: int = 2024,
    as_mentor: bool = False,
    status: TrainingStatus = TrainingStatus.ACTIVE,
    school: School | None = None,
    **fields: Any,
) -> TrainingRecord:
    """A training record with an open period with `lead_provider` (in its partnership) in `status`."""
    record = (mentor if as_mentor else ect)(year=year, **fields)
    period(record, lead_provider, school=school, training_status=status)
    return record
