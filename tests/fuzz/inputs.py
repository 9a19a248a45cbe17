"""Hypothesis strategies for what a browser, a script or a careless hand may send: the values a
page offers, and garbage — any text, NUL bytes, huge and negative numbers, malformed and
out-of-range dates, very long strings, bytes that are not UTF-8, random files."""

import re
from urllib.parse import quote_from_bytes

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from tests.fuzz.html import Field, Form

# Any character the test client can encode (lone surrogates have no UTF-8 form).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)

EDGE_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "0",
    "1",
    "-1",
    "12",
    "31",
    "9999",
    "-0",
    "+1",
    "1.5",
    "1,5",
    "1e309",
    "NaN",
    "-inf",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
    "-" + "9" * 40,
    "0x1f",
    "١٢٣",  # Arabic-Indic digits: int() reads them
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "2026-1-1",
    "-2026-01-01",
    "2026-W99",
    "2026-06-15T25:61",
    "2026-06-15T10:00:00+99:00",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "15/06/2026",
    "today",
    "true",
    "null",
    "[]",
    "%",
    "%00",
    "../",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "😀",
    "\u202e",
    "\ufeff",
    "İ",
    "x" * 300,
    "ю" * 5000,
]

# What every name a page reads is sent, on its own, before the drawn examples: text PostgreSQL
# cannot store, a number past any column, the calendar's first and last days and its last year,
# a text past any length limit.
EVERY_NAME_GETS = ["a\x00b", "9" * 40, "0001-01-01", "9999-12-31", "9999", "Ж" * 300]

NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
DATES = st.dates().map(lambda day: day.isoformat())
DATETIMES = st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes"))
WITH_NUL = st.tuples(TEXT, TEXT).map("\x00".join)
LONG = st.integers(min_value=201, max_value=20_000).map(lambda size: "Ж" * size)


def garbage() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(EDGE_VALUES), TEXT, NUMBERS, DATES, DATETIMES, WITH_NUL, LONG)


FILE_NAMES = st.one_of(
    st.sampled_from(["calendar.ics", "agreement.pdf", "a", ".ics", "ä.ICS", "../../x.ics"]),
    st.sampled_from(["x" * 300 + ".ics", "name\x00.ics", "файл.pdf", "a.exe"]),
    TEXT.map(lambda name: name + ".ics"),
)
FILE_CONTENTS = st.one_of(
    st.binary(max_size=2048),
    st.sampled_from(
        [
            b"",
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:99999999T999999\r\nEND:VEVENT\r\n",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            b"\x00" * 64,
            b"\xff\xfe" + "Ж".encode("utf-16-le") * 10,
        ]
    ),
)


def altered(offered: list[str]) -> st.SearchStrategy[str]:
    """A value offered, with a NUL byte, a sign, digits, a space or any text put before or
    after it: near enough to pass a first look."""
    affixes = st.one_of(st.sampled_from(["\x00", "-", "0", "9" * 30, " ", "'"]), TEXT)
    return st.builds(
        lambda value, affix, before: affix + value if before else value + affix,
        st.sampled_from(offered),
        affixes,
        st.booleans(),
    )


def values_for(offered: list[str]) -> st.SearchStrategy[str]:
    """A value where ``offered`` are the values a page offers: one of them, one of them
    altered, or garbage."""
    if not offered:
        return garbage()
    return st.one_of(st.sampled_from(offered), altered(offered), garbage())


def uploads() -> st.SearchStrategy[SimpleUploadedFile]:
    return st.builds(SimpleUploadedFile, FILE_NAMES, FILE_CONTENTS)


def typed(kind: str) -> st.SearchStrategy[str]:
    """Values of the shape an input of type ``kind`` asks for, right or wrong."""
    return {
        "number": NUMBERS,
        "range": NUMBERS,
        "date": DATES,
        "datetime-local": DATETIMES,
        "month": DATES.map(lambda day: day[:7]),
        "time": st.times().map(lambda moment: moment.isoformat(timespec="minutes")),
        "email": st.emails(),
    }.get(kind, TEXT)


# A formset's management form (``partners-TOTAL_FORMS``...). Sent a huge count, Django builds
# up to 2,000 forms and the request takes seconds (a cost to cap in the formsets, not an error):
# the fuzz sends these small counts, text and negatives, so its time goes to finding errors.
MANAGEMENT_FORM = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
FORM_COUNTS = st.one_of(st.integers(min_value=-2, max_value=12).map(str), TEXT)


def value_of(field: Field) -> st.SearchStrategy:
    """One value for ``field``: one it offers, one of its shape, or garbage; for a file input,
    a random file or a text where the file should be."""
    if field.kind == "file":
        return st.one_of(uploads(), garbage())
    if MANAGEMENT_FORM.search(field.name):
        return FORM_COUNTS
    return st.one_of(values_for([each for each in field.choices if each]), typed(field.kind))


def values_of(field: Field) -> st.SearchStrategy[list]:
    """What ``field`` sends: untouched, one value, nothing, or the name repeated."""
    one = value_of(field)
    return st.one_of(
        st.just(list(field.initial)),
        st.lists(one, min_size=1, max_size=1),
        st.just([]),
        st.lists(one, min_size=2, max_size=3),
    )


@st.composite
def form_data(draw, form: Form | None, initial: dict | None = None, names=()) -> dict[str, list]:
    """The body of a POST to ``form``: either the form as the page wrote it with one field
    changed (to reach the checks behind a valid form), or every field drawn; then extra names
    (``names`` the site uses elsewhere, or any text) with garbage or files."""
    fields = list(form.fields) if form else []
    for name, value in (initial or {}).items():
        sent = [str(each) for each in (value if isinstance(value, list) else [value])]
        fields.append(Field(name=name, kind="text", initial=sent, choices=sent))
    data: dict[str, list] = {}
    changed = draw(st.sampled_from(fields)) if fields and draw(st.booleans()) else None
    for field in fields:
        if changed is None:
            values = draw(values_of(field))
        elif field is changed:
            values = draw(
                values_of(field).filter(lambda values, were=field.initial: values != were)
            )
        elif field.kind == "button":  # the button pressed
            values = [draw(st.sampled_from(field.choices))]
        else:
            values = list(field.initial)
        if values:
            data.setdefault(field.name, []).extend(values)
    extra_names = st.one_of(st.sampled_from(sorted(names)), TEXT) if names else TEXT
    extras = draw(st.lists(st.tuples(extra_names, st.one_of(garbage(), uploads())), max_size=3))
    for name, value in extras:
        data.setdefault(name, []).append(value)
    return data


@st.composite
def query_strings(draw, own: dict[str, list[str]], elsewhere: dict[str, list[str]]) -> str:
    """A query string of the names the page sends back to itself (``own``, with the values it
    offers), more often than of the names other pages send (``elsewhere``) or any text; with
    the values offered, altered or not, garbage, repeated names and empty values;
    percent-encoded, not encoded at all, or bytes that are not UTF-8. Returned as WSGI passes
    it: bytes decoded as Latin-1."""
    known = {**elsewhere, **own}
    pools = [st.sampled_from(sorted(names)) for names in (own, own, elsewhere) if names]
    name_strategy = st.one_of(*pools, TEXT)
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        name = draw(name_strategy)
        value = draw(values_for(known.get(name) or []))
        encoding = draw(st.sampled_from(["percent", "raw", "not UTF-8"]))
        if encoding == "percent":
            part = quote_from_bytes(name.encode()) + "=" + quote_from_bytes(value.encode())
        elif encoding == "raw":
            part = (name + "=" + value).encode().decode("latin-1")
        else:
            junk = quote_from_bytes(draw(st.binary(min_size=1, max_size=6)))
            part = quote_from_bytes(name.encode()) + "=" + junk
        parts.append(part)
    return "&".join(parts)


def one_name_each(names) -> list[str]:
    """Query strings that send each of ``names`` each value of ``EVERY_NAME_GETS``, alone."""
    return [
        f"{quote_from_bytes(name.encode())}={quote_from_bytes(value.encode())}"
        for name in sorted(names)
        for value in EVERY_NAME_GETS
    ]


def every_field_each(form: Form | None, initial: dict | None = None) -> list[dict[str, list]]:
    """Bodies that send every field of ``form`` (and every name of ``initial``) one value of
    ``EVERY_NAME_GETS`` at a time; a formset's counts as the page wrote them."""
    fields = list(form.fields) if form else []
    fields += [Field(name=name, kind="text") for name in initial or {}]
    if not fields:
        return []
    return [
        {
            field.name: list(field.initial) if MANAGEMENT_FORM.search(field.name) else [value]
            for field in fields
        }
        for value in EVERY_NAME_GETS
    ]
