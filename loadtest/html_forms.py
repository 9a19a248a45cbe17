"""Read the forms of a page as a browser would submit them, for the simulated users of
``loadtest/locustfile.py``: the values of text, hidden, date, time and number inputs, ticked
checkboxes and radios, the chosen option of each select (else its first), and textareas."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs a browser never sends as a value of their own when a form is submitted by Enter.
_NOT_SENT = frozenset({"submit", "button", "reset", "image", "file"})


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = Form(
                action=attributes.get("action") or "",
                method=(attributes.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in _NOT_SENT:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self._form.fields[name] = attributes.get("value") or "on"
                return
            self._form.fields[name] = attributes.get("value") or ""
        elif tag == "select" and name and "multiple" not in attributes:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            if self._option is not None:
                self._end_option()
            self._option = attributes
            self._text = []
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None or self._option is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._end_option()
            if not self._select_chosen and self._select_first is not None and self._form:
                self._form.fields[self._select] = self._select_first
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A browser drops the line break that follows <textarea>.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            if self._form is not None:
                self._form.fields[self._textarea] = text
            self._textarea = None

    def _end_option(self):
        option, self._option = self._option, None
        value = option.get("value")
        if value is None:
            value = "".join(self._text).strip()
        if self._select_first is None:
            self._select_first = value
        if "selected" in option and self._form is not None and self._select is not None:
            self._form.fields[self._select] = value
            self._select_chosen = True


def page_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html: str, field_name: str) -> Form | None:
    """The first form of the page that has a field named ``field_name``."""
    for form in page_forms(html):
        if field_name in form.fields:
            return form
    return None
