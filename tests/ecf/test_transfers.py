"""The pairing of leaving and joining periods into transfers (domain rules §7), as tables."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

import pytest

from ecf.choices import InductionStatus
from ecf.transfers import TransferStatus, TransferType, pair_transfers

TODAY = dt.date(2025, 3, 15)
BASE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


@dataclass
class Period:
    """A training period as the pairing sees it. `name` only labels it in the tables."""

    name: str
    school_id: str
    lead_provider_id: str | None
    start_date: dt.date
    end_date: dt.date | None = None
    induction_status: str = InductionStatus.ACTIVE
    school_transfer: bool = False
    created_at: dt.datetime = BASE
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def leaving(name, school, provider, start, end, **kwargs):
    return Period(name, school, provider, start, end, induction_status=InductionStatus.LEAVING, **kwargs)


def joining(name, school, provider, start, **kwargs):
    kwargs.setdefault("school_transfer", True)
    return Period(name, school, provider, start, **kwargs)


D = dt.date
PAST, SOON, LATER = D(2025, 1, 31), D(2025, 4, 30), D(2025, 5, 1)

# Each case: its name, the periods, the calling provider, and the expected transfers as
# (leaving period, joining period or None, transfer type, status).
CASES = [
    ("no periods", [], "P", []),
    ("no leaving period", [Period("a", "A", "P", D(2024, 9, 1))], "P", []),
    (
        "leaving without an end date is not a leaving period",
        [Period("a", "A", "P", D(2024, 9, 1), induction_status=InductionStatus.LEAVING)],
        "P",
        [],
    ),
    (
        "leaving, no joining yet, leaving date ahead",
        [leaving("a", "A", "P", D(2024, 9, 1), SOON)],
        "P",
        [("a", None, TransferType.UNKNOWN, TransferStatus.INCOMPLETE)],
    ),
    (
        "leaving, no joining, left",
        [leaving("a", "A", "P", D(2024, 9, 1), PAST)],
        "P",
        [("a", None, TransferType.UNKNOWN, TransferStatus.COMPLETE)],
    ),
    (
        "leaving on today is complete",
        [leaving("a", "A", "P", D(2024, 9, 1), TODAY)],
        "P",
        [("a", None, TransferType.UNKNOWN, TransferStatus.COMPLETE)],
    ),
    ("another provider's leaver without a joining school", [leaving("a", "A", "Q", D(2024, 9, 1), PAST)], "P", []),
    (
        "same provider, new school",
        [leaving("a", "A", "P", D(2024, 9, 1), PAST), joining("b", "B", "P", D(2025, 2, 1))],
        "P",
        [("a", "b", TransferType.NEW_SCHOOL, TransferStatus.COMPLETE)],
    ),
    (
        "new provider, seen by the old provider",
        [leaving("a", "A", "Q", D(2024, 9, 1), PAST), joining("b", "B", "P", D(2025, 2, 1))],
        "Q",
        [("a", "b", TransferType.NEW_PROVIDER, TransferStatus.COMPLETE)],
    ),
    (
        "new provider, seen by the new provider",
        [leaving("a", "A", "Q", D(2024, 9, 1), PAST), joining("b", "B", "P", D(2025, 2, 1))],
        "P",
        [("a", "b", TransferType.NEW_PROVIDER, TransferStatus.COMPLETE)],
    ),
    (
        "a third provider is not told",
        [leaving("a", "A", "Q", D(2024, 9, 1), PAST), joining("b", "B", "P", D(2025, 2, 1))],
        "R",
        [],
    ),
    (
        "move to school-led training is a new school",
        [leaving("a", "A", "P", D(2024, 9, 1), PAST), joining("b", "B", None, D(2025, 2, 1))],
        "P",
        [("a", "b", TransferType.NEW_SCHOOL, TransferStatus.COMPLETE)],
    ),
    (
        "move from school-led training is a new school",
        [leaving("a", "A", None, D(2024, 9, 1), PAST), joining("b", "B", "P", D(2025, 2, 1))],
        "P",
        [("a", "b", TransferType.NEW_SCHOOL, TransferStatus.COMPLETE)],
    ),
    (
        "joining date ahead: incomplete although the leaving date passed",
        [leaving("a", "A", "P", D(2024, 9, 1), PAST), joining("b", "B", "Q", LATER)],
        "P",
        [("a", "b", TransferType.NEW_PROVIDER, TransferStatus.INCOMPLETE)],
    ),
    (
        "leaving date ahead: incomplete although the joining date passed",
        [leaving("a", "A", "P", D(2024, 9, 1), SOON), joining("b", "B", "P", D(2025, 3, 1))],
        "P",
        [("a", "b", TransferType.NEW_SCHOOL, TransferStatus.INCOMPLETE)],
    ),
    (
        "a period at the same school does not join",
        [leaving("a", "A", "P", D(2024, 9, 1), PAST), joining("b", "A", "P", D(2025, 2, 1))],
        "P",
        [("a", None, TransferType.UNKNOWN, TransferStatus.COMPLETE)],
    ),
    (
        "a period not reported as a school transfer does not join",
        [leaving("a", "A", "P", D(2024, 9, 1), PAST), joining("b", "B", "P", D(2025, 2, 1), school_transfer=False)],
        "P",
        [("a", None, TransferType.UNKNOWN, TransferStatus.COMPLETE)],
    ),
    (
        "an earlier period does not join",
        [joining("b", "B", "P", D(2023, 9, 1)), leaving("a", "A", "P", D(2024, 9, 1), PAST)],
        "P",
        [("a", None, TransferType.UNKNOWN, TransferStatus.COMPLETE)],
    ),
    (
        "the first candidate joins",
        [
            leaving("a", "A", "P", D(2024, 9, 1), PAST),
            joining("c", "C", "Q", D(2025, 3, 1)),
            joining("b", "B", "P", D(2025, 2, 1)),
        ],
        "P",
        [("a", "b", TransferType.NEW_SCHOOL, TransferStatus.COMPLETE)],
    ),
    (
        "a chain of moves pairs up one by one",
        [
            leaving("a", "A", "P", D(2024, 9, 1), D(2024, 12, 31)),
            leaving("b", "B", "Q", D(2025, 1, 1), PAST, school_transfer=True),
            joining("c", "C", "R", D(2025, 2, 1)),
        ],
        "Q",
        [
            ("a", "b", TransferType.NEW_PROVIDER, TransferStatus.COMPLETE),
            ("b", "c", TransferType.NEW_PROVIDER, TransferStatus.COMPLETE),
        ],
    ),
    (
        "a chain seen by the first provider",
        [
            leaving("a", "A", "P", D(2024, 9, 1), D(2024, 12, 31)),
            leaving("b", "B", "Q", D(2025, 1, 1), PAST, school_transfer=True),
            joining("c", "C", "R", D(2025, 2, 1)),
        ],
        "P",
        [("a", "b", TransferType.NEW_PROVIDER, TransferStatus.COMPLETE)],
    ),
    (
        "a joining period joins once",
        [
            leaving("a1", "A", "P", D(2024, 9, 1), D(2024, 10, 31)),
            leaving("a2", "A", "P", D(2024, 11, 1), PAST),
            joining("b", "B", "P", D(2025, 2, 1)),
        ],
        "P",
        [
            ("a1", "b", TransferType.NEW_SCHOOL, TransferStatus.COMPLETE),
            ("a2", None, TransferType.UNKNOWN, TransferStatus.COMPLETE),
        ],
    ),
    (
        "a joining period taken by another provider's leaver is not the caller's",
        [
            leaving("a", "A", "Q", D(2024, 9, 1), PAST),
            joining("b", "B", "Q", D(2025, 2, 1)),
            joining("b2", "B", "P", D(2025, 3, 1)),
        ],
        "P",
        [],
    ),
]


@pytest.mark.parametrize(("case", "periods", "caller", "expected"), CASES, ids=[case[0] for case in CASES])
def test_pair_transfers(case, periods, caller, expected):
    transfers = pair_transfers(periods, is_callers=lambda p: p.lead_provider_id == caller, today=TODAY)

    assert [
        (t.leaving.name, t.joining.name if t.joining else None, t.transfer_type, t.status) for t in transfers
    ] == expected


def test_chronological_order_is_start_date_then_creation_then_id_whatever_the_input_order():
    a = leaving("a", "A", "P", D(2024, 9, 1), PAST, created_at=BASE + dt.timedelta(days=9))
    b = joining("b", "B", "P", D(2025, 2, 1), created_at=BASE)
    # Same start, created together: the id decides which comes first.
    c1, c2 = sorted(
        [joining("c1", "C", "P", D(2025, 2, 1), created_at=BASE + dt.timedelta(days=1)) for _ in range(2)],
        key=lambda p: p.id,
    )
    c1.name, c2.name = "c1", "c2"
    d = leaving("d", "B", "P", D(2025, 2, 1), PAST, created_at=BASE + dt.timedelta(hours=1))

    transfers = pair_transfers([c2, d, b, c1, a], is_callers=lambda p: True, today=TODAY)

    assert [(t.leaving.name, t.joining.name if t.joining else None) for t in transfers] == [
        ("a", "b"),
        ("d", "c1"),
    ]
