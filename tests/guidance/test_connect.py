"""The refusals on the connect page are the API's own: the page shows what the API answers."""

import json
import re
from html import unescape

import pytest
from django.test import Client

from api.tokens import TOKEN_START
from guidance.pages import build_page

pytestmark = pytest.mark.django_db


def shown_bodies() -> list[object]:
    html = unescape(build_page("connect").html)
    return [json.loads(block) for block in re.findall(r'<code class="language-json">(.*?)</code>', html, re.S)]


def test_the_unauthorised_and_not_found_bodies_are_what_the_api_answers(api_client):
    client = Client()
    without_token = client.get("/api/v3/participants/ecf")
    bad_token = client.get("/api/v3/participants/ecf", headers={"Authorization": f"Bearer {TOKEN_START}wrong"})
    not_found = api_client.get("/api/v3/participants/ecf/00000000-0000-0000-0000-000000000000")

    shown = shown_bodies()
    assert without_token.status_code == bad_token.status_code == 401
    assert without_token["WWW-Authenticate"] == "Bearer"
    assert json.loads(without_token.content) in shown
    assert json.loads(bad_token.content) in shown
    assert (not_found.status_code, not_found.json_body in shown) == (404, True)


def test_the_too_many_requests_body_is_what_the_api_answers(api_client, settings):
    settings.API_RATE_LIMIT_PER_TOKEN = 1
    api_client.get("/api/v3/participants/ecf")
    refused = api_client.get("/api/v3/participants/ecf")

    assert refused.status_code == 429
    shown = next(body for body in shown_bodies() if "Too many" in json.dumps(body))
    # The seconds left depend on the moment; everything else is the API's answer.
    assert re.sub(r"\d+ seconds?", "N seconds", json.dumps(refused.json_body)) == re.sub(
        r"\d+ seconds?", "N seconds", json.dumps(shown)
    )
