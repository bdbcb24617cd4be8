"""Answer packs: produce every table of a question's answer at once, store what was sent, and
tell later whether the same parameters still give the same tables.

A pack is a document for the Flemish Parliament: always in Dutch (`PACK_LANGUAGE`), whatever the
language of the staff member who makes or compares it. Its tables are the exports written in
Dutch; only the messages to the staff member (an error) are in their language.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from doorstroom.disclosure.publishing import notes_for, publish_together
from doorstroom.exports import (
    Cell,
    ExportError,
    get_export,
    iter_csv_rows,
)
from doorstroom.formatting import format_amount, format_number
from doorstroom.languages import lazy_format
from doorstroom.xlsx import new_workbook, xlsx_append_sheet
from questions.models import (
    AnswerPack,
    AnswerPackTable,
    AnswerTable,
    ParliamentaryQuestion,
)

# The canonical form of a table, over which checksums are taken and comparisons are made.
CANONICAL_DIALECT = "rfc4180"
# The language of every pack: its tables, headers, labels, notes and pages.
PACK_LANGUAGE = "nl-be"


def _filters_text(filters: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(filters.items()))


def _caption(label: str, title: str, filters: dict) -> str:
    text = _filters_text(filters)
    return f"{label}) {title}" + (f" (filters: {text})" if text else "")


@dataclass
class TableResult:
    position: int
    label: str
    export_name: str
    filters: dict[str, str]
    title: str
    header: list[str]
    rows: list[list[Cell]]
    content: str  # the canonical CSV, written in the pack's language

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()

    @property
    def caption(self) -> str:
        return _caption(self.label, self.title, self.filters)


def _table_result(
    export, *, filters: dict[str, str], position: int, label: str, title: str
) -> TableResult:
    """An export's header and rows as a table of an answer, in the pack's language (the
    caller's `translation.override(PACK_LANGUAGE)`)."""
    header = [str(h) for h in export.header()]
    rows = [list(row) for row in export.rows()]
    return TableResult(
        position=position,
        label=label,
        export_name=export.name,
        filters=filters,
        title=title,
        header=header,
        rows=rows,
        content="".join(iter_csv_rows(header, rows, CANONICAL_DIALECT)),
    )


def answer_tables_run(
    *, question: ParliamentaryQuestion, progress: Callable[[int, int], None] | None = None
) -> list[TableResult]:
    """Every answer table of the question, written in Dutch. `progress(done, total)` is told
    how far it is (a job's progress bar): the tables' protection, then each table."""
    progress = progress or (lambda done, total: None)
    tables = AnswerTable.objects.filter(subquestion__question=question).select_related(
        "subquestion"
    )
    with translation.override(PACK_LANGUAGE):
        runs = []
        for position, table in enumerate(tables, start=1):
            export_class = get_export(table.export_name)
            if not export_class.may_be_published():
                raise ExportError(
                    lazy_format(
                        _("Export '%(name)s' is not meant for publication."),
                        name=table.export_name,
                    )
                )
            filters = {key: str(value) for key, value in (table.filters or {}).items()}
            label = table.answers or table.subquestion.label
            title = table.title or str(export_class.title)
            runs.append((export_class(filters), filters, position, label, title))
        total = len(runs) + 1
        progress(0, total)
        # The tables of one answer are read together: their counts are protected together.
        publish_together(export for export, *_ in runs)
        results = []
        for export, filters, position, label, title in runs:
            progress(len(results) + 1, total)
            results.append(
                _table_result(export, filters=filters, position=position, label=label, title=title)
            )
        progress(total, total)
        return results


def _pack_checksum(results: Sequence[TableResult]) -> str:
    digest = hashlib.sha256()
    for result in results:
        digest.update(result.sha256.encode())
    return digest.hexdigest()


def no_answer_tables() -> ExportError:
    return ExportError(_("This question has no answer tables yet."))


@transaction.atomic
def answer_pack_generate(
    *,
    question: ParliamentaryQuestion,
    user,
    progress: Callable[[int, int], None] | None = None,
) -> AnswerPack:
    """Produce every table of the question's answer and store them as sent."""
    results = answer_tables_run(question=question, progress=progress)
    if not results:
        raise no_answer_tables()
    pack = AnswerPack.objects.create(
        question=question,
        generated_at=timezone.now(),
        generated_by=user,
        parameters={
            "tables": [
                {
                    "position": r.position,
                    "subquestion": r.label,
                    "export": r.export_name,
                    "filters": r.filters,
                    "title": r.title,
                }
                for r in results
            ]
        },
        checksum=_pack_checksum(results),
    )
    AnswerPackTable.objects.bulk_create(
        [
            AnswerPackTable(
                pack=pack,
                position=r.position,
                subquestion_label=r.label,
                export_name=r.export_name,
                filters=r.filters,
                title=r.title,
                content=r.content,
                sha256=r.sha256,
            )
            for r in results
        ]
    )
    return pack


# --- files ------------------------------------------------------------------------------------


def _stored_rows(content: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a table stored in the canonical CSV."""
    rows = list(csv.reader(io.StringIO(content)))
    return rows[0], rows[1:]


ANSWER_PACK_CSS = Path(__file__).parent / "static" / "questions" / "answer_pack.css"


def _back_link(url: str) -> str:
    return f"<p class='screen-only'><a href='{html.escape(url)}'>← Terug naar het pakket</a></p>"


def _back_link(url: str) -> str:
    return f"<p class='screen-only'><a href='{html.escape(url)}'>← Terug naar het pakket</a></p>"


def answer_pack_html(
    *, pack: AnswerPack, stylesheet_url: str | None = None, back_url: str | None = None
) -> str:
    """An HTML page whose tables paste cleanly into a word processor.

    Served by the application it links the stylesheet `stylesheet_url` (its CSP refuses inline
    styles). Without it, for the ZIP, the same stylesheet is written into the page's <style>: no
    CSP applies to a file opened from disk, and the page stays styled on its own, opened from the
    archive without unpacking it or sent on by itself. `back_url`: served, a link back to the
    pack's page (on screen only, never in the ZIP's page).
    """
    question = pack.question
    if stylesheet_url is None:
        style = f"<style>\n{ANSWER_PACK_CSS.read_text(encoding='utf-8')}</style>"
    else:
        style = f"<link rel='stylesheet' href='{html.escape(stylesheet_url)}'>"
    parts = [
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>",
        f"<title>Antwoord op vraag nr. {question.number}</title>",
        style,
        "</head><body>",
        *([_back_link(back_url)] if back_url else []),
        f"<h1>Antwoord op schriftelijke vraag nr. {question.number} van "
        f"{question.date:%d/%m/%Y}</h1>",
        f"<p>{html.escape(question.subject)}. Gegenereerd op "
        f"{timezone.localtime(pack.generated_at):%d/%m/%Y %H:%M}.</p>",
    ]
    for table in pack.tables.all():
        header, rows = _stored_rows(table.content)
        rows = [_shown_row(header, row) for row in rows]
        caption = _caption(table.subquestion_label, table.title, table.filters)
        parts.append(f"<h2>{html.escape(caption)}</h2>")
        parts.append("<table><thead><tr>")
        parts.extend(f"<th>{html.escape(h)}</th>" for h in header)
        parts.append("</tr></thead><tbody>")
        for row in rows:
            parts.append("<tr>")
            parts.extend(f"<td>{html.escape(value)}</td>" for value in row)
            parts.append("</tr>")
        parts.append("</tbody></table>")
        with translation.override(PACK_LANGUAGE):
            notes = notes_for(rows)
        parts.extend(f"<p class='disclosure-note'>{html.escape(note)}</p>" for note in notes)
        parts.append(f"<p class='checksum'>SHA-256: {table.sha256}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def answer_pack_archive(*, pack: AnswerPack) -> bytes:
    """The pack as one ZIP: a workbook (one sheet per table), the CSV tables, the HTML page and a
    manifest with the parameters and checksums.

    The CSV files are the stored tables themselves; the workbook is built from the same rows,
    in Dutch (its notes under the tables).
    """
    with translation.override(PACK_LANGUAGE):
        return _archive(pack)


def _archive(pack: AnswerPack) -> bytes:
    workbook = new_workbook()
    manifest_tables = []
    buffer = io.BytesIO()
    stamp = timezone.localtime(pack.generated_at).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in pack.tables.all():
            header, rows = _stored_rows(table.content)
            typed_rows = [[_typed(value) for value in row] for row in rows]
            caption = f"{table.subquestion_label}) {table.title}"
            filters = _filters_text(table.filters)
            xlsx_append_sheet(
                workbook,
                title=f"{table.subquestion_label} {table.title}",
                header=header,
                rows=typed_rows,
                caption_rows=[caption, f"Filters: {filters or 'geen'}"],
            )
            base = f"{table.position:02d}_{table.subquestion_label}_{table.export_name}"
            _write(archive, f"csv/{base}.csv", table.content.encode("utf-8"), stamp)
            excel = "".join(iter_csv_rows(header, typed_rows, "excel-nl"))
            _write(archive, f"csv-excel/{base}.csv", excel.encode("utf-8"), stamp)
            manifest_tables.append(
                {
                    "position": table.position,
                    "subquestion": table.subquestion_label,
                    "export": table.export_name,
                    "filters": table.filters,
                    "title": table.title,
                    "file": f"csv/{base}.csv",
                    "sha256": table.sha256,
                }
            )
        xlsx = io.BytesIO()
        workbook.save(xlsx)
        _write(archive, f"vraag-{pack.question.number}.xlsx", xlsx.getvalue(), stamp)
        _write(archive, "antwoord.html", answer_pack_html(pack=pack).encode("utf-8"), stamp)
        manifest = {
            "question": {"number": pack.question.number, "date": pack.question.date.isoformat()},
            "generated_at": pack.generated_at.isoformat(),
            "generated_by": pack.generated_by.get_username(),
            "checksum": pack.checksum,
            "tables": manifest_tables,
        }
        _write(
            archive,
            "manifest.json",
            json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"),
            stamp,
        )
    return buffer.getvalue()


def _shown_row(header: Sequence[str], row: Sequence[str]) -> list[str]:
    """A stored row as the answer's reader sees it, in Dutch like the answer: amounts (a column
    in EUR) as € 1.260,00, other decimals with their own places, whole numbers (years, project
    numbers, counts) as they are."""
    shown = []
    with translation.override(PACK_LANGUAGE):
        for name, value in zip(header, row, strict=False):
            typed = _typed(value)
            if isinstance(typed, Decimal) and name.endswith("(EUR)"):
                value = format_amount(typed)
            elif isinstance(typed, Decimal):
                value = format_number(typed, max(-typed.as_tuple().exponent, 0))
            shown.append(value)
    return shown + list(row[len(shown) :])


def _typed(value: str) -> Cell:
    """Numbers back as numbers for the workbook (the stored CSV is RFC 4180, decimal point)."""
    if value.lstrip("-").isdigit() and not (len(value) > 1 and value.lstrip("-")[0] == "0"):
        return int(value)
    if value.count(".") == 1 and value.replace(".", "").lstrip("-").isdigit():
        return Decimal(value)
    # The stored CSV already neutralised formulas with an apostrophe; the workbook stores text
    # as text, so the apostrophe would only be noise there.
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return value[1:]
    return value or None


def _write(archive: zipfile.ZipFile, name: str, data: bytes, stamp: tuple) -> None:
    # The files carry the pack's time, not the moment of download.
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


# --- reproducibility --------------------------------------------------------------------------


@dataclass
class TableComparison:
    position: int
    label: str
    title: str
    identical: bool
    header_changed: bool = False
    added: list[list[str]] = field(default_factory=list)
    removed: list[list[str]] = field(default_factory=list)
    changed: list[tuple[list[str], list[str]]] = field(default_factory=list)
    error: str = ""


def answer_pack_compare(*, pack: AnswerPack) -> list[TableComparison]:
    """Regenerate each stored table with its stored parameters, in Dutch as the pack was, and
    compare with what was sent."""
    with translation.override(PACK_LANGUAGE):
        return _compare(pack)


def _compare(pack: AnswerPack) -> list[TableComparison]:
    comparisons = []
    tables, exports = list(pack.tables.all()), {}
    for table in tables:
        try:
            exports[table.position] = get_export(table.export_name)(table.filters)
        except ExportError as error:
            exports[table.position] = error
    # Protected together again, as when the pack was made.
    publish_together(e for e in exports.values() if not isinstance(e, ExportError))
    for table in tables:
        export = exports[table.position]
        if isinstance(export, ExportError):
            comparisons.append(
                # The error as made (lazy): shown in the staff member's language, not the pack's.
                TableComparison(
                    table.position,
                    table.subquestion_label,
                    table.title,
                    False,
                    error=export.args[0],
                )
            )
            continue
        export_class = type(export)
        now = _table_result(
            export,
            filters=table.filters,
            position=table.position,
            label=table.subquestion_label,
            title=table.title,
        )
        if now.sha256 == table.sha256:
            comparisons.append(
                TableComparison(table.position, table.subquestion_label, table.title, True)
            )
            continue
        old_header, old_rows = _stored_rows(table.content)
        new_header, new_rows = _stored_rows(now.content)
        comparison = TableComparison(
            table.position,
            table.subquestion_label,
            table.title,
            False,
            header_changed=old_header != new_header,
        )
        key_names = [str(name) for name in export_class.key_columns]
        keys = [new_header.index(name) for name in key_names if name in new_header]
        if keys and not comparison.header_changed:
            old_by_key = {tuple(r[i] for i in keys): r for r in old_rows}
            new_by_key = {tuple(r[i] for i in keys): r for r in new_rows}
            for key, row in new_by_key.items():
                if key not in old_by_key:
                    comparison.added.append(row)
                elif old_by_key[key] != row:
                    comparison.changed.append((old_by_key[key], row))
            comparison.removed = [r for k, r in old_by_key.items() if k not in new_by_key]
        else:
            old_count, new_count = Counter(map(tuple, old_rows)), Counter(map(tuple, new_rows))
            comparison.added = [list(r) for r in (new_count - old_count).elements()]
            comparison.removed = [list(r) for r in (old_count - new_count).elements()]
        comparisons.append(comparison)
    return comparisons
