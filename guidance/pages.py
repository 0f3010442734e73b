"""The guidance pages: Markdown files in guidance/content/, their generated blocks expanded, rendered once per
process and day (the statement and milestone tables list the cohorts open on the day)."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.utils import timezone

from guidance import blocks, markdown

CONTENT = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class PageInfo:
    slug: str  # "" for the guidance's first page
    source: str
    nav: str  # the name in the side navigation


PAGES = (
    PageInfo("", "about.md", "About the API"),
    PageInfo("connect", "connect.md", "Connect to the API"),
    PageInfo("api-ids", "api-ids.md", "API IDs explained"),
    PageInfo("keeping-data-in-sync", "sync.md", "Keeping data in sync"),
    PageInfo("definitions-and-states", "definitions.md", "Definitions and states"),
    PageInfo("schedules-and-milestones", "schedules.md", "Schedules and milestones"),
    PageInfo("declarations", "declarations.md", "Declarations"),
    PageInfo("partnerships", "partnerships.md", "Partnerships"),
    PageInfo("participant-actions", "participant-actions.md", "Participant actions"),
    PageInfo("unfunded-mentors-and-transfers", "transfers.md", "Unfunded mentors and transfers"),
    PageInfo("statements-and-payment-dates", "statements.md", "Statements and payment dates"),
    PageInfo("sandbox-and-testing", "sandbox.md", "Sandbox and how to test"),
    PageInfo("glossary", "glossary.md", "Glossary"),
    PageInfo("release-notes", "release-notes.md", "Release notes"),
)
BY_SLUG = {page.slug: page for page in PAGES}


def source(page: PageInfo) -> str:
    """The page's Markdown with its generated blocks in place."""
    return blocks.expand((CONTENT / page.source).read_text())


def build_page(slug: str) -> markdown.Rendered:
    """Render now, without the cache (tests use it after changing a source)."""
    return markdown.render(source(BY_SLUG[slug]))


@lru_cache(maxsize=2 * len(PAGES))
def _cached(slug: str, day: date) -> markdown.Rendered:
    return build_page(slug)


def rendered_page(slug: str) -> markdown.Rendered:
    return _cached(slug, timezone.localdate())
