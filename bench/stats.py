"""Summaries of timings: percentiles and rates (pure functions, no Django)."""

import math
import time
from collections.abc import Sequence


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` (0..1) percentile of `values`, interpolated linearly between the two nearest ranks
    (numpy's default), so p50 of [1, 2, 3, 4] is 2.5."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def rate(count: int, seconds: float) -> float:
    """Events per second; zero when nothing was timed."""
    return count / seconds if seconds > 0 else 0.0


class Stopwatch:
    """Wall-clock seconds of a block: `with Stopwatch() as watch: ...; watch.seconds`."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> "Stopwatch":
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds = time.perf_counter() - self._started
