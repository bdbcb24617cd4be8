"""Read a rendered page as a browser does: its forms with the values they would submit, and the
rows of its tables. Tests submit what the form holds instead of writing URL parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Select:
    name: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    selected: list[str] = field(default_factory=list)

    def value(self) -> str:
        # A browser submits the selected option, or the first one when none is marked.
        if self.selected:
            return self.selected[-1]
        return self.options[0][0] if self.options else ""


@dataclass
class Form:
    attrs: dict[str, str]
    inputs: list[dict[str, str]] = field(default_factory=list)
    selects: list[Select] = field(default_factory=list)
    textareas: dict[str, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return self.attrs.get("method", "get").lower()

    def data(self) -> dict[str, str]:
        """What pressing the form's submit button sends, field by field in their order."""
        values: dict[str, str] = {}
        for attrs in self.inputs:
            kind = attrs.get("type", "text").lower()
            name = attrs.get("name")
            if not name or kind in ("submit", "button", "reset", "image", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    values[name] = attrs.get("value", "on")
                continue
            values[name] = attrs.get("value", "")
        for select in self.selects:
            values[select.name] = select.value()
        values.update(self.textareas)
        return values

    def select(self, name: str) -> Select:
        return next(select for select in self.selects if select.name == name)

    def field_names(self) -> list[str]:
        names = [a["name"] for a in self.inputs if a.get("name") and a.get("type") != "submit"]
        return names + [s.name for s in self.selects] + list(self.textareas)

    def input(self, name: str) -> dict[str, str]:
        return next(attrs for attrs in self.inputs if attrs.get("name") == name)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.rows: list[list[str]] = []
        self._form: Form | None = None
        self._select: Select | None = None
        self._option: dict[str, str] | None = None
        self._option_text: list[str] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._tbody = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            self._form.inputs.append(attrs)
        elif tag == "select" and self._form is not None:
            self._select = Select(attrs.get("name", ""))
            self._form.selects.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = attrs, []
        elif tag == "textarea" and self._form is not None:
            self._textarea, self._text = attrs.get("name", ""), []
        elif tag == "tbody":
            self._tbody += 1
        elif tag == "tr" and self._tbody:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            label = " ".join("".join(self._option_text).split())
            value = self._option.get("value", label)
            self._select.options.append((value, label))
            if "selected" in self._option:
                self._select.selected.append(value)
            self._option = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.textareas[self._textarea] = "".join(self._text)
            self._textarea = None
        elif tag == "tbody":
            self._tbody -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._option is not None:
            self._option_text.append(data)
        if self._textarea is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(html: bytes | str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser


def forms(response) -> list[Form]:
    return parse(response.content).forms


def table_rows(response) -> list[list[str]]:
    """The text of every body row of every table on the page."""
    return parse(response.content).rows


def filter_form(response) -> Form | None:
    """The page's filter form (GET, class "filters"), or None."""
    for form in forms(response):
        if form.method == "get" and "filters" in form.attrs.get("class", "").split():
            return form
    return None
