"""Release notes: a structured file in the repository (release_notes.toml), shown as a page and as an Atom feed
(RFC 4287) that lead providers can subscribe to."""

import tomllib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

from guidance.markdown import slugify

SOURCE = Path(__file__).resolve().parent / "release_notes.toml"
ATOM = "http://www.w3.org/2005/Atom"
FEED_TITLE = "Lead provider API: release notes"
# Entry and feed ids must never change once published: derived from this namespace and the entry's date and title.
ID_NAMESPACE = uuid.UUID("6f1d3f0e-5b1c-4a0e-9a57-3f7d0c1b9e21")


@dataclass(frozen=True)
class Release:
    date: date
    title: str
    audience: str
    changes: tuple[str, ...]

    @property
    def heading(self) -> str:
        return f"{self.date.strftime('%-d %B %Y')}: {self.title}"

    @property
    def anchor(self) -> str:
        return slugify(self.heading)

    @property
    def atom_id(self) -> str:
        return uuid.uuid5(ID_NAMESPACE, f"{self.date.isoformat()} {self.title}").urn

    @property
    def updated(self) -> str:
        return datetime.combine(self.date, time(9), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def releases() -> tuple[Release, ...]:
    data = tomllib.loads(SOURCE.read_text())
    found = tuple(
        Release(entry["date"], entry["title"], entry["audience"], tuple(entry["changes"])) for entry in data["release"]
    )
    return tuple(sorted(found, key=lambda release: release.date, reverse=True))


def release_notes_markdown() -> str:
    sections = []
    for release in releases():
        changes = "\n".join(f"- {change}" for change in release.changes)
        sections.append(f"## {release.heading}\n\nFor: {release.audience}.\n\n{changes}\n")
    return "\n".join(sections)


def atom_feed(page_url: str, feed_url: str) -> bytes:
    """The feed, with absolute links: `page_url` is the release notes page, `feed_url` the feed itself."""
    ElementTree.register_namespace("", ATOM)

    def sub(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    notes = releases()
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", uuid.uuid5(ID_NAMESPACE, "feed").urn)
    sub(feed, "title", FEED_TITLE)
    sub(feed, "updated", max(release.updated for release in notes))
    sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=page_url, type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "Department for Education")
    for release in notes:
        entry = sub(feed, "entry")
        sub(entry, "id", release.atom_id)
        sub(entry, "title", release.title)
        sub(entry, "updated", release.updated)
        sub(entry, "link", rel="alternate", href=f"{page_url}#{release.anchor}", type="text/html")
        summary = f"For: {release.audience}. " + " ".join(release.changes)
        sub(entry, "summary", summary)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
