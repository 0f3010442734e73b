"""How money reads on screen in the back office, in one place: `£20,000.00`; a negative amount with a real minus
sign (U+2212) before the pound sign; and `£0.00` for anything that rounds to zero (never a negative zero). Pence
are rounded half-up, as `finance.calculators.money` rounds for display. The template filter `money`
(`{% load money %}`) is this function. CSV exports keep plain numbers (`-1234.56`): spreadsheets read those."""

from decimal import ROUND_HALF_UP, Decimal

PENCE = Decimal("0.01")
MINUS = "\u2212"


def format_money(amount: Decimal | int | str | None, *, negate: bool = False, signed: bool = False) -> str:
    """`amount` (a Decimal, an int, or a decimal string such as a kept breakdown's) as pounds and pence;
    `negate` shows it as taken away (a clawback); `signed` marks a rise with `+` (a change previewed).
    None reads as "-", the back office's empty value."""
    if amount is None or amount == "":
        return "-"
    value = Decimal(amount).quantize(PENCE, rounding=ROUND_HALF_UP)
    if negate:
        value = -value
    if value == 0:
        return "£0.00"
    sign = MINUS if value < 0 else ("+" if signed else "")
    return f"{sign}£{abs(value):,.2f}"
