"""Box-and-arrow diagrams as inline SVG: no script, no style attribute (the pages' Content-Security-Policy allows
neither), readable when printed and scaled to the column. Each diagram also has a text equivalent on its page."""

from dataclasses import dataclass
from html import escape

MARGIN = 12
INK, BLUE, FILL, PAPER = "#0b0c0c", "#1d70b8", "#f3f2f1", "#ffffff"
FONT = "GDS Transport, arial, sans-serif"
CHARACTER_WIDTH = 7.2  # at 13px, to size a label's background


@dataclass(frozen=True)
class Grid:
    """Box size and the gaps between boxes: wide gaps leave room for the labels of the arrows crossing them."""

    width: int = 230
    height: int = 64
    gap_x: int = 70
    gap_y: int = 70


@dataclass(frozen=True)
class Node:
    key: str
    title: str
    subtitle: str
    column: int
    row: int

    def centre(self, grid: Grid) -> tuple[float, float]:
        return (
            MARGIN + self.column * (grid.width + grid.gap_x) + grid.width / 2,
            MARGIN + self.row * (grid.height + grid.gap_y) + grid.height / 2,
        )


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    dashed: bool = False


def _border_point(grid: Grid, centre: tuple[float, float], dx: float, dy: float) -> tuple[float, float]:
    """Where the ray from a box's centre along (dx, dy) leaves the box."""
    scale = min(grid.width / 2 / abs(dx) if dx else float("inf"), grid.height / 2 / abs(dy) if dy else float("inf"))
    return centre[0] + dx * scale, centre[1] + dy * scale


def _edge(grid: Grid, edge: Edge, nodes: dict[str, Node], marker: str) -> str:
    (x1, y1), (x2, y2) = nodes[edge.source].centre(grid), nodes[edge.target].centre(grid)
    dx, dy = x2 - x1, y2 - y1
    sx, sy = _border_point(grid, (x1, y1), dx, dy)
    ex, ey = _border_point(grid, (x2, y2), -dx, -dy)
    dash = ' stroke-dasharray="6 4"' if edge.dashed else ""
    parts = [
        f'<line x1="{sx:.0f}" y1="{sy:.0f}" x2="{ex:.0f}" y2="{ey:.0f}" stroke="{INK}" stroke-width="2"{dash} '
        f'marker-end="url(#{marker})"/>'
    ]
    if edge.label:
        mx, my = (sx + ex) / 2, (sy + ey) / 2
        half = len(edge.label) * CHARACTER_WIDTH / 2 + 4
        parts.append(f'<rect x="{mx - half:.0f}" y="{my - 11:.0f}" width="{2 * half:.0f}" height="20" fill="{PAPER}"/>')
        parts.append(
            f'<text x="{mx:.0f}" y="{my + 4:.0f}" text-anchor="middle" font-size="13" fill="{INK}">'
            f"{escape(edge.label)}</text>"
        )
    return "".join(parts)


def _node(grid: Grid, node: Node) -> str:
    cx, cy = node.centre(grid)
    x, y = cx - grid.width / 2, cy - grid.height / 2
    return (
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{grid.width}" height="{grid.height}" rx="4" fill="{FILL}" '
        f'stroke="{BLUE}" '
        f'stroke-width="2"/>'
        f'<text x="{cx:.0f}" y="{cy - 6:.0f}" text-anchor="middle" font-size="16" font-weight="bold" fill="{INK}">'
        f"{escape(node.title)}</text>"
        f'<text x="{cx:.0f}" y="{cy + 16:.0f}" text-anchor="middle" font-size="14" fill="{INK}">'
        f"{escape(node.subtitle)}</text>"
    )


def svg(key: str, title: str, description: str, nodes: list[Node], edges: list[Edge], grid: Grid | None = None) -> str:
    """The diagram as a `<figure>` (an HTML block in Markdown), its caption the title."""
    grid = grid or Grid()
    by_key = {node.key: node for node in nodes}
    columns = max(node.column for node in nodes) + 1
    rows = max(node.row for node in nodes) + 1
    width = 2 * MARGIN + columns * grid.width + (columns - 1) * grid.gap_x
    height = 2 * MARGIN + rows * grid.height + (rows - 1) * grid.gap_y
    marker = f"{key}-arrow"
    edges_svg = "".join(_edge(grid, edge, by_key, marker) for edge in edges)
    body = edges_svg + "".join(_node(grid, node) for node in nodes)
    return (
        f'<figure class="app-figure">\n'
        f'<svg class="app-diagram" id="{key}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{key}-title {key}-desc" font-family="{FONT}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(description)}</desc>'
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker></defs>'
        f"{body}</svg>\n"
        f'<figcaption class="govuk-body-s">{escape(title)}</figcaption>\n'
        f"</figure>"
    )
