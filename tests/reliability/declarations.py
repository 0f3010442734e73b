"""Declarations the reliability tests can write through the API of a seeded sandbox.

The sandbox seeds each provider's live declarations with dates and evidence that pass every rule. Voiding
one of them frees its milestone, so POSTing its attributes again is a declaration the API accepts (200): a
known-good write, found without repeating the declaration rules here.
"""

from typing import Any

from tests.reliability.servers import Answer, call

DECLARATIONS = "/api/v3/participant-declarations"
# Live declarations that are not paid: voiding them frees the milestone at once (a paid one awaits clawback).
UNPAID_LIVE = {"submitted", "eligible", "payable"}
VOIDED = {"voided", "awaiting-clawback", "clawed-back"}
PAGE = "?page%5Bper_page%5D=3000"


def declaration_body(attributes: dict[str, Any]) -> dict[str, Any]:
    """The POST body declaring the same milestone as a declaration with `attributes`."""
    fields = ("participant_id", "course_identifier", "declaration_type", "declaration_date", "evidence_held")
    return {
        "data": {
            "type": "participant-declaration",
            "attributes": {field: attributes[field] for field in fields if attributes.get(field) is not None},
        }
    }


def own_unpaid_declarations(base_url: str, token: str, lead_provider: str) -> list[dict[str, Any]]:
    answer = call(base_url, "GET", DECLARATIONS + PAGE, token=token)
    assert answer.status == 200, answer
    return [
        row
        for row in answer.body["data"]
        if row["attributes"]["lead_provider_name"] == lead_provider and row["attributes"]["state"] in UNPAID_LIVE
    ]


def free_milestones(base_url: str, token: str, lead_provider: str, count: int) -> list[dict[str, Any]]:
    """Void `count` of the provider's unpaid declarations, each of a different participant (so writes to them
    never wait for one another); return the POST bodies that declare them again."""
    one_per_participant = {
        row["attributes"]["participant_id"]: row for row in own_unpaid_declarations(base_url, token, lead_provider)
    }
    candidates = list(one_per_participant.values())
    assert len(candidates) >= count, f"the sandbox seeds too few unpaid declarations for {lead_provider}"
    bodies = []
    for row in candidates[:count]:
        answer = void(base_url, token, row["id"])
        assert answer.status == 200, answer
        bodies.append(declaration_body(row["attributes"]))
    return bodies


def declare(base_url: str, token: str, body: dict[str, Any], timeout: float = 30) -> Answer:
    return call(base_url, "POST", DECLARATIONS, token=token, body=body, timeout=timeout)


def void(base_url: str, token: str, declaration_id: str, timeout: float = 30) -> Answer:
    return call(base_url, "PUT", f"{DECLARATIONS}/{declaration_id}/void", token=token, timeout=timeout)


def declarations_not_voided(base_url: str, token: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The declarations, in any state but voided (or clawed back), of the milestone that `body` declares."""
    attributes = body["data"]["attributes"]
    answer = call(
        base_url, "GET", f"{DECLARATIONS}?filter%5Bparticipant_id%5D={attributes['participant_id']}", token=token
    )
    assert answer.status == 200, answer
    return [
        row
        for row in answer.body["data"]
        if row["attributes"]["declaration_type"] == attributes["declaration_type"]
        and row["attributes"]["course_identifier"] == attributes["course_identifier"]
        and row["attributes"]["state"] not in VOIDED
    ]
