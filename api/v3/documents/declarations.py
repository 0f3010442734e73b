from collections.abc import Sequence
from typing import Any

from api.v3.serializers.declarations import PAID_STATES, ParticipantDeclarationSerializer

# What a declaration document reads, as `values_list(named=True)` of `declaration_list`.
DECLARATION_VALUES = ("id", *ParticipantDeclarationSerializer.columns, "lead_provider_name")


def declaration_documents(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """`ParticipantDeclarationSerializer`'s documents for a page of declarations read with `DECLARATION_VALUES`."""
    return [
        {
            "id": row.id,
            "type": "participant-declaration",
            "attributes": {
                "participant_id": row.participant_id,
                "declaration_type": row.declaration_type,
                "declaration_date": row.declaration_date,
                "course_identifier": row.course_identifier,
                "state": row.state,
                "updated_at": row.api_updated_at,
                "created_at": row.created_at,
                "delivery_partner_id": row.delivery_partner_id,
                "statement_id": row.payment_statement_id,
                "clawback_statement_id": row.clawback_statement_id,
                "ineligible_for_funding_reason": row.ineligible_reason or None,
                "mentor_id": row.mentor_id,
                "uplift_paid": row.state in PAID_STATES and (row.pupil_premium_uplift or row.sparsity_uplift),
                "evidence_held": row.evidence_held or None,
                "has_passed": None,
                "lead_provider_name": row.lead_provider_name,
            },
        }
        for row in rows
    ]
