"""The cells of the compliance grid. A tag rather than a loop in the template: a page has some 400
cells, whose colour, status, tooltip and mark cost more as template lookups than all the rest of
the page."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def grid_cells(row):
    """One branch's cells: a month's mark, or a yearly kind's recorded/required. Every value is
    escaped (the tooltip holds party group names)."""
    cells = [(c, c.mark) for c in row.months] + [
        (c, f"{c.recorded}/{c.required}" if c.items else "—") for c in row.yearly
    ]
    return format_html_join(
        "",
        '<td class="table-{}" data-status="{}" title="{}">{}</td>',
        ((c.css, c.status or "", c.title, text) for c, text in cells),
    )
