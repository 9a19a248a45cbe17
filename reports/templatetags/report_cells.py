"""How a report cell reads on the page: numbers in the reader's language, grouped, aligned
right; a share with no base as a dash; a country code as the site's country badge. The files
hold the same values unformatted (``reports.exports``)."""

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

from reports.tables import Cell, CellKind

register = template.Library()

DECIMALS = {CellKind.COUNT: 0, CellKind.AMOUNT: 2, CellKind.PERCENT: 1}


def _content(cell: Cell):
    if cell.value is None:
        if cell.kind == CellKind.PERCENT:
            return format_html(
                '<span class="text-body-secondary" title="{}">—</span>', _("Nothing counted")
            )
        return ""
    if cell.kind == CellKind.CODE:
        return format_html(
            '<span class="dl-country dl-country-{}">{}</span>', cell.value.lower(), cell.value
        )
    if cell.kind == CellKind.YEAR:
        return str(cell.value)
    if cell.kind in DECIMALS:
        shown = formats.number_format(
            cell.value, DECIMALS[cell.kind], use_l10n=True, force_grouping=True
        )
        if not cell.value:
            return format_html('<span class="text-body-secondary">{}</span>', shown)
        return shown
    return cell.value


def edge_classes(first: bool, last: bool) -> list[str]:
    """The table runs edge to edge in its card: its outer cells keep the card's inset."""
    return [name for name, edge in (("ps-3", first), ("pe-3", last)) if edge]


@register.simple_tag
def report_cell(cell: Cell, first: bool = False, last: bool = False):
    """The ``<td>`` of ``cell``; the first cell of a row heads it (``<th scope="row">``)."""
    classes = edge_classes(first, last)
    if cell.is_numeric:
        classes += ["text-end", "text-nowrap"]
    if first:
        return format_html(
            '<th scope="row" class="{}">{}</th>',
            " ".join([*classes, "fw-semibold"]),
            _content(cell),
        )
    if not classes:
        return format_html("<td>{}</td>", _content(cell))
    return format_html('<td class="{}">{}</td>', " ".join(classes), _content(cell))


@register.simple_tag
def report_column_classes(column, first: bool = False, last: bool = False) -> str:
    # Long headings wrap rather than push the table sideways.
    classes = [*edge_classes(first, last), "text-wrap"]
    if column.is_numeric:
        classes.append("text-end")
    return " ".join(classes)
