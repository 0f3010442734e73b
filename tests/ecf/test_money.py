"""The one money formatter of the back office (ecf.money) and its template filter."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from ecf.money import format_money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("20000"), "£20,000.00"),
        (Decimal("-1234.56"), "\u2212£1,234.56"),
        (Decimal("1234567.891"), "£1,234,567.89"),
        (Decimal("0"), "£0.00"),
        (Decimal("-0.00"), "£0.00"),
        (Decimal("-0.004"), "£0.00"),  # rounds to zero: never a negative zero
        (Decimal("0.005"), "£0.01"),  # half-up
        (Decimal("-0.005"), "\u2212£0.01"),
        (Decimal("119.4"), "£119.40"),
        (7, "£7.00"),
        ("-33.333333", "\u2212£33.33"),  # a kept breakdown's decimal string
        (None, "-"),
    ],
)
def test_money_reads_as_pounds_and_pence(amount, shown: str) -> None:
    assert format_money(amount) == shown


def test_a_negated_amount_reads_as_taken_away_and_zero_stays_zero() -> None:
    assert format_money(Decimal("119.40"), negate=True) == "\u2212£119.40"
    assert format_money(Decimal("-5"), negate=True) == "£5.00"
    assert format_money(Decimal("0"), negate=True) == "£0.00"


def test_the_template_filter_is_the_function() -> None:
    template = Template('{% load money %}{{ a|money }} {{ b|money:"negate" }}')

    assert template.render(Context({"a": Decimal("20000"), "b": "12.5"})) == "£20,000.00 \u2212£12.50"
