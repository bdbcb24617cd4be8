"""Evidence is PDF, an image or an office file, as its content says whatever
its name; at most 10 MB; office archives are read by their table of contents only."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from payments.filetypes import FileTypeError, detect
from payments.services import evidence_check


def archive(members: dict[str, bytes], *, first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        if first is not None:
            zipped.writestr(first, members.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


OOXML = b"<Types/>"


@pytest.mark.parametrize(
    ("content", "extension"),
    [
        (b"%PDF-1.7\n...", ".pdf"),
        (b"\x89PNG\r\n\x1a\n....", ".png"),
        (b"\xff\xd8\xff\xe0....", ".jpg"),
        (b"II*\x00....", ".tif"),
        (archive({"[Content_Types].xml": OOXML, "word/document.xml": b"<w/>"}), ".docx"),
        (archive({"[Content_Types].xml": OOXML, "xl/workbook.xml": b"<x/>"}), ".xlsx"),
        (archive({"[Content_Types].xml": OOXML, "ppt/presentation.xml": b"<p/>"}), ".pptx"),
        (
            archive(
                {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"},
                first="mimetype",
            ),
            ".odt",
        ),
    ],
)
def test_accepted_kinds_are_known_by_their_content(content, extension):
    assert detect(content).extension == extension


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><script>alert(1)</script></html>", "wat de naam ook zegt"),
        (b"MZ\x90\x00 an executable", "wat de naam ook zegt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 a .doc", "Oude Office-bestanden"),
        (archive({"[Content_Types].xml": OOXML, "word/vbaProject.bin": b"x"}), "macro's"),
        (archive({"photo.jpg": b"\xff\xd8\xff"}), "geen kantoordocument"),
        (b"PK\x03\x04 broken", "beschadigd"),
    ],
)
def test_other_content_is_refused_with_the_reason(content, reason, settings):
    settings.LANGUAGE_CODE = "nl-be"
    from django.utils import translation

    with translation.override("nl-be"), pytest.raises(FileTypeError, match=reason):
        detect(content)


def test_an_office_archive_is_not_unpacked(monkeypatch):
    """A zip bomb named report.docx: its table of contents is read, nothing is decompressed."""
    bomb = archive({"[Content_Types].xml": OOXML, "word/document.xml": b"0" * 50_000_000})
    assert len(bomb) < 100_000
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: pytest.fail("unpacked"))
    assert detect(bomb).extension == ".docx"


def test_size_limits_are_checked_before_the_content(settings):
    with pytest.raises(ValidationError) as refused:
        evidence_check(data=b"")
    assert refused.value.message_dict["file"] == ["Het bestand is leeg."]
    big = b"%PDF-" + b"0" * settings.EVIDENCE_MAX_BYTES
    with pytest.raises(ValidationError) as refused:
        evidence_check(data=big)
    assert refused.value.message_dict["file"] == ["Het bestand is groter dan 10 MB."]
    assert evidence_check(data=big[: settings.EVIDENCE_MAX_BYTES]).extension == ".pdf"
