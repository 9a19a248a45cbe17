"""The Django admin as the record keepers use it. Shared here: reading a page the way a browser
and a reader do (the form a browser posts back, the rows of a table, the read-only values)."""

import datetime
import zoneinfo
from html.parser import HTMLParser

from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
BISHKEK = zoneinfo.ZoneInfo("Asia/Bishkek")
UTC = datetime.UTC


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class FormFields(HTMLParser):
    """What a browser would submit from one form of a page: the named inputs, checked boxes,
    selected options and textareas inside it."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.pairs: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._options: list[str] = []
        self._selected: list[str] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_form = attributes.get("id") == self.form_id
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.pairs.append(
                (name, attributes.get("value") or ("on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select, self._options, self._selected = name, [], []
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            self._options.append(value)
            if "selected" in attributes:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            chosen = self._selected or self._options[:1]
            self.pairs.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.pairs.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None


def form_data(response, model) -> dict[str, list[str]]:
    """The change or add form of ``response`` as a browser would post it back unchanged."""
    parser = FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


def post_change(client, obj, **changes) -> object:
    """Open ``obj``'s admin change page, change some fields and save, like a person would."""
    url = admin_url(type(obj), "change", obj.pk)
    data = form_data(client.get(url), type(obj))
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


class TableRows(HTMLParser):
    """The body rows of one table of a page, each cell as its class and its text with the
    whitespace collapsed, as a reader sees it."""

    def __init__(self, table_id: str):
        super().__init__(convert_charrefs=True)
        self.table_id = table_id
        self.rows: list[list[tuple[str, str]]] = []
        self._depth = 0
        self._in_body = False
        self._cell: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and (self._depth or attributes.get("id") == self.table_id):
            self._depth += 1
        if not self._depth:
            return
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in {"td", "th"} and self._in_body:
            self._cell = (attributes.get("class") or "", [])

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1].append(data)

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag in {"td", "th"} and self._cell is not None:
            css_class, text = self._cell
            self.rows[-1].append((css_class, " ".join("".join(text).split())))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._depth -= 1


def table_rows(response, table_id: str) -> list[list[tuple[str, str]]]:
    parser = TableRows(table_id)
    parser.feed(response.content.decode())
    return parser.rows


def column(response, name: str) -> list[str]:
    """The cells of changelist column ``name``, top to bottom, as the page shows them."""
    return [
        text
        for row in table_rows(response, "result_list")
        for css_class, text in row
        if f"field-{name}" in css_class.split()
    ]


def readonly_values(response) -> dict[str, str]:
    """The read-only fields of a change form, by name, as the page shows them."""
    return {
        field.field["name"]: str(field.contents())
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
        if field.is_readonly
    }


def hosted_event(*, programme, host, title, starts_at, **kwargs) -> Event:
    return EventFactory(
        programme=programme,
        host_institution=host,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        **kwargs,
    )
