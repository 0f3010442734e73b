"""`{% load money %}`, then `{{ amount|money }}` (or `{{ clawback|money:"negate" }}`): see `ecf.money`."""

from decimal import Decimal

from django import template

from ecf.money import format_money

register = template.Library()


@register.filter(name="money")
def money_filter(amount: Decimal | int | str | None, option: str = "") -> str:
    return format_money(amount, negate=option == "negate")
