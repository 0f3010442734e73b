"""Scenario 5 (and the load test's posts): declarations a provider may validly submit today, proven valid
before the run, then posted over HTTP by concurrent clients."""

import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from queue import Empty, Queue
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bench.client import HttpClient
from bench.report import Figure, Report, Target
from bench.stats import percentile, rate
from ecf.choices import (
    LIVE_DECLARATION_STATES,
    CourseIdentifier,
    DeclarationType,
    EvidenceHeld,
    FundingEligibility,
    ScheduleType,
    TrainingStatus,
)
from ecf.models import Cohort, Declaration, LeadProvider, Milestone, TrainingPeriod, TrainingRecord
from finance.selectors import next_output_statement
from finance.services.declarations import declaration_create

# Issue #16: at least 0.8 times the floor's declarations per second (a rate's ratio is floor / value), and a p95
# within three times the floor's.
WRITES_THROUGHPUT_TARGET = Target(1.25)
WRITES_LATENCY_TARGET = Target(3)

DECLARATIONS = "/api/v3/participant-declarations"
WRITES = 2000
WRITER_THREADS = 4
MILESTONE_ORDER = {declaration_type: index for index, declaration_type in enumerate(DeclarationType.values)}
EXTENDED_TYPES = {DeclarationType.EXTENDED_1, DeclarationType.EXTENDED_2, DeclarationType.EXTENDED_3}
MENTOR_FUNDED_TYPES = {DeclarationType.STARTED, DeclarationType.COMPLETED}


@dataclass(frozen=True)
class Declare:
    """One declaration to submit."""

    participant_id: UUID
    course_identifier: str
    declaration_type: str
    declaration_date: datetime
    evidence_held: str

    def body(self) -> dict[str, Any]:
        attributes = {
            "participant_id": str(self.participant_id),
            "course_identifier": self.course_identifier,
            "declaration_type": self.declaration_type,
            "declaration_date": self.declaration_date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "evidence_held": self.evidence_held or None,
        }
        return {"data": {"type": "participant-declaration", "attributes": attributes}}


def candidates(provider: LeadProvider, *, today: date) -> list[Declare]:
    """Declarations the provider may submit today for the training records it trains now (an open, active
    period of its own outside a challenged partnership): each milestone of the record's schedule nobody has
    declared yet, in milestone order, dated on the first day it may be (in its window, after the record's
    other declarations, before today). Dates rise in milestone order, so any of them may be posted in any
    order. Shuffled with a fixed seed, so that they spread over cohorts and schedules."""
    periods = TrainingPeriod.objects.filter(
        Q(partnership__isnull=True) | Q(partnership__challenged_at__isnull=True),
        lead_provider=provider,
        end_date__isnull=True,
        training_status=TrainingStatus.ACTIVE,
    )
    record_ids = periods.values("training_record_id")
    records = TrainingRecord.objects.filter(pk__in=record_ids).select_related("cohort", "schedule").order_by("pk")
    declared: dict[UUID, dict[str, date]] = defaultdict(dict)
    for record_id, declaration_type, moment in Declaration.objects.filter(
        training_record_id__in=record_ids, state__in=LIVE_DECLARATION_STATES
    ).values_list("training_record_id", "declaration_type", "declaration_date"):
        declared[record_id][declaration_type] = timezone.localdate(moment)
    milestones: dict[UUID, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(schedule_id__in=records.values("schedule_id")):
        milestones[milestone.schedule_id].append(milestone)
    # A funded participant's declaration needs an open output statement for the cohort (frozen ones have none).
    paying = {
        cohort.pk
        for cohort in Cohort.objects.all()
        if next_output_statement(lead_provider=provider, cohort=cohort, on=today)
    }
    found = []
    for record in records:
        if record.funding_eligibility == FundingEligibility.ELIGIBLE and record.cohort_id not in paying:
            continue
        schedule = sorted(milestones[record.schedule_id], key=_in_order)
        found.extend(_undeclared(record, schedule, declared[record.pk], today=today))
    random.Random(5).shuffle(found)
    return found


def _in_order(milestone: Milestone) -> int:
    return MILESTONE_ORDER[milestone.declaration_type]


def _undeclared(
    record: TrainingRecord, schedule: list[Milestone], declared: dict[str, date], *, today: date
) -> list[Declare]:
    found: list[Declare] = []
    latest = max(declared.values(), default=None)
    for milestone in schedule:
        kind = milestone.declaration_type
        if kind in declared or not _declarable(record, kind):
            continue
        first_day = max(milestone.start_date, latest + timedelta(days=1)) if latest else milestone.start_date
        if first_day > min(milestone.milestone_date or today, today - timedelta(days=1)):
            break
        found.append(
            Declare(
                participant_id=record.participant_id,
                course_identifier=CourseIdentifier.ECT if record.is_ect else CourseIdentifier.MENTOR,
                declaration_type=kind,
                declaration_date=timezone.make_aware(datetime.combine(first_day, clock_time(12))),
                evidence_held=_evidence(record.cohort, kind),
            )
        )
        latest = first_day
    return found


def _declarable(record: TrainingRecord, declaration_type: str) -> bool:
    """Whether the record's schedule has the milestone at all (finance.services.declarations)."""
    if not record.is_ect and record.cohort.mentor_funding and declaration_type not in MENTOR_FUNDED_TYPES:
        return False
    return declaration_type not in EXTENDED_TYPES or record.schedule.schedule_type == ScheduleType.EXTENDED


def _evidence(cohort: Cohort, declaration_type: str) -> str:
    """Evidence the rules accept (finance.services.declarations): none for `started` before 2025."""
    if not cohort.detailed_evidence_types:
        return "" if declaration_type == DeclarationType.STARTED else EvidenceHeld.TRAINING_EVENT_ATTENDED
    if declaration_type in (DeclarationType.RETAINED_2, DeclarationType.COMPLETED):
        return EvidenceHeld.ENGAGEMENT_MET
    return EvidenceHeld.TRAINING_EVENT_ATTENDED


@dataclass
class Rehearsal:
    """Declarations the service accepted, and how long each took (the write floor)."""

    targets: list[Declare] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    refused: int = 0


def rehearse(provider: LeadProvider, proposed: list[Declare], wanted: int) -> Rehearsal:
    """Submit `proposed` declarations through the service, without HTTP, until `wanted` are accepted, each in
    a transaction of its own that is rolled back: the targets are then known to be valid (each on its own,
    which is how `candidates` makes them valid together), and nothing changed."""
    rehearsal = Rehearsal()
    for declare in proposed:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                declaration_create(
                    lead_provider=provider,
                    participant_id=declare.participant_id,
                    course_identifier=declare.course_identifier,
                    declaration_type=declare.declaration_type,
                    declaration_date=declare.declaration_date,
                    evidence_held=declare.evidence_held or None,
                )
                transaction.set_rollback(True)
        except ValidationError:
            rehearsal.refused += 1
            continue
        rehearsal.seconds.append(time.perf_counter() - started)
        rehearsal.targets.append(declare)
        if len(rehearsal.targets) == wanted:
            break
    return rehearsal


@dataclass
class Posting:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


def post_concurrently(port: int, token: str, targets: list[Declare], threads: int) -> Posting:
    """Post every target, `threads` clients at a time, each on its own connection."""
    queue: Queue[Declare] = Queue()
    for target in targets:
        queue.put(target)
    posting = Posting()
    lock = threading.Lock()

    def client_loop() -> None:
        client = HttpClient(port, token)
        while True:
            try:
                target = queue.get_nowait()
            except Empty:
                break
            response = client.post_json(DECLARATIONS, target.body())
            with lock:
                posting.latencies.append(response.seconds)
                posting.statuses[response.status] += 1
        client.close()

    workers = [threading.Thread(target=client_loop) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    posting.seconds = time.perf_counter() - started
    return posting


def writes(report: Report, provider: LeadProvider, port: int, token: str, today: date) -> None:
    """5: the provider's clients post WRITES valid declarations, WRITER_THREADS at a time. Floor: the same
    declarations through the service without HTTP (rehearsed, then rolled back)."""
    rehearsal = rehearse(provider, candidates(provider, today=today), WRITES)
    if len(rehearsal.targets) < WRITES:
        report.notes.append(f"scenario 5: only {len(rehearsal.targets)} valid declarations found (of {WRITES}).")
    posting = post_concurrently(port, token, rehearsal.targets, WRITER_THREADS)
    if set(posting.statuses) != {200}:
        raise RuntimeError(f"scenario 5: answers {dict(posting.statuses)}, expected only 200")
    count = len(rehearsal.targets)
    details = {"declarations": count, "threads": WRITER_THREADS, "refused_in_rehearsal": rehearsal.refused}
    report.add(
        Figure(
            "writes_throughput",
            "5. writes: throughput",
            rate(count, posting.seconds),
            "decl/s",
            rate(count, sum(rehearsal.seconds)),
            WRITES_THROUGHPUT_TARGET,
            higher_is_better=True,
            details=details,
        )
    )
    report.add(
        Figure(
            "writes_p95",
            "5. writes: latency p95",
            percentile(posting.latencies, 0.95) * 1000,
            "ms",
            percentile(rehearsal.seconds, 0.95) * 1000,
            WRITES_LATENCY_TARGET,
            details=details,
        )
    )
