from collections.abc import Sequence
from datetime import date
from typing import Any

from ecf.choices import TrainingStatus
from ecf.models import LeadProvider
from ecf.models.participants import eligible_for_funding
from ecf.models.training import participant_status
from ecf.selectors.participants import EnrolmentValues, participant_enrolment_rows, participant_id_change_rows


def participant_documents(rows: Sequence[Any], *, lead_provider: LeadProvider, today: date) -> list[dict[str, Any]]:
    """`ParticipantSerializer`'s documents for a page of participants read with `PARTICIPANT_VALUES`."""
    ids = [row.id for row in rows]
    enrolments = participant_enrolment_rows(lead_provider=lead_provider, participant_ids=ids, today=today)
    id_changes = participant_id_change_rows(participant_ids=ids)
    documents = []
    for row in rows:
        trn_validated = row.trn_validated if row.trn else None
        documents.append(
            {
                "id": row.id,
                "type": "participant",
                "attributes": {
                    "full_name": row.full_name,
                    "teacher_reference_number": row.trn or None,
                    "updated_at": row.api_updated_at,
                    "ecf_enrolments": [
                        _enrolment(enrolment, trn_validated, today) for enrolment in enrolments.get(row.id, ())
                    ],
                    "participant_id_changes": [
                        {
                            "from_participant_id": change.from_participant_id,
                            "to_participant_id": change.to_participant_id,
                            "changed_at": change.created_at,
                        }
                        for change in id_changes.get(row.id, ())
                    ],
                },
            }
        )
    return documents


def _enrolment(values: EnrolmentValues, trn_validated: bool | None, today: date) -> dict[str, Any]:
    status_change = None
    if values.status_changed_at is not None:
        status_change = {"reason": values.status_change_reason, "date": values.status_changed_at}
    return {
        "training_record_id": values.training_record_id,
        "email": values.email,
        "mentor_id": values.mentor_id,
        "school_urn": values.school_urn,
        "participant_type": values.participant_type,
        "working_pattern": values.working_pattern or None,
        "cohort": str(values.cohort_year),
        "training_status": values.training_status,
        "participant_status": participant_status(
            start_date=values.start_date,
            end_date=values.end_date,
            induction_status=values.induction_status,
            today=today,
        ).value,
        "teacher_reference_number_validated": trn_validated,
        "eligible_for_funding": eligible_for_funding(values.funding_eligibility),
        "pupil_premium_uplift": values.pupil_premium_uplift,
        "sparsity_uplift": values.sparsity_uplift,
        "schedule_identifier": values.schedule_identifier,
        "delivery_partner_id": values.delivery_partner_id,
        "withdrawal": status_change if values.training_status == TrainingStatus.WITHDRAWN else None,
        "deferral": status_change if values.training_status == TrainingStatus.DEFERRED else None,
        "created_at": values.created_at,
        "induction_end_date": values.induction_end_date,
        "most_recent_induction_period_end_date": values.most_recent_induction_period_end_date,
        "overall_induction_start_date": values.induction_start_date,
        "mentor_funding_end_date": values.mentor_funding_end_date,
        "cohort_changed_after_payments_frozen": values.cohort_changed_after_payments_frozen,
        "mentor_ineligible_for_funding_reason": values.mentor_ineligible_reason or None,
    }
