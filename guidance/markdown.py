"""Markdown to HTML in the GOV.UK Design System's classes, with anchored headings and a contents list.

markdown-it-py (CommonMark, with tables) and its anchors plugin give every h2 and h3 an id; the classes are
set on the tokens, so no HTML is rewritten after rendering. Raw HTML is allowed: the generated blocks insert
their SVG diagrams that way (the pages' Markdown is ours, never a user's).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin

CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "table_open": "govuk-table app-table",
    "thead_open": "govuk-table__head",
    "tbody_open": "govuk-table__body",
    "tr_open": "govuk-table__row",
    "th_open": "govuk-table__header",
    "td_open": "govuk-table__cell",
    "link_open": "govuk-link",
    "code_inline": "app-code",
    "hr": "govuk-section-break govuk-section-break--l govuk-section-break--visible",
}
HEADING_CLASSES = {"h1": "govuk-heading-xl", "h2": "govuk-heading-l", "h3": "govuk-heading-m", "h4": "govuk-heading-s"}


@dataclass(frozen=True)
class Heading:
    anchor: str
    text: str


@dataclass(frozen=True)
class Rendered:
    title: str
    html: str
    contents: tuple[Heading, ...]  # the page's h2 headings, for its contents list
    # `html` is the page without its h1: the template places the title and the contents list first.


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _add_classes(tokens: list[Token]) -> None:
    for token in tokens:
        css = HEADING_CLASSES.get(token.tag) if token.type == "heading_open" else CLASSES.get(token.type)
        if css:
            token.attrJoin("class", css)
        if token.children:
            _add_classes(token.children)


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
    parser.use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
    fence = RendererHTML.fence

    def focusable_fence(
        renderer: RendererHTML, tokens: Sequence[Token], index: int, options: OptionsDict, env: EnvType
    ) -> str:
        # A code block may scroll sideways: keyboard users must be able to reach it (WCAG 2.1.1).
        html = fence(renderer, tokens, index, options, env)
        return html.replace("<pre>", '<pre class="app-pre" tabindex="0">', 1)

    parser.add_render_rule("fence", focusable_fence)
    return parser


PARSER = _parser()


def render(source: str) -> Rendered:
    tokens = PARSER.parse(source)
    _add_classes(tokens)
    title = ""
    contents = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = tokens[index + 1].content
        if token.tag == "h1" and not title:
            title = text
        elif token.tag == "h2":
            contents.append(Heading(str(token.attrGet("id")), _plain(text)))
    if title:  # the page shows its title itself, above the contents list
        first = next(index for index, token in enumerate(tokens) if token.tag == "h1")
        del tokens[first : first + 3]
    html = PARSER.renderer.render(tokens, PARSER.options, {})
    return Rendered(title=_plain(title), html=html, contents=tuple(contents))


def _plain(text: str) -> str:
    """Heading text without Markdown code marks."""
    return text.replace("`", "")
