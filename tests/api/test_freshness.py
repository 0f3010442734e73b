"""Every change to data a resource shows moves that resource's `updated_at` (`api_updated_at`), so a
provider syncing with `filter[updated_since]` sees it (product §4.2; the public services lost these)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model

from ecf.choices import DeferReason, TrainingStatus
from partnerships.choices import ChallengeReason, PartnershipStatus
from tests.ecf.factories import (
    CohortFactory,
    DeclarationFactory,
    LeadProviderFactory,
    MentorAssignmentFactory,
    ParticipantIdChangeFactory,
    ScheduleFactory,
    SchoolCohortFactory,
    TrainingPeriodFactory,
    TrainingRecordFactory,
    TrainingStatusChangeFactory,
)
from tests.partnerships.factories import PartnershipFactory, ProviderRelationshipFactory

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _age(*rows: Model) -> None:
    for row in rows:
        type(row)._default_manager.filter(pk=row.pk).update(api_updated_at=LONG_AGO)


def _assert_touched(row: Model) -> None:
    row.refresh_from_db()
    assert getattr(row, "api_updated_at") > LONG_AGO, f"{type(row).__name__} was not touched"  # noqa: B009


def _period() -> Any:
    return TrainingPeriodFactory.create()


def change_record_email(period: Any) -> list[Model]:
    record = period.training_record
    record.email = "new.address@example.com"
    record.save()
    return [record.participant]


def change_funding_eligibility(period: Any) -> list[Model]:
    record = period.training_record
    record.funding_eligibility = "ineligible"
    record.save()
    return [record.participant]


def change_schedule(period: Any) -> list[Model]:
    record = period.training_record
    record.schedule = ScheduleFactory.create(identifier="ecf-extended-april", cohort=record.cohort)
    record.save()
    return [record.participant]


def end_period(period: Any) -> list[Model]:
    # Another provider's declaration for the record is visible to this provider only while it trains them.
    declaration = DeclarationFactory.create(training_record=period.training_record)
    _age(declaration)
    period.end_date = period.start_date + dt.timedelta(days=30)
    period.save()
    return [period.training_record.participant, period.partnership, period.school, declaration]


def withdraw(period: Any) -> list[Model]:
    TrainingStatusChangeFactory.create(
        training_record=period.training_record,
        lead_provider=period.lead_provider,
        training_status=TrainingStatus.DEFERRED,
        reason=DeferReason.BEREAVEMENT,
    )
    return [period.training_record.participant]


def assign_mentor(period: Any) -> list[Model]:
    mentor = TrainingRecordFactory.create(mentor=True, cohort=period.training_record.cohort)
    MentorAssignmentFactory.create(ect=period.training_record, mentor=mentor)
    return [period.training_record.participant, mentor.participant]


def end_mentor_assignment(period: Any) -> list[Model]:
    assignment = MentorAssignmentFactory.create(ect=period.training_record)
    _age(period.training_record.participant, assignment.mentor.participant)
    assignment.end_date = assignment.start_date + dt.timedelta(days=10)
    assignment.save()
    return [period.training_record.participant, assignment.mentor.participant]


def merge_participants(period: Any) -> list[Model]:
    ParticipantIdChangeFactory.create(participant=period.training_record.participant)
    return [period.training_record.participant]


def rename_school(period: Any) -> list[Model]:
    period.school.urn = "999999"
    period.school.save()
    return [period.training_record.participant, period.partnership]


def change_induction_tutor(period: Any) -> list[Model]:
    SchoolCohortFactory.create(school=period.school, cohort=period.partnership.cohort, induction_tutor_name="New Tutor")
    return [period.partnership]


def rename_delivery_partner(period: Any) -> list[Model]:
    partner = period.partnership.delivery_partner
    partner.name = "Renamed Partner"
    partner.save()
    return [period.partnership]


def challenge_partnership(period: Any) -> list[Model]:
    declaration = DeclarationFactory.create(training_record=period.training_record)
    _age(declaration)
    partnership = period.partnership
    partnership.status = PartnershipStatus.CHALLENGED
    partnership.challenge_reason = ChallengeReason.MISTAKE
    partnership.challenged_at = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
    partnership.save()
    return [period.training_record.participant, partnership.school, declaration]


def add_provider_relationship(period: Any) -> list[Model]:
    partner = period.partnership.delivery_partner
    ProviderRelationshipFactory.create(delivery_partner=partner, lead_provider=LeadProviderFactory.create())
    return [partner]


def rename_lead_provider(period: Any) -> list[Model]:
    declaration = DeclarationFactory.create(training_record=period.training_record, lead_provider=period.lead_provider)
    _age(declaration)
    period.lead_provider.name = "Renamed Provider"
    period.lead_provider.save()
    return [declaration]


def move_period_to_another_partnership(period: Any) -> list[Model]:
    old = period.partnership
    period.partnership = PartnershipFactory.create(
        school=period.school, lead_provider=period.lead_provider, cohort=CohortFactory.create(start_year=2030)
    )
    period.save()
    return [old, period.partnership]


def delete_period(period: Any) -> list[Model]:
    participant, partnership = period.training_record.participant, period.partnership
    period.delete()
    return [participant, partnership]


@pytest.mark.parametrize(
    "change",
    [
        change_record_email,
        change_funding_eligibility,
        change_schedule,
        end_period,
        withdraw,
        assign_mentor,
        end_mentor_assignment,
        merge_participants,
        rename_school,
        change_induction_tutor,
        rename_delivery_partner,
        challenge_partnership,
        add_provider_relationship,
        rename_lead_provider,
        move_period_to_another_partnership,
        delete_period,
    ],
)
def test_a_change_touches_every_resource_that_shows_it(change: Callable[[Any], list[Model]]) -> None:
    period = _period()
    _age(period.training_record.participant, period.partnership, period.school, period.partnership.delivery_partner)

    for row in change(period):
        _assert_touched(row)


def test_a_resource_save_touches_itself() -> None:
    period = _period()
    participant = period.training_record.participant
    _age(participant)

    participant.full_name = "Renamed Person"
    participant.save()

    _assert_touched(participant)


def test_unrelated_rows_are_not_touched() -> None:
    period, other = _period(), _period()
    _age(other.training_record.participant, other.partnership)

    change_record_email(period)

    other.training_record.participant.refresh_from_db()
    other.partnership.refresh_from_db()
    assert other.training_record.participant.api_updated_at == LONG_AGO
    assert other.partnership.api_updated_at == LONG_AGO
