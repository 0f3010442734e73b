import pytest

from bench.stats import percentile, rate


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([5.0], 0.95, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 0.0, 1.0),
        ([4.0, 1.0, 3.0, 2.0], 1.0, 4.0),
        ([float(value) for value in range(1, 101)], 0.95, 95.05),
    ],
)
def test_percentile_interpolates_between_the_nearest_ranks(values, fraction, expected):
    assert percentile(values, fraction) == pytest.approx(expected)


def test_percentile_refuses_no_values_and_fractions_outside_zero_to_one():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1.0], 95)


def test_rate_is_events_per_second_and_zero_when_nothing_was_timed():
    assert rate(300, 2.0) == 150
    assert rate(5, 0.0) == 0
