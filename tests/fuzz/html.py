"""What a rendered page offers a browser to send: its forms with their fields' names, kinds and
values, and the query strings of its links, read with the standard library's HTML parser."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

# Inputs whose value a person types; the others (hidden, checkbox, radio, submit, file) send
# what the page wrote or nothing.
TYPED = {"text", "search", "email", "url", "tel", "password", "number", "date", "datetime-local",
         "time", "month", "week", "color", "range"}  # fmt: skip


@dataclass
class Field:
    """One name a form sends: ``kind`` is the input's type, ``select``, ``textarea`` or
    ``button``; ``initial`` what the page sends untouched; ``choices`` every value it offers."""

    name: str
    kind: str
    initial: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    method: str  # "get" or "post"
    action: str  # absolute path, query included, resolved against the page's address
    fields: list[Field] = field(default_factory=list)
    # Where its submit buttons send it instead (``formaction``), resolved as ``action``: the
    # page offers the same fields to each of these too.
    button_actions: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    @property
    def has_files(self) -> bool:
        return any(each.kind == "file" for each in self.fields)

    def field(self, name: str, kind: str) -> Field:
        """The field ``name``, added on first sight: radios and buttons of one name are one
        field with several choices."""
        for each in self.fields:
            if each.name == name:
                return each
        self.fields.append(Field(name=name, kind=kind))
        return self.fields[-1]


@dataclass
class Page:
    url: str
    forms: list[Form]
    links: list[str]  # every href, resolved against the page's address

    def forms_to(self, path: str, method: str = "post") -> list[Form]:
        return [form for form in self.forms if form.method == method and form.path == path]

    def query_values(self) -> dict[str, list[str]]:
        """Every query-string name the page sends back to its own address, by its GET forms or
        its links (sorting, paging, filter links), with the values it sends."""
        path = urlsplit(self.url).path
        found: dict[str, list[str]] = {}
        for form in self.forms_to(path, method="get"):
            for each in form.fields:
                found.setdefault(each.name, []).extend(each.choices)
        for link in self.links:
            parts = urlsplit(link)
            if parts.path == path:
                for name, value in parse_qsl(parts.query, keep_blank_values=True):
                    found.setdefault(name, []).append(value)
        return {name: sorted(set(values)) for name, values in found.items()}


class _Reader(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: dict | None = None
        self._textarea: Field | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "a" and "href" in attributes:
            self.links.append(urljoin(self.url, attributes["href"]))
        elif tag == "form":
            method = attributes.get("method", "get").lower()
            action = urljoin(self.url, attributes.get("action") or self.url)
            self._form = Form(method=method, action=action)
            self.forms.append(self._form)
        elif self._form is None or not name:
            if tag == "option" and self._select is not None:
                self._start_option(attributes)
            elif self._form is not None and tag in {"button", "input"}:
                self._button_action(tag, attributes)
        elif tag == "input":
            self._input(name, attributes)
        elif tag == "button" and attributes.get("type", "submit") == "submit":
            self._button_action(tag, attributes)
            button = self._form.field(name, "button")
            button.choices.append(attributes.get("value", ""))
        elif tag == "select":
            self._select = self._form.field(name, "select")
            self._select.multiple = "multiple" in attributes
        elif tag == "textarea":
            self._textarea = self._form.field(name, "textarea")
            self._text = []

    def _button_action(self, tag: str, attributes: dict):
        """A submit button with a ``formaction`` sends its form there instead."""
        kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
        if kind in {"submit", "image"} and attributes.get("formaction"):
            self._form.button_actions.append(urljoin(self.url, attributes["formaction"]))

    def _input(self, name: str, attributes: dict):
        self._button_action("input", attributes)
        kind = attributes.get("type", "text").lower()
        if kind in {"submit", "image", "reset"}:
            kind = "button"
        each = self._form.field(name, kind)
        value = attributes.get("value", "on" if kind in {"checkbox", "radio"} else "")
        each.choices.append(value)
        sent = kind not in {"checkbox", "radio", "button", "file"} or "checked" in attributes
        if sent:
            each.initial.append(value)

    def _start_option(self, attributes: dict):
        self._end_option()  # an option a page left open ends where the next begins
        self._option = {"value": attributes.get("value"), "selected": "selected" in attributes}
        self._text = []

    def handle_data(self, data):
        if self._option is not None or self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._end_form()
            self._form = None
        elif tag == "select":
            self._end_option()
            chosen = self._select
            if chosen is not None and chosen.choices and not (chosen.initial or chosen.multiple):
                chosen.initial.append(chosen.choices[0])  # a browser sends the first option
            self._select = None
        elif tag == "option":
            self._end_option()
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text).removeprefix("\n")
            self._textarea.initial.append(text)
            self._textarea.choices.append(text)
            self._textarea = None

    def _end_form(self):
        """The form as each of its buttons' ``formaction`` sends it: the same fields, to there."""
        form = self._form
        if form is None:
            return
        for action in dict.fromkeys(form.button_actions):
            if action != form.action:
                self.forms.append(Form(method=form.method, action=action, fields=form.fields))

    def _end_option(self):
        if self._option is None or self._select is None:
            return
        value = self._option["value"]
        if value is None:
            value = "".join(self._text).strip()
        self._select.choices.append(value)
        if self._option["selected"]:
            self._select.initial.append(value)
        self._option = None


def read_page(url: str, content: str) -> Page:
    reader = _Reader(url)
    reader.feed(content)
    reader.close()
    return Page(url=url, forms=reader.forms, links=reader.links)
