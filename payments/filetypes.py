"""What a file is, read from its first bytes and (for office files) its archive's table of
contents: never from its name. PDF, PNG, JPEG, TIFF, the Office Open XML documents (Word, Excel,
PowerPoint) without macros and the OpenDocument ones are evidence; anything else is refused.

Office files are ZIP archives: only the archive's central directory is read (and the few bytes of
an OpenDocument's `mimetype` member), nothing is unpacked, so a zip bomb costs nothing here.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
PNG = FileType("image/png", ".png", "PNG")
JPEG = FileType("image/jpeg", ".jpg", "JPEG")
TIFF = FileType("image/tiff", ".tif", "TIFF")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel"
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    "PowerPoint",
)
ODT = FileType("application/vnd.oasis.opendocument.text", ".odt", "OpenDocument text")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", ".ods", "OpenDocument sheet")
ODP = FileType(
    "application/vnd.oasis.opendocument.presentation", ".odp", "OpenDocument presentation"
)

SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
# The folder of an Office Open XML package's main part says what it is.
OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
OPENDOCUMENT = {ODT.content_type: ODT, ODS.content_type: ODS, ODP.content_type: ODP}
ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_MEMBERS = 1000

ACCEPTED = "PDF, PNG, JPEG, TIFF, Word, Excel, PowerPoint (.docx, .xlsx, .pptx), OpenDocument"


class FileTypeError(ValueError):
    """The content is no file type evidence may be; the message is meant for the user."""


def detect(data: bytes) -> FileType:
    for signature, file_type in SIGNATURES:
        if data.startswith(signature):
            return file_type
    if data.startswith(ZIP):
        return _office(data)
    if data.startswith(OLE2):
        raise FileTypeError(
            _(
                "Old Office files (.doc, .xls, .ppt) are not accepted: they may hold macros. "
                "Save the document as PDF or as .docx, .xlsx or .pptx."
            )
        )
    raise FileTypeError(
        _(
            "The content of the file is not one of %(accepted)s, whatever its name says. Save "
            "the document as PDF or as an image."
        )
        % {"accepted": ACCEPTED}
    )


def _office(data: bytes) -> FileType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileTypeError(_("The file is a damaged or incomplete ZIP archive.")) from None
    if len(members) > MAX_MEMBERS:
        raise FileTypeError(_("The archive has too many parts for an office document."))
    names = [member.filename for member in members]
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileTypeError(
            _("The document holds macros: save it without them (.docx, .xlsx, .pptx) or as PDF.")
        )
    if "[Content_Types].xml" in names:
        for folder, file_type in OOXML_PARTS:
            if any(name.startswith(folder) for name in names):
                return file_type
    first = members[0] if members else None
    if first is not None and first.filename == "mimetype" and first.file_size <= 100:
        kind = archive.read(first).decode("ascii", "replace").strip()
        if kind in OPENDOCUMENT:
            return OPENDOCUMENT[kind]
    raise FileTypeError(
        _("The file is a ZIP archive but no office document. Accepted: %(accepted)s.")
        % {"accepted": ACCEPTED}
    )
