"""Workbooks written part by part with zipfile, so a test can make one that lies about itself.

`workbook()` writes the smallest package openpyxl reads: content types, relations, a workbook
with one sheet, the sheet's XML as given and, optionally, shared strings.
"""

import io
import struct
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{OFFICE_RELS}/officeDocument"/></Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}"><sheets>
<sheet name="Fasen" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{OFFICE_RELS}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""


def workbook(
    sheet_data: bytes | str,
    *,
    dimension: str | None = None,
    shared_strings: bytes | str | None = None,
    extra: dict[str, bytes] | None = None,
    sheet: bytes | None = None,
) -> bytes:
    """A workbook whose sheet holds `sheet_data` (the rows, inside <sheetData>), or is `sheet`."""

    def raw(text):
        return text.encode() if isinstance(text, str) else text

    claim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = sheet or (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}">{claim}'
        "<sheetData>".encode()
        + raw(sheet_data)
        + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN}">'.encode()
            + raw(shared_strings or "")
            + b"</sst>",
        )
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, cells: str) -> str:
    return f'<row r="{number}">{cells}</row>'


HEADER_ROW = row(
    1,
    "".join(
        text_cell(f"{column}1", name)
        for column, name in zip(
            "ABCD", ["Referentie werknemer", "Projectnummer", "Fase", "Startdatum"], strict=True
        )
    ),
)


# --- the attacks of hostile files ----------------------------------------------------------------


def claimed_whole_sheet() -> bytes:
    """2 KB: <dimension> A1:XFD1048576, the header and a second row at row 1,048,576."""
    return workbook(
        HEADER_ROW + row(1_048_576, text_cell("A1048576", "DW-000001")),
        dimension="A1:XFD1048576",
    )


def wide_rows(rows: int = 2000) -> bytes:
    """About 100 KB: every row has its one value in the last column Excel knows (XFD)."""
    return workbook(
        HEADER_ROW + "".join(row(n, f'<c r="XFD{n}"><v>{n}</v></c>') for n in range(2, rows + 2)),
        dimension="A1:XFD2",
    )


def many_shared_strings(count: int = 5_000_000) -> bytes:
    """5 million shared strings, each one character."""
    return workbook(HEADER_ROW, shared_strings="<si><t>x</t></si>" * count)


def zip_bomb(megabytes: int = 200) -> bytes:
    """A part of zeros that unpacks to 200 MB from about 200 KB."""
    return workbook(HEADER_ROW, extra={"xl/media/image1.png": bytes(megabytes * 1024 * 1024)})


def entity_bomb() -> bytes:
    """The 'billion laughs': entities expanding to gigabytes from a few lines."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c t="inlineStr"><is><t>&j;</t>'
        "</is></c></row></sheetData></worksheet>"
    )
    return workbook("", sheet=sheet.encode())


# --- files at the limits (which must still be read quickly) -------------------------------------


def _texts(count: int, length: int, seed: int) -> list[str]:
    # Random letters compress as little as text in cells can; a fixed seed keeps the size fixed.
    import random

    generator = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return ["".join(generator.choices(letters, k=length)) for _ in range(count)]


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def largest_inline_workbook(*, rows: int, columns: int, length: int = 30) -> bytes:
    """`rows` rows (the header included) of `columns` random texts, each in its cell."""
    texts = iter(_texts(rows * columns, length, seed=1))
    letters = [_column_letters(c) for c in range(1, columns + 1)]
    data = "".join(
        row(n, "".join(text_cell(f"{letter}{n}", next(texts)) for letter in letters))
        for n in range(1, rows + 1)
    )
    return workbook(data)


def largest_shared_strings_workbook(*, rows: int, columns: int, strings: int) -> bytes:
    """`rows` rows of `columns` cells, each one of `strings` random shared strings."""
    letters = [_column_letters(c) for c in range(1, columns + 1)]
    data = "".join(
        row(
            n,
            "".join(
                f'<c r="{letter}{n}" t="s"><v>{(n * columns + c) % strings}</v></c>'
                for c, letter in enumerate(letters)
            ),
        )
        for n in range(1, rows + 1)
    )
    shared = "".join(f"<si><t>{text}</t></si>" for text in _texts(strings, 30, seed=2))
    return workbook(data, shared_strings=shared)


def largest_csv(*, rows: int, columns: int, length: int) -> bytes:
    texts = iter(_texts(rows * columns, length, seed=3))
    return "".join(
        ";".join(next(texts) for _ in range(columns)) + "\r\n" for _ in range(rows)
    ).encode()


def lying_sizes(megabytes: int = 50) -> bytes:
    """A zip bomb whose headers (local and central) claim its part unpacks to 100 bytes."""
    data = bytearray(zip_bomb(megabytes))
    name = b"xl/media/image1.png"
    # signature, offset of the uncompressed size, of the name's length, of the name
    for signature, size_at, length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        position = data.find(signature)
        while position != -1:
            length = struct.unpack_from("<H", data, position + length_at)[0]
            if data[position + name_at : position + name_at + length] == name:
                struct.pack_into("<I", data, position + size_at, 100)
            position = data.find(signature, position + 1)
    return bytes(data)


def rich_text_runs(elements: int, *, cells: int = 1) -> bytes:
    """Cells of rich-text runs (<r><t>), five to a row: `elements` elements in all."""
    per_cell = elements // cells
    runs = "<r><t>x</t></r>" * max((per_cell - 3) // 2, 0)
    cell = f'<c t="inlineStr"><is>{runs}</is></c>'
    rows = (cells + 4) // 5
    return workbook(
        HEADER_ROW + "".join(row(n, cell * min(5, cells - 5 * (n - 2))) for n in range(2, rows + 2))
    )
