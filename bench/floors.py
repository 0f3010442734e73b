"""The floors: what PostgreSQL and a JSON encoder alone need for the rows an endpoint serves. Each is one
hand-written SQL query fetching the fields the endpoint shows (joined as needed), then `orjson` encoding
the rows as they come (tuples), in this process. No Django: psycopg straight to the database."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import orjson
import psycopg

from bench.stats import Stopwatch

LIVE_STATES = ("submitted", "eligible", "payable", "paid")
PAID_ON_STATEMENT_STATES = ("eligible", "payable", "paid", "awaiting-clawback", "clawed-back")
REFUNDABLE_STATES = ("awaiting-clawback", "clawed-back")

# A provider's periods that make a participant visible: its own, outside challenged partnerships.
_PROVIDER_PERIOD = """
    FROM ecf_trainingperiod period
    LEFT JOIN partnerships_partnership partnership ON partnership.id = period.partnership_id
    WHERE period.lead_provider_id = %(provider)s AND partnership.challenged_at IS NULL
"""

# One row per visible training record (an `ecf_enrolments` item), with its participant's attributes, for
# the participants in `page` (created_at order; optionally changed since `since`; optionally one page).
PARTICIPANTS = f"""
WITH page AS (
    SELECT participant.id, participant.created_at
    FROM ecf_participant participant
    WHERE participant.id IN (
            SELECT record.participant_id
            FROM ecf_trainingrecord record
            JOIN ecf_trainingperiod period ON period.training_record_id = record.id
            LEFT JOIN partnerships_partnership partnership ON partnership.id = period.partnership_id
            WHERE period.lead_provider_id = %(provider)s AND partnership.challenged_at IS NULL)
        AND (%(since)s::timestamptz IS NULL OR participant.api_updated_at >= %(since)s::timestamptz)
    ORDER BY participant.created_at, participant.id
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT participant.id, participant.full_name, participant.trn, participant.api_updated_at,
    record.id, record.email, mentor.participant_id, school.urn, record.participant_type, record.working_pattern,
    cohort.start_year, latest.training_status, latest.start_date, latest.end_date, latest.induction_status,
    participant.trn_validated, record.funding_eligibility, record.pupil_premium_uplift, record.sparsity_uplift,
    schedule.identifier, latest.delivery_partner_id, status_change.reason, status_change.changed_at,
    record.created_at, record.induction_end_date, record.most_recent_induction_period_end_date,
    record.induction_start_date, record.mentor_funding_end_date, record.cohort_changed_after_payments_frozen,
    record.mentor_ineligible_reason, id_changes.from_ids, id_changes.to_ids, id_changes.changed_at
FROM page
JOIN ecf_participant participant ON participant.id = page.id
JOIN ecf_trainingrecord record ON record.participant_id = participant.id
JOIN LATERAL (
    SELECT period.school_id, period.training_status, period.start_date, period.end_date, period.induction_status,
        partnership.delivery_partner_id
    {_PROVIDER_PERIOD} AND period.training_record_id = record.id
    ORDER BY period.end_date IS NULL DESC, period.start_date DESC, period.created_at DESC, period.id DESC
    LIMIT 1
) latest ON true
JOIN ecf_school school ON school.id = latest.school_id
JOIN ecf_cohort cohort ON cohort.id = record.cohort_id
JOIN ecf_schedule schedule ON schedule.id = record.schedule_id
LEFT JOIN LATERAL (
    SELECT mentor_record.participant_id
    FROM ecf_mentorassignment assignment
    JOIN ecf_trainingrecord mentor_record ON mentor_record.id = assignment.mentor_id
    WHERE assignment.ect_id = record.id AND (assignment.end_date IS NULL OR assignment.end_date > %(today)s)
    ORDER BY assignment.start_date <= %(today)s DESC,
        CASE WHEN assignment.start_date <= %(today)s THEN assignment.start_date END DESC, assignment.start_date
    LIMIT 1
) mentor ON record.participant_type = 'ect'
LEFT JOIN LATERAL (
    SELECT change.reason, change.changed_at
    FROM ecf_trainingstatuschange change
    WHERE change.training_record_id = record.id AND change.lead_provider_id = %(provider)s
        AND change.training_status = latest.training_status
    ORDER BY change.changed_at DESC, change.created_at DESC, change.id DESC
    LIMIT 1
) status_change ON latest.training_status <> 'active'
LEFT JOIN LATERAL (
    SELECT array_agg(change.from_participant_id ORDER BY change.created_at, change.id) AS from_ids,
        array_agg(change.to_participant_id ORDER BY change.created_at, change.id) AS to_ids,
        array_agg(change.created_at ORDER BY change.created_at, change.id) AS changed_at
    FROM ecf_participantidchange change
    WHERE change.participant_id = participant.id
) id_changes ON true
ORDER BY page.created_at, page.id, record.created_at, record.id
"""

_DECLARATION_FIELDS = """
    declaration.id, declaration.participant_id, declaration.declaration_type, declaration.declaration_date,
    declaration.course_identifier, declaration.state, declaration.api_updated_at, declaration.created_at,
    declaration.delivery_partner_id, declaration.payment_statement_id, declaration.clawback_statement_id,
    declaration.ineligible_reason, declaration.mentor_id, declaration.pupil_premium_uplift,
    declaration.sparsity_uplift, declaration.evidence_held, provider.name
"""

# The provider's own declarations, and other providers' live ones for records it trains in a period
# covering the declaration's London day (see ecf.selectors.declarations).
DECLARATIONS = f"""
SELECT {_DECLARATION_FIELDS}
FROM ecf_declaration declaration
JOIN ecf_leadprovider provider ON provider.id = declaration.lead_provider_id
WHERE declaration.lead_provider_id = %(provider)s
UNION ALL
SELECT {_DECLARATION_FIELDS}
FROM ecf_declaration declaration
JOIN ecf_leadprovider provider ON provider.id = declaration.lead_provider_id
WHERE declaration.lead_provider_id <> %(provider)s
    AND declaration.state = ANY(%(live)s)
    AND EXISTS (
        SELECT 1 {_PROVIDER_PERIOD}
        AND period.training_record_id = declaration.training_record_id
        AND (period.end_date IS NULL
             OR period.end_date >= (declaration.declaration_date AT TIME ZONE 'Europe/London')::date))
ORDER BY 8, 1
"""

# What a statement's calculation counts: per course and declaration type, the declarations billable and
# refundable on the statement and on the provider's earlier statements for the cohort (the band
# allocation is arithmetic on these counts), and the uplifts.
STATEMENT_COUNTS = """
WITH statement AS (
    SELECT id, lead_provider_id, cohort_id, payment_date FROM finance_statement WHERE id = %(statement)s
), earlier AS (
    SELECT other.id FROM finance_statement other, statement
    WHERE other.lead_provider_id = statement.lead_provider_id AND other.cohort_id = statement.cohort_id
        AND other.payment_date < statement.payment_date
)
SELECT declaration.course_identifier, declaration.declaration_type,
    count(*) FILTER (WHERE declaration.state = ANY(%(paid)s) AND declaration.payment_statement_id = %(statement)s),
    count(*) FILTER (WHERE declaration.state = ANY(%(refundable)s) AND declaration.clawback_statement_id = %(statement)s),
    count(*) FILTER (WHERE declaration.state = ANY(%(paid)s) AND declaration.payment_statement_id IN (SELECT id FROM earlier)),
    count(*) FILTER (WHERE declaration.state = ANY(%(refundable)s) AND declaration.clawback_statement_id IN (SELECT id FROM earlier)),
    count(*) FILTER (WHERE declaration.declaration_type = 'started' AND (declaration.pupil_premium_uplift OR declaration.sparsity_uplift)
        AND declaration.state = ANY(%(paid)s) AND declaration.payment_statement_id = %(statement)s),
    count(*) FILTER (WHERE declaration.declaration_type = 'started' AND (declaration.pupil_premium_uplift OR declaration.sparsity_uplift)
        AND declaration.state = ANY(%(refundable)s) AND declaration.clawback_statement_id = %(statement)s)
FROM ecf_declaration declaration
WHERE declaration.payment_statement_id = %(statement)s OR declaration.clawback_statement_id = %(statement)s
    OR declaration.payment_statement_id IN (SELECT id FROM earlier)
    OR declaration.clawback_statement_id IN (SELECT id FROM earlier)
GROUP BY 1, 2
"""  # noqa: E501


@dataclass(frozen=True)
class Floor:
    seconds: float
    rows: int
    bytes: int


def measure(connection: psycopg.Connection[Any], query: str, params: dict[str, Any]) -> Floor:
    """Run `query`, fetch every row and encode them all as JSON: the floor's wall-clock time."""
    with Stopwatch() as watch, connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
        payload = orjson.dumps(rows)
    return Floor(watch.seconds, len(rows), len(payload))


def participants(
    connection: psycopg.Connection[Any],
    *,
    provider: UUID,
    today: date,
    since: datetime | None = None,
    page: int | None = None,
    per_page: int = 100,
) -> Floor:
    """The floor of a participants list: all of it, the part changed since `since`, or one `page`."""
    params = {
        "provider": provider,
        "today": today,
        "since": since,
        "limit": per_page if page else None,
        "offset": (page - 1) * per_page if page else 0,
    }
    return measure(connection, PARTICIPANTS, params)


def declarations(connection: psycopg.Connection[Any], *, provider: UUID) -> Floor:
    return measure(connection, DECLARATIONS, {"provider": provider, "live": list(LIVE_STATES)})


def statement_counts(connection: psycopg.Connection[Any], *, statement: UUID) -> Floor:
    params = {
        "statement": statement,
        "paid": list(PAID_ON_STATEMENT_STATES),
        "refundable": list(REFUNDABLE_STATES),
    }
    return measure(connection, STATEMENT_COUNTS, params)
