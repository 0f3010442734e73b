"""Every guidance page is public (no token), strict under its Content-Security-Policy, linked from the start page,
and every internal link and #anchor on every page resolves (the link checker)."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from config.content_security import GUIDANCE_POLICY
from guidance import pages
from guidance.pages import PAGES
from tests.guidance.pages import page_urls, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def test_every_page_is_served_without_a_token_under_a_strict_policy(client):
    for url in page_urls():
        response = client.get(url)

        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html"), url
        assert response["Content-Security-Policy"] == GUIDANCE_POLICY
        assert "script" not in GUIDANCE_POLICY
        assert b"<script" not in response.content, url
        assert b" style=" not in response.content, url


def test_pages_count_against_the_per_address_rate_limit_only(client):
    response = client.get(page_urls()[0])

    assert response["RateLimit-Limit"] == "300"


def test_the_start_page_links_the_guidance_the_api_documentation_and_the_staff_sign_in(client):
    response = client.get("/")

    links = parse(response.content.decode()).links
    assert response.status_code == 200
    assert {"/api/guidance/", "/api/docs/v3", "/admin/"} <= set(links)


def test_every_page_is_in_the_navigation_of_every_page(client):
    links = set(parse(client.get("/api/guidance/connect").content.decode()).links)

    assert set(page_urls()) <= links


def test_the_guidance_without_its_slash_redirects_and_an_unknown_page_is_not_found(client):
    assert client.get("/api/guidance").headers["Location"] == "/api/guidance/"
    assert client.get("/api/guidance/no-such-page").status_code == 404


def test_every_internal_link_and_anchor_resolves(client):
    """The link checker: each page's internal links answer (following redirects) and their #anchors exist."""
    fetched: dict[str, tuple[int, set[str]]] = {}

    def fetch(path: str) -> tuple[int, set[str]]:
        if path not in fetched:
            response = client.get(path, follow=True)
            html = response["Content-Type"].startswith("text/html")
            body = response.content.decode() if html else ""
            response.close()  # static files are streamed from an open file
            fetched[path] = (response.status_code, parse(body).ids)
        return fetched[path]

    checked = 0
    for url in ["/", *page_urls()]:
        for link in parse(client.get(url).content.decode()).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # no external links are checked (the machines are offline)
            path = parts.path or url
            status, ids = fetch(path)
            assert status == 200, f"{url} links {link}: {status}"
            if parts.fragment:
                assert parts.fragment in ids, f"{url} links {link}: no such anchor"
            checked += 1
    assert checked > 10 * len(PAGES)


def test_each_page_has_a_contents_list_whose_headings_are_anchors(client):
    for url in page_urls():
        html = client.get(url).content.decode()
        parsed = parse(html)
        assert 'aria-label="Contents"' in html, url
        contents = [link for link in parsed.links if link.startswith("#") and link != "#main-content"]
        assert contents, url
        assert {link[1:] for link in contents} <= parsed.ids, url


def test_a_page_costs_no_database_query(client, django_assert_num_queries):
    for url in ["/", *page_urls()]:
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200


def test_a_page_is_rendered_once_per_day_not_per_request(client, monkeypatch):
    client.get("/api/guidance/glossary")
    monkeypatch.setattr(pages, "build_page", lambda slug: pytest.fail("rendered again"))

    assert client.get("/api/guidance/glossary").status_code == 200


def test_search_finds_the_sections_holding_every_word_and_links_to_them(client):
    response = client.get("/api/guidance/search", {"q": "evidence_held retained-2"})

    links = [link for link in parse(response.content.decode()).links if link.startswith("/api/guidance/declarations#")]
    assert response.status_code == 200
    assert "/api/guidance/declarations#evidence" in links
    target = parse(client.get("/api/guidance/declarations").content.decode())
    assert {link.split("#")[1] for link in links} <= target.ids


def test_search_escapes_the_query_and_finds_nothing_for_unknown_words(client):
    response = client.get("/api/guidance/search", {"q": "<script>zzzzqqq</script>"})

    assert b"<script>zzzzqqq" not in response.content
    assert b"0 sections found" in response.content


def test_search_without_a_query_shows_the_form(client):
    response = client.get("/api/guidance/search")

    assert response.status_code == 200
    assert b'name="q"' in response.content
    assert b"found for" not in response.content
