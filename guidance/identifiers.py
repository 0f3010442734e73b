"""The API's nine identifiers: what each names (our words), and where each travels (from the OpenAPI document).

`occurrences()` walks every operation of the committed document: a resource's own `id` (by its `type`), the `{id}`
in a path, `filter[...]` parameters and attributes named after an identifier. `relations()` turns the same walk
into the edges of the diagram: "a resource named by A carries B".
"""

from collections import defaultdict
from dataclasses import dataclass

from guidance import openapi


@dataclass(frozen=True)
class Identifier:
    name: str
    names: str  # what it names, a few words for the diagram
    meaning: str
    changes: str
    column: int  # the diagram's grid
    row: int
    same_as: str = ""  # another identifier whose values this one takes ("is a")


IDENTIFIERS = (
    Identifier(
        "participant_id",
        "a person",
        "One person taking part in the programme, whatever their roles: the same value whether they train as "
        "an ECT, as a mentor, or first as one and later as the other.",
        "Never reused. When the department finds that one person was registered twice, the two records are "
        "merged: the retired id is listed in the surviving participant's `participant_id_changes` "
        "(`from_participant_id` → `to_participant_id`), `filter[from_participant_id]` finds the survivor, and a "
        "declaration sent for the retired id is recorded against the survivor. A move to another school or "
        "provider keeps the `participant_id`.",
        0,
        0,
    ),
    Identifier(
        "training_record_id",
        "one role of a person",
        "One of a participant's roles: their ECT induction or their mentor training. Each carries its own cohort, "
        "schedule, school, training status and funding.",
        "Stays the same for the life of the role, through school moves, provider changes, deferrals, "
        "withdrawals and schedule changes.",
        0,
        1,
    ),
    Identifier(
        "mentor_id",
        "an ECT's mentor",
        "The `participant_id` of the mentor assigned to an ECT, as shown on the ECT's enrolment and on the "
        "declarations made for the ECT. A mentor trained by another provider is listed among your unfunded "
        "mentors under this id.",
        "Changes when the school assigns a different mentor; null while the ECT has none. A declaration keeps "
        "the mentor the ECT had on its `declaration_date`.",
        1,
        0,
        same_as="participant_id",
    ),
    Identifier(
        "school_id",
        "a school",
        "A school, as listed by `GET /api/v3/schools/ecf`. Participants' enrolments name their school by URN "
        "(`school_urn`), partnerships by `school_id`.",
        "Stable. A participant who moves school keeps their ids; their enrolment's `school_urn` changes.",
        2,
        2,
    ),
    Identifier(
        "delivery_partner_id",
        "a delivery partner",
        "An organisation that delivers training with you. A partnership pairs your provider and a delivery "
        "partner with a school for a cohort.",
        "Stable for the organisation. A partnership's delivery partner can be replaced (`PUT` on the "
        "partnership), which changes the `delivery_partner_id` its participants show from then on; a "
        "declaration keeps the delivery partner it was made under.",
        0,
        2,
    ),
    Identifier(
        "partnership_id",
        "a partnership with a school",
        "Your partnership with one school and one delivery partner for one cohort. There is at most one per "
        "provider, school and cohort.",
        "Stable. A partnership the school challenged keeps its id; creating the same partnership again revives "
        "it under that id.",
        1,
        2,
    ),
    Identifier(
        "declaration_id",
        "a milestone claim",
        "One declaration: your claim that a participant reached a milestone of their training.",
        "Never changes. Voiding keeps the id (its `state` changes); sending the milestone again after a void "
        "makes a new declaration with a new id.",
        1,
        1,
    ),
    Identifier(
        "statement_id",
        "a monthly statement",
        "One of your monthly financial statements for a cohort, with its cut-off and payment dates.",
        "A statement's id never changes. A declaration's `statement_id` is set when it is placed on a "
        "statement, and becomes null if it is voided before it is paid.",
        2,
        0,
    ),
    Identifier(
        "clawback_statement_id",
        "a statement taking money back",
        "The `statement_id` of the statement on which a paid declaration that was voided is recovered.",
        "Null until a paid declaration is voided; then set to your next open output statement for the cohort.",
        2,
        1,
        same_as="statement_id",
    ),
)
BY_NAME = {identifier.name: identifier for identifier in IDENTIFIERS}

# Attributes whose values are another identifier's (a merge's retired and surviving participant ids).
ATTRIBUTE_ALIASES = {"from_participant_id": "participant_id", "to_participant_id": "participant_id"}
# The identifier that a resource's own `id` is, by its JSON:API `type`.
RESOURCE_IDENTIFIER = {
    "participant": "participant_id",
    "participant-transfer": "participant_id",
    "unfunded-mentor": "mentor_id",
    "participant-declaration": "declaration_id",
    "statement": "statement_id",
    "statement-breakdown": "statement_id",
    "partnership": "partnership_id",
    "school": "school_id",
    "delivery-partner": "delivery_partner_id",
}
# An object inside a resource that is named by an identifier of its own (a participant's enrolments).
NESTED_OWNERS = ("training_record_id",)


def identifier_of_attribute(name: str) -> str | None:
    if name in BY_NAME:
        return name
    return ATTRIBUTE_ALIASES.get(name)


def resource_type(operation: openapi.Operation) -> str:
    """The JSON:API `type` of the resource an operation answers with."""
    schema = operation.success_schema()
    if schema is None:
        return ""
    for prop in openapi.properties(schema):
        if prop.path in ("data.type", "data[].type"):
            values = openapi.enum_values(prop.schema)
            return str(values[0]) if values else ""
    return ""


@dataclass(frozen=True, order=True)
class Occurrence:
    identifier: str
    resource: str
    attribute: str  # `id`, an attribute path under the resource, a path `{id}` or a `filter[...]`
    direction: str  # request, response, path or query


def _attribute_path(path: str) -> str:
    return path.removeprefix("data[].").removeprefix("data.")


def occurrences() -> dict[Occurrence, list[str]]:
    """Every place an identifier travels, with the operations where it does."""
    found: dict[Occurrence, list[str]] = defaultdict(list)
    for operation in openapi.operations():
        resource = resource_type(operation)
        own = RESOURCE_IDENTIFIER.get(resource)
        for parameter in operation.parameters():
            name = parameter["name"]
            if parameter["in"] == "path" and name == "id" and own:
                found[Occurrence(own, resource, f"{{{name}}}", "path")].append(operation.label)
            elif parameter["in"] == "query" and name.startswith("filter["):
                identifier = identifier_of_attribute(name[len("filter[") : -1])
                if identifier:
                    found[Occurrence(identifier, resource, name, "query")].append(operation.label)
        for direction, schema in (("request", operation.request_schema()), ("response", operation.success_schema())):
            if schema is None:
                continue
            for prop in openapi.properties(schema):
                attribute = _attribute_path(prop.path)
                identifier = own if attribute == "id" else identifier_of_attribute(prop.name)
                if identifier:
                    found[Occurrence(identifier, resource, attribute, direction)].append(operation.label)
    return dict(found)


@dataclass(frozen=True)
class Relation:
    carrier: str
    carried: str
    label: str  # empty when the attribute is named after the identifier it carries


def relations() -> list[Relation]:
    """Edges of the diagram: the identifier naming an object, to each identifier that object carries; plus the
    identifiers that take another's values."""
    edges: dict[tuple[str, str], str] = {}
    for operation in openapi.operations():
        own = RESOURCE_IDENTIFIER.get(resource_type(operation))
        schema = operation.success_schema()
        if not own or schema is None:
            continue
        for prop in openapi.properties(schema):
            carried = identifier_of_attribute(prop.name)
            if not carried:
                continue
            owner = next((name for name in NESTED_OWNERS if name in prop.siblings and name != prop.name), own)
            if owner != carried:
                edges.setdefault((owner, carried), "")
    for identifier in IDENTIFIERS:
        if identifier.same_as:
            edges[(identifier.name, identifier.same_as)] = "is a"
    return [Relation(carrier, carried, label) for (carrier, carried), label in sorted(edges.items())]
