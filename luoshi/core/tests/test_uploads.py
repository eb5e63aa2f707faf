"""Uploads are checked by content, archives before they are unpacked, pictures decoded and re-encoded."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from luoshi.core import uploads
from luoshi.core.errors import ValidationFailed
from luoshi.core.testing import picture


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (b"GIF89a....", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", None),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"PK\x03\x04rest", "application/zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
        ("井盖缺失,东星路".encode(), "text/plain"),
        ("井盖缺失".encode("gb18030"), "text/plain"),
        (b"MZ\x90\x00\x03\x00", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_content(head, kind):
    assert uploads.sniff(head) == kind


def test_attachments_are_judged_by_content_not_name(settings):
    settings.LUOSHI_UPLOAD_MAX_BYTES = 10_000
    ok = SimpleUploadedFile("现场.jpg", picture("JPEG"))
    assert uploads.check_attachment(ok) == "image/jpeg"
    assert uploads.check_attachment(SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"x" * 20)) == "application/pdf"
    refused = [
        ("run.exe", b"MZ" * 10, "file_type"),
        ("photo.jpg", b"MZ" + b"x" * 100, "file_content"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "file_content"),  # a JPEG header and nothing behind it
        ("big.pdf", b"%PDF-" + b"x" * 10_000, "file_size"),
        ("empty.pdf", b"", "file_empty"),
    ]
    for name, content, code in refused:
        with pytest.raises(ValidationFailed) as caught:
            uploads.check_attachment(SimpleUploadedFile(name, content))
        assert caught.value.code == code, name
        assert name in str(caught.value.message)


def test_evidence_is_a_photo_or_a_pdf():
    assert uploads.check_photo_or_pdf(SimpleUploadedFile("x.png", picture("PNG"))) == "image/png"
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_photo_or_pdf(SimpleUploadedFile("x.jpg", "文字".encode()))
    assert caught.value.code == "file_type"


def test_a_photo_keeps_its_location_for_staff_and_loses_it_in_public():
    image = uploads.check_image(SimpleUploadedFile("现场.jpg", picture("JPEG", (640, 480), gps=(30.5, 114.25))))
    assert (image.content_type, image.suffix, image.width, image.height) == ("image/jpeg", ".jpg", 640, 480)
    assert image.location == (30.5, 114.25)
    assert image.taken_at is not None and image.taken_at.strftime("%Y-%m-%d %H:%M") == "2026-03-01 09:30"
    evidence = Image.open(io.BytesIO(image.evidence))
    assert evidence.getexif().get_ifd(0x8825)  # GPS data kept
    public = Image.open(io.BytesIO(image.public))
    assert len(public.getexif()) == 0
    thumb = Image.open(io.BytesIO(image.thumbnail))
    assert max(thumb.size) == 320 and len(thumb.getexif()) == 0
    assert image.evidence_file("x").name == "x.jpg" and image.thumbnail_file("x").name == "x-thumb.jpg"


def test_anything_hidden_after_a_picture_is_dropped():
    polyglot = picture("PNG") + b"<?php system($_GET['c']); ?>"
    image = uploads.check_image(polyglot)
    assert b"<?php" not in image.evidence and b"<?php" not in image.public


@pytest.mark.parametrize(
    "data",
    [
        picture("JPEG")[:40],  # cut off
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # a header and garbage
        "文字".encode(),
    ],
)
def test_broken_pictures_are_refused(data):
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_image(data)
    assert caught.value.code == "file_content"


def test_a_picture_with_too_many_pixels_is_refused_before_decoding():
    huge = picture("PNG", (8000, 6000))  # 48 megapixels, one colour: a few kB
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_image(huge)
    assert caught.value.code == "image_too_large"


def _zip(members: dict[str, bytes], *, level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = _zip({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"\x00" * (60 * uploads.MB)})
    assert len(bomb) < 100_000  # 60 MB packed into less than 100 kB
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_xlsx(bomb)
    assert caught.value.code == "file_unpacked_size"


def test_a_member_packed_too_tightly_is_refused():
    tight = _zip({"xl/workbook.xml": b"<w/>", "xl/sharedStrings.xml": b"a" * (20 * uploads.MB)})
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_xlsx(tight)
    assert caught.value.code == "file_ratio"


def test_many_small_members_add_up():
    members = {"xl/workbook.xml": b"<w/>"} | {f"xl/m{i}.xml": bytes(range(256)) * 4096 for i in range(60)}
    with pytest.raises(ValidationFailed) as caught:  # 60 × 1 MB, each packed only modestly
        uploads.check_zip(_zip(members), max_ratio=10_000)
    assert caught.value.code == "file_unpacked_size"


def test_a_member_lying_about_its_size_is_caught_while_reading():
    data = bytearray(_zip({"xl/workbook.xml": b"<w/>", "big.xml": b"b" * 200_000}))
    # Lower the declared size in the central directory: the reader must not trust it.
    central = data.find(b"PK\x01\x02")  # the central directory: sizes at 20 (packed) and 24 (unpacked)
    entry = data.find(b"big.xml", central) - 46
    data[entry + 24 : entry + 28] = (10).to_bytes(4, "little")
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_zip(bytes(data))
    assert caught.value.code == "file_content"


def test_xlsx_checks_size_type_and_structure():
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_xlsx(b"")
    assert caught.value.code == "file_empty"
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_xlsx(b"%PDF-1.7")
    assert caught.value.code == "file_type"
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_xlsx(_zip({"word/document.xml": b"<d/>"}))
    assert caught.value.code == "file_type"
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_xlsx(b"PK\x03\x04" + b"\x00" * 100)
    assert caught.value.code == "file_content"
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_xlsx(b"PK\x03\x04" + b"\x00" * 100, max_bytes=50)
    assert caught.value.code == "file_size"
    assert uploads.check_xlsx(_zip({"xl/workbook.xml": b"<w/>"})).namelist() == ["xl/workbook.xml"]


def test_row_cap():
    uploads.check_row_count(100_000)
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_row_count(100_001)
    assert caught.value.code == "too_many_rows" and "100,000" in str(caught.value.message)
