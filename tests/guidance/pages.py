"""Helpers for the guidance tests: every page's URL, and the links and ids of an HTML page."""

from html.parser import HTMLParser

from django.urls import reverse

from guidance.pages import PAGES


def page_urls() -> list[str]:
    return [reverse("guidance:page", args=[page.slug]) if page.slug else reverse("guidance:index") for page in PAGES]


class LinksAndIds(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.code: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))
        if tag == "link" and attributes.get("href"):
            self.links.append(str(attributes["href"]))


def parse(html: str) -> LinksAndIds:
    parser = LinksAndIds()
    parser.feed(html)
    return parser
