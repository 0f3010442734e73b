"""Keeping data in sync: what moves each resource's `updated_at`, read from the change paths the API declares
(`api.freshness.TOUCHES`: for each kind of write, the rows whose `updated_at` it moves)."""

import uuid

from django.db.models import Model

from api.freshness import TOUCHES
from ecf.models import Declaration, DeliveryPartner, Participant, School
from finance.models import Statement
from guidance import openapi
from guidance.tables import breakable_code, table
from partnerships.models import Partnership

# Where the API shows each model's `updated_at`.
SHOWN_AS = {
    Participant: "participants, unfunded mentors and transfers",
    Declaration: "declarations",
    Partnership: "partnerships",
    School: "schools",
    DeliveryPartner: "delivery partners",
    Statement: "statements",
}


def moved_by(model: type[Model]) -> list[str]:
    """The resources whose `updated_at` a write of `model` moves (the querysets are built, never run)."""
    instance = model(pk=uuid.uuid4())
    instance._state.adding = False
    return sorted({SHOWN_AS[queryset.model] for queryset in TOUCHES[model](instance)})


def change_paths_markdown() -> str:
    rows = "\n".join(
        f"| {model._meta.verbose_name} | {'; '.join(moved_by(model))} |"
        for model in sorted(TOUCHES, key=lambda model: str(model._meta.verbose_name))
    )
    own = ", ".join(sorted(SHOWN_AS.values()))
    return (
        f"A resource's `updated_at` moves whenever anything the API shows for it changes: its own data ({own}), "
        "and data held elsewhere that it shows (a participant shows their school and mentor, a partnership its "
        f"delivery partner):\n\n| a change to | moves the `updated_at` of |\n|---|---|\n{rows}\n"
    )


def list_parameters_markdown() -> str:
    """Every list of the API with the filters and sort it takes, from the OpenAPI document."""
    rows = []
    for operation in openapi.operations():
        if operation.method != "get" or "{" in operation.path:
            continue
        names = [parameter["name"] for parameter in operation.parameters()]
        filters = ", ".join(f"`{name}`" for name in names if name.startswith("filter[")) or "none"
        rows.append((breakable_code(operation.path), filters, "yes" if "sort" in names else "no"))
    return table(("list", "filters", "`sort`"), rows)
