"""The one export mechanism every table download and command-line export goes through.

An export is a small class that says what it is (name, title, description), which filters it
takes, and yields a header and rows. `write_xlsx` and `doorstroom.sql.write_csv` turn any
export into a file, so no view or command writes CSV by hand, and every file gets the same safety
treatment:

* cells a spreadsheet would run as a formula are neutralised (OWASP "CSV injection");
* numbers stay numbers (a Decimal is written with a decimal comma in the Belgian Excel dialect,
  and as a numeric cell in XLSX);
* `None` is an empty cell.

An export over many rows may also offer `copy_sql(dialect)`, for PostgreSQL's COPY to write its
CSV (`doorstroom.sql`), byte for byte the file `iter_csv` writes.

An export is written in one language: the one active when it is made (`Export.language`; the
user's on the web, Dutch unless `--language en` on the command line). Its texts (headers, row
labels, choice labels, notes, the sheet's name) are English in the code, marked for
translation, and Dutch in the catalogs; in Dutch the files are what they were when the texts
were Dutch literals. Data values (names, titles, notes as stored) are written as stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from doorstroom.languages import iterate_in, lazy_call, lazy_format
from doorstroom.xlsx import new_workbook, xlsx_append_sheet

Cell = str | int | Decimal | float | dt.date | None

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """A request for an export that cannot be honoured; the message is meant for the user, in
    the language active when it is shown (`str(error)`): made lazy, it may be raised inside the
    Dutch of an answer pack and shown to an English user."""


# The label of a total line; the dashboard leaves these lines out of its charts.
TOTAL = _("Total")


@dataclass(frozen=True)
class Dialect:
    name: str
    delimiter: str
    decimal_separator: str
    bom: bool
    description: str


DIALECTS: dict[str, Dialect] = {
    "excel-nl": Dialect(
        "excel-nl",
        ";",
        ",",
        True,
        _("Excel (Belgium): semicolon, decimal comma, UTF-8 with BOM"),
    ),
    "rfc4180": Dialect("rfc4180", ",", ".", False, _("RFC 4180: comma, decimal point, no BOM")),
}
DEFAULT_DIALECT = "excel-nl"
FORMATS = ("csv", "xlsx")


class Export:
    """Base class of every export.

    Subclasses set `name`, `title`, `description` and either `filterset_class` (a django-filter
    FilterSet: the export then takes the same filters as the listing page it mirrors, and
    implements `get_queryset` and `rows_for(queryset)`) or `filter_form_class` (a plain form,
    with `rows()` reading `self.filters`).
    """

    # Templates are given export classes (the exports page): never to be instantiated there.
    do_not_call_in_templates: ClassVar[bool] = True
    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    filterset_class: ClassVar[type | None] = None
    filter_form_class: ClassVar[type[forms.Form] | None] = None
    # Exports carrying anything about an individual worker (even a pseudonymous reference) say
    # so: they are never part of an answer to parliament, and only roles that may see personal
    # data can download them (each download is logged).
    contains_personal_data: ClassVar[bool] = False
    # False for internal documents with exact figures (a payment statement): not for publication,
    # so never part of an answer pack.
    publishable: ClassVar[bool] = True
    # True when the export counts worker records of this application: such counts must go
    # through doorstroom.disclosure (1 to 4 shown as "<5"); a test holds every such export to it.
    counts_workers: ClassVar[bool] = False
    # Header names that identify a row, so a regenerated table can tell changed rows from
    # added and removed ones. Without them a changed row shows as removed plus added.
    key_columns: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        params: Mapping[str, str] | None = None,
        *,
        user=None,
        cleaned: Mapping[str, Any] | None = None,
    ) -> None:
        """`cleaned`: the cleaned data of this export's filter form, already validated by the
        caller (the dashboard checks its form once for all its figure sets)."""
        # The language the file is written in, wherever and whenever it is streamed.
        self.language = translation.get_language()
        params = {key: value for key, value in (params or {}).items() if value not in ("", None)}
        self.user = user
        unknown = sorted(set(params) - set(self.filter_names()))
        if unknown:
            raise ExportError(
                lazy_format(
                    _(
                        "Unknown filter(s) for export '%(name)s': %(unknown)s. Available filters: "
                        "%(known)s."
                    ),
                    name=self.name,
                    unknown=", ".join(unknown),
                    known=", ".join(self.filter_names()) or _("none"),
                )
            )
        self.params = params
        self.filters: dict[str, Any] = {}
        self.queryset: QuerySet | None = None
        if self.filterset_class is not None:
            # Filter choices are scoped by the user, as on the page (FilterSet reads request.user).
            request = SimpleNamespace(user=user) if user is not None else None
            filterset = self.filterset_class(
                data=params, queryset=self.get_queryset(), request=request
            )
            if not filterset.is_valid():
                raise ExportError(_errors_text(filterset.form))
            self.filters = filterset.form.cleaned_data
            self.queryset = filterset.qs
        elif self.filter_form_class is not None and cleaned is not None:
            self.filters = dict(cleaned)
        elif self.filter_form_class is not None:
            form = self.filter_form_class(data=params)
            if not form.is_valid():
                raise ExportError(_errors_text(form))
            self.filters = form.cleaned_data

    @classmethod
    def filter_fields(cls) -> dict[str, forms.Field]:
        if cls.filterset_class is not None:
            return dict(cls.filterset_class().form.fields)
        if cls.filter_form_class is not None:
            return dict(cls.filter_form_class().fields)
        return {}

    @classmethod
    def filter_form(cls, *, user=None) -> forms.Form:
        """The export's filters as a form to fill in (its choices scoped by the user, as on the
        listing page), its ids named after the export so several fit on one page."""
        if cls.filterset_class is not None:
            request = SimpleNamespace(user=user) if user is not None else None
            form = cls.filterset_class(request=request).form
        elif cls.filter_form_class is not None:
            form = cls.filter_form_class()
            for field in form.fields.values():
                queryset = getattr(field, "queryset", None)
                if user is not None and hasattr(queryset, "visible_to"):
                    field.queryset = queryset.visible_to(user)
        else:
            form = forms.Form()
        form.auto_id = f"id_{cls.name}_%s"
        return form

    @classmethod
    def filter_names(cls) -> list[str]:
        if cls.filterset_class is not None:
            return list(cls.filterset_class.base_filters)
        if cls.filter_form_class is not None:
            return list(cls.filter_form_class.base_fields)
        return []

    @classmethod
    def filter_help(cls) -> list[tuple[str, str]]:
        """(name, explanation) for every filter, for `export --list` and the exports page."""
        result = []
        for name, field in cls.filter_fields().items():
            text = str(field.help_text or field.label or name)
            result.append((name, text))
        return result

    @classmethod
    def may_be_published(cls) -> bool:
        return cls.publishable and not cls.contains_personal_data

    @classmethod
    def may_be_downloaded_by(cls, user) -> bool:
        """Personal data only for the roles that may see it; an internal document's exact
        figures not for a role that sees only what may be published (the analyst)."""
        if cls.contains_personal_data and not roles.may_see_personal_data(user):
            return False
        return cls.publishable or roles.may_see_internal_figures(user)

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def scoped(self, queryset: QuerySet) -> QuerySet:
        """The rows of `queryset` this export's user may see; all of them on the command line
        (no user), which only people with access to the server can run."""
        return queryset if self.user is None else queryset.visible_to(self.user)

    def copy_sql(self, dialect: Dialect) -> tuple[str, Sequence[Any]] | None:
        """Optional fast path for CSV: (SELECT giving the cells as text, its parameters)."""
        return None

    def header(self) -> Sequence[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence[Cell]]:
        assert self.queryset is not None, "exports without a filterset implement rows()"
        return self.rows_for(self.queryset)

    def rows_for(self, queryset: QuerySet) -> Iterable[Sequence[Cell]]:
        raise NotImplementedError

    def filename(self, file_format: str) -> str:
        suffix = "".join(f"_{key}-{value}" for key, value in sorted(self.params.items()))
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in suffix)
        return f"{self.name}{safe}.{file_format}"


def _errors_text(form: forms.Form):
    """The form's errors as one message, in the language active when it is shown."""

    def parts() -> str:
        return "; ".join(
            f"{field if field != '__all__' else 'filters'}: {' '.join(str(e) for e in errors)}"
            for field, errors in form.errors.items()
        )

    return lazy_format(_("Invalid filter: %(errors)s"), errors=lazy_call(parts))


_registry: dict[str, type[Export]] = {}


def register(export_class: type[Export]) -> type[Export]:
    """Class decorator that makes an export available by name (web and command line)."""
    if export_class.name in _registry and _registry[export_class.name] is not export_class:
        raise ValueError(f"Two exports are named {export_class.name!r}")
    _registry[export_class.name] = export_class
    return export_class


def all_exports() -> list[type[Export]]:
    return sorted(_registry.values(), key=lambda e: e.name)


def get_export(name: str) -> type[Export]:
    try:
        return _registry[name]
    except KeyError:
        raise ExportError(
            lazy_format(
                _("Unknown export '%(name)s'. Available exports: %(known)s."),
                name=name,
                known=", ".join(sorted(_registry)),
            )
        ) from None


# --- writing ----------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Prefix text that a spreadsheet would evaluate with an apostrophe, so it stays text."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def yes_no() -> tuple[str, str]:
    """How a true and a false cell read, in the active language."""
    return gettext("yes"), gettext("no")


def csv_cell(value: Cell, dialect: Dialect, booleans: tuple[str, str] | None = None) -> str:
    """`booleans`: `yes_no()`, looked up once by a caller writing many cells."""
    if type(value) is str:  # the most common cell first
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        yes, no = booleans or yes_no()
        return yes if value else no
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text.replace(".", dialect.decimal_separator)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def get_dialect(dialect_name: str) -> Dialect:
    try:
        return DIALECTS[dialect_name]
    except KeyError:
        raise ExportError(
            lazy_format(
                _("Unknown CSV dialect '%(name)s'. Choose from: %(known)s."),
                name=dialect_name,
                known=", ".join(DIALECTS),
            )
        ) from None


def iter_csv_rows(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], dialect_name: str = DEFAULT_DIALECT
) -> Iterator[str]:
    """Yield a header and rows as CSV text, line by line (suitable for streaming), in the active
    language."""
    dialect = get_dialect(dialect_name)
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter, lineterminator="\r\n")
    first = writer.writerow([neutralise(str(h)) for h in header])
    yield ("\ufeff" + first) if dialect.bom else first
    booleans = yes_no()
    for row in rows:
        yield writer.writerow([csv_cell(value, dialect, booleans) for value in row])


def iter_csv(export: Export, dialect_name: str = DEFAULT_DIALECT) -> Iterator[str]:
    """Yield the export as CSV text, line by line, in the language of the export (for a few
    lines: `doorstroom.sql.iter_csv_bytes` streams)."""
    get_dialect(dialect_name)  # fail before the first row, not in the middle of a download
    lines = iter_csv_rows(export_header(export), export.rows(), dialect_name)
    return iterate_in(export.language, lines)


def export_header(export: Export) -> list[str]:
    """The header's names, in the export's language now (they may be lazy)."""
    with translation.override(export.language):
        return [str(name) for name in export.header()]


def write_xlsx(
    export: Export, stream: io.BufferedIOBase, rows: Iterable[Sequence[Cell]] | None = None
) -> None:
    """Write the export as a one-sheet XLSX workbook, in the language of the export (its sheet's
    name too). `rows`: the export's rows as a job reads them (counting its progress)."""
    workbook = new_workbook()
    with translation.override(export.language):
        xlsx_append_sheet(
            workbook,
            title=str(export.title),
            header=export.header(),
            rows=export.rows() if rows is None else rows,
        )
    workbook.save(stream)


def export_bytes(export: Export, file_format: str, dialect_name: str = DEFAULT_DIALECT) -> bytes:
    """The whole export as bytes: for tests, answer packs and small files."""
    if file_format == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(export, buffer)
        return buffer.getvalue()
    if file_format == "csv":
        return "".join(iter_csv(export, dialect_name)).encode("utf-8")
    raise format_unknown(file_format)


def format_unknown(file_format: str) -> ExportError:
    return ExportError(
        lazy_format(
            _("Unknown format '%(name)s'. Choose from: %(known)s."),
            name=file_format,
            known=", ".join(FORMATS),
        )
    )
