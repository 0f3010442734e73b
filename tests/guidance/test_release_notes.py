"""Release notes: the structured file rendered as a page and as an Atom feed that validates against RFC 4287's
rules (the elements a feed and its entries must have, dates in RFC 3339, absolute links, unique ids)."""

from datetime import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client

from guidance import release_notes
from tests.guidance.pages import parse

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def one(element: ElementTree.Element, tag: str) -> ElementTree.Element:
    found = element.findall(ATOM + tag)
    assert len(found) == 1, f"{element.tag} must have exactly one {tag}"
    return found[0]


def rfc3339(text: str | None) -> datetime:
    assert text
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None
    return moment


def absolute(href: str | None) -> str:
    assert href
    parts = urlsplit(href)
    assert parts.scheme in ("http", "https")
    assert parts.netloc
    return href


@pytest.fixture
def feed() -> ElementTree.Element:
    response = Client().get("/api/guidance/release-notes.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def test_the_feed_is_valid_atom(feed):
    assert feed.tag == ATOM + "feed"
    assert one(feed, "id").text
    assert one(feed, "title").text
    feed_updated = rfc3339(one(feed, "updated").text)
    assert one(one(feed, "author"), "name").text  # entries have none of their own
    links = {link.get("rel"): link for link in feed.findall(ATOM + "link")}
    assert absolute(links["self"].get("href")).endswith("/api/guidance/release-notes.atom")
    absolute(links["alternate"].get("href"))

    entries = feed.findall(ATOM + "entry")
    assert len(entries) == len(release_notes.releases()) > 0
    ids = [one(entry, "id").text for entry in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert str(one(entry, "id").text).startswith("urn:uuid:")
        assert one(entry, "title").text
        assert rfc3339(one(entry, "updated").text) <= feed_updated
        assert one(entry, "summary").text
        alternate = [link for link in entry.findall(ATOM + "link") if link.get("rel") == "alternate"]
        assert len(alternate) == 1
        absolute(alternate[0].get("href"))


def test_every_entry_links_to_its_section_of_the_release_notes_page(feed):
    client = Client()
    for link in feed.iter(ATOM + "link"):
        if link.get("rel") != "alternate" or "#" not in str(link.get("href")):
            continue
        parts = urlsplit(str(link.get("href")))
        page = client.get(parts.path)
        assert parts.fragment in parse(page.content.decode()).ids


def test_the_page_shows_every_release_with_its_audience_and_changes():
    html = Client().get("/api/guidance/release-notes").content.decode()

    for release in release_notes.releases():
        assert release.title in html
        assert release.audience in html
        for change in release.changes:
            assert change.split(" (")[0][:60] in html.replace("&#x27;", "'")


def test_the_feed_ids_stay_the_same_from_one_build_to_the_next():
    first = release_notes.atom_feed("http://a.example/notes", "http://a.example/feed")
    second = release_notes.atom_feed("http://b.example/notes", "http://b.example/feed")

    assert [e.text for e in ElementTree.fromstring(first).iter(ATOM + "id")] == [
        e.text for e in ElementTree.fromstring(second).iter(ATOM + "id")
    ]
