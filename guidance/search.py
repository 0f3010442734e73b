"""A simple search over the guidance: the sections (h2) of every page holding all the words asked for."""

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import unescape

from django.utils import timezone

from guidance import pages

MAX_RESULTS = 30
MAX_QUERY = 100
SNIPPET = 160
INLINE_TAG = re.compile(r"</?(?:code|a|strong|em|wbr)\b[^>]*>")
TAG = re.compile(r"<[^>]+>")
SECTION = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)


@dataclass(frozen=True)
class Result:
    page_title: str
    url: str
    section: str
    snippet: str


def _text(html: str) -> str:
    return " ".join(unescape(TAG.sub(" ", INLINE_TAG.sub("", html))).split())


def _sections(slug: str) -> list[tuple[str, str, str]]:
    return _sections_of(slug, timezone.localdate())


@lru_cache(maxsize=2 * len(pages.PAGES))
def _sections_of(slug: str, day: date) -> list[tuple[str, str, str]]:
    """(anchor, heading, text) per section of the page; the text before the first h2 is the page's own."""
    html = pages.rendered_page(slug).html
    parts = SECTION.split(html)
    sections = [("", "", _text(parts[0]))]
    for index in range(1, len(parts), 3):
        sections.append((parts[index], _text(parts[index + 1]), _text(parts[index + 2])))
    return sections


def _snippet(text: str, word: str) -> str:
    at = text.lower().find(word)
    start = max(0, at - SNIPPET // 2)
    snippet = text[start : start + SNIPPET]
    return ("…" if start else "") + snippet + ("…" if start + SNIPPET < len(text) else "")


def search(query: str, url_of: dict[str, str]) -> list[Result]:
    words = query.lower().split()[:10]
    if not words:
        return []
    results = []
    for page in pages.PAGES:
        title = pages.rendered_page(page.slug).title
        for anchor, heading, text in _sections(page.slug):
            haystack = f"{title} {heading} {text}".lower()
            if all(word in haystack for word in words):
                url = url_of[page.slug] + (f"#{anchor}" if anchor else "")
                results.append(Result(title, url, heading or title, _snippet(text, words[0])))
    return results[:MAX_RESULTS]
