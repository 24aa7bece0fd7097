"""What every template must hold, read from the templates themselves."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, nodes

TEMPLATES = Path(__file__).resolve().parent.parent / "tas" / "templates"


def _tables_outside_a_box(node: nodes.Node, in_box: bool = False) -> int:
    """Tables (written out, or by GOV.UK's table macro) not inside `{% call scrolling(...) %}`."""
    if isinstance(node, nodes.CallBlock) and getattr(node.call.node, "name", None) == "scrolling":
        in_box = True
    found = 0
    if not in_box:
        if isinstance(node, nodes.TemplateData):
            found += node.data.count("<table")
        elif isinstance(node, nodes.Call) and getattr(node.node, "name", None) == "govukTable":
            found += 1
    return found + sum(_tables_outside_a_box(child, in_box) for child in node.iter_child_nodes())


def test_every_table_scrolls_in_its_own_box_on_a_phone():
    """WCAG 1.4.10 (Reflow): a table wider than a phone scrolls inside its own box, never the
    whole page; the browser tests measure the pages, this finds a table added without one."""
    environment = Environment(autoescape=True)  # parsing needs no loader, filters or globals
    unboxed = {
        str(path.relative_to(TEMPLATES)): count
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (count := _tables_outside_a_box(environment.parse(path.read_text())))
    }
    assert unboxed == {}
