"""Checking uploaded files: one place for size caps, types by content, archives and images.

Every app checks uploads through this module, so the limits below hold
everywhere and are documented once (docs/limits.md):

===========================  =============================================
limit                        value
===========================  =============================================
attachment / photo           :data:`MAX_ATTACHMENT_BYTES` (10 MB; setting
                             ``LUOSHI_UPLOAD_MAX_BYTES``)
spreadsheet to import        :data:`MAX_SPREADSHEET_BYTES` (10 MB)
map file (GeoJSON)           :data:`MAX_GEOJSON_BYTES` (20 MB)
unpacked .xlsx / .zip        :data:`MAX_UNPACKED_BYTES` (50 MB in all)
one member's packing ratio   :data:`MAX_RATIO` (200 : 1, members over 1 MB)
rows of an imported sheet    :data:`MAX_ROWS` (100,000)
files sent with one step     :data:`MAX_FILES_PER_STEP` (9)
image size                   :data:`MAX_IMAGE_PIXELS` (40 megapixels)
===========================  =============================================

The type of a file is decided by its first bytes (:func:`sniff`), never by its
name: a program renamed ``photo.jpg`` is refused. Archives (.xlsx is a zip) are
checked before anything parses them (:func:`check_zip`): the declared
unpacked size of each member, the ratio of unpacked to packed size, the total,
and while reading, the actual size. Images are decoded and re-encoded with
Pillow (:func:`check_image`), which drops anything hidden after the picture
and gives three copies: the *evidence* copy keeps the camera's EXIF data
(where and when the photo was taken, for staff checking the work), the
*public* copy has no metadata at all (anything residents or the public can
see), and a *thumbnail*.

Every refusal is :class:`~luoshi.core.errors.ValidationFailed` with a message
in Chinese (via the catalogue) and ``details={"file": [...]}``.

Typical use in a service::

    kind = uploads.check_attachment(upload, allowed=uploads.DOCUMENT_EXTENSIONS)
    image = uploads.check_image(upload)          # photos
    archive = uploads.check_xlsx(data)           # before openpyxl or our reader
    uploads.check_row_count(len(rows))
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.errors import ErrorCode, ValidationFailed

MB = 1024 * 1024

#: Largest attachment or photo (the site may lower or raise it with ``LUOSHI_UPLOAD_MAX_BYTES``).
MAX_ATTACHMENT_BYTES = 10 * MB
#: Largest spreadsheet (.xlsx) accepted for an import or a preview.
MAX_SPREADSHEET_BYTES = 10 * MB
#: Largest map file (GeoJSON grid boundaries).
MAX_GEOJSON_BYTES = 20 * MB
#: Largest total unpacked size of an archive's members (an .xlsx is a zip archive).
MAX_UNPACKED_BYTES = 50 * MB
#: Largest ratio of unpacked to packed size for a member bigger than :data:`RATIO_FLOOR`.
MAX_RATIO = 200
RATIO_FLOOR = 1 * MB
#: Most members an archive may hold.
MAX_MEMBERS = 2000
#: Most rows an imported sheet may have (header included).
MAX_ROWS = 100_000
#: Largest image, in pixels (width × height), that is decoded.
MAX_IMAGE_PIXELS = 40_000_000
#: Most photos or files sent with one step (a reply, a verification, a sign-off, a progress report).
MAX_FILES_PER_STEP = 9
#: Longest side of a thumbnail, in pixels.
THUMBNAIL_SIDE = 320

JPEG, PNG, GIF, WEBP, PDF = "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"
ZIP, OLE, TEXT = "application/zip", "application/x-ole-storage", "text/plain"
IMAGE_TYPES = (JPEG, PNG, GIF, WEBP)

#: File names accepted as attachments (tasks, reports) unless the site sets ``LUOSHI_UPLOAD_EXTENSIONS``.
DOCUMENT_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".txt", ".csv",
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".zip", ".ofd",
)  # fmt: skip

#: What the content of a file with each name must be (checked with :func:`sniff`).
EXTENSION_TYPES: dict[str, tuple[str, ...]] = {
    ".pdf": (PDF,),
    ".png": (PNG,),
    ".jpg": (JPEG,), ".jpeg": (JPEG,),
    ".gif": (GIF,),
    ".webp": (WEBP,),
    ".doc": (OLE,), ".xls": (OLE,), ".ppt": (OLE,),
    ".wps": (OLE, ZIP), ".et": (OLE, ZIP),
    ".docx": (ZIP,), ".xlsx": (ZIP,), ".pptx": (ZIP,), ".zip": (ZIP,), ".ofd": (ZIP,),
    ".txt": (TEXT,), ".csv": (TEXT,),
}  # fmt: skip

_SUFFIX = {JPEG: ".jpg", PNG: ".png", GIF: ".png", WEBP: ".webp"}
_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG", GIF: "PNG", WEBP: "WEBP"}


def _refuse(message: str, code: ErrorCode, name: str = "file") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={name: [message]})


def max_attachment_bytes() -> int:
    """The attachment and photo limit in force (setting ``LUOSHI_UPLOAD_MAX_BYTES``, default 10 MB)."""
    return int(getattr(settings, "LUOSHI_UPLOAD_MAX_BYTES", MAX_ATTACHMENT_BYTES))


def _mb(size: int) -> str:
    return f"{size / MB:g}"


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes (at least 12), or None when it is none we know.

    Text is recognised as UTF-8 or GB 18030 without NUL bytes.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head and b"\x00" not in head:
        for encoding in ("utf-8", "gb18030"):
            try:
                head.decode(encoding)
            except UnicodeDecodeError as exc:
                if exc.start >= len(head) - 4:  # cut in the middle of a character
                    return TEXT
                continue
            return TEXT
    return None


def read_head(upload: Any, size: int = 4096) -> bytes:
    """The first ``size`` bytes of an uploaded file (its position is restored to the start)."""
    upload.seek(0)
    head = bytes(upload.read(size))
    upload.seek(0)
    return head


def check_size(upload: Any, max_bytes: int, *, field: str = "file") -> int:
    """The upload's size, refused when empty or larger than ``max_bytes``."""
    size = int(getattr(upload, "size", None) or 0)
    name = str(getattr(upload, "name", "") or _("the file"))
    if size == 0:
        raise _refuse(_("%(name)s is empty.") % {"name": name}, ErrorCode.FILE_EMPTY, field)
    if size > max_bytes:
        raise _refuse(
            _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": _mb(max_bytes)}, ErrorCode.FILE_SIZE, field
        )
    return size


def check_attachment(
    upload: Any, *, allowed: tuple[str, ...] | None = None, max_bytes: int | None = None, field: str = "file"
) -> str:
    """Check a document or photo attached to a record; the type found in its content.

    The name must end with one of ``allowed`` (default: the setting
    ``LUOSHI_UPLOAD_EXTENSIONS`` or :data:`DOCUMENT_EXTENSIONS`), and the content
    must be of the kind the name says. Images are also decoded (:func:`check_image`).
    """
    allowed = tuple(allowed or getattr(settings, "LUOSHI_UPLOAD_EXTENSIONS", None) or DOCUMENT_EXTENSIONS)
    name = str(getattr(upload, "name", "") or "")
    lowered = name.lower()
    if not lowered.endswith(allowed):
        raise _refuse(
            _("%(name)s: this file type is not accepted. Accepted: %(types)s")
            % {"name": name, "types": " ".join(allowed)},
            ErrorCode.FILE_TYPE,
            field,
        )
    check_size(upload, max_bytes or max_attachment_bytes(), field=field)
    found = sniff(read_head(upload))
    suffix = "." + lowered.rsplit(".", 1)[-1]
    expected = EXTENSION_TYPES.get(suffix)
    if expected is None:  # a type the site added in settings: its content must at least be known
        if found is None:
            message = _("%(name)s: the content of this file is of no known kind.") % {"name": name}
            raise _refuse(message, ErrorCode.FILE_CONTENT, field)
        return found
    if found not in expected:
        raise _refuse(
            _("%(name)s is not really a %(type)s file; its content is of another kind.")
            % {"name": name, "type": suffix},
            ErrorCode.FILE_CONTENT,
            field,
        )
    if found in IMAGE_TYPES:
        check_image(upload, max_bytes=max_bytes, field=field)
    return found


def check_count(files: Any, *, max_files: int = MAX_FILES_PER_STEP, field: str = "files") -> None:
    """Refuse more than ``max_files`` files sent at once (each is then checked on its own)."""
    if len(files) > max_files:
        raise _refuse(_("Send at most %(n)d files at a time.") % {"n": max_files}, ErrorCode.TOO_MANY_FILES, field)


def check_photo_or_pdf(upload: Any, *, max_bytes: int | None = None, field: str = "file", decode: bool = True) -> str:
    """Check evidence a resident or grid worker sends: a photo (JPEG, PNG, WebP, GIF) or a PDF, by content.

    Photos are decoded too (:func:`check_image`) unless ``decode=False`` (when the
    caller re-encodes them itself with :func:`check_image`).
    """
    check_size(upload, max_bytes or max_attachment_bytes(), field=field)
    found = sniff(read_head(upload))
    if found not in (*IMAGE_TYPES, PDF):
        raise _refuse(
            _("%(name)s is not a photo (JPEG, PNG, WebP, GIF) or a PDF.") % {"name": getattr(upload, "name", "")},
            ErrorCode.FILE_TYPE,
            field,
        )
    if found in IMAGE_TYPES and decode:
        check_image(upload, max_bytes=max_bytes, field=field)
    return found


# --- Archives and spreadsheets -----------------------------------------------------------


def check_zip(
    data: bytes | IO[bytes],
    *,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_ratio: int = MAX_RATIO,
    max_members: int = MAX_MEMBERS,
    field: str = "file",
) -> zipfile.ZipFile:
    """Open a zip archive only after checking it cannot unpack into more than it may.

    Checked before anything is parsed: the number of members, each member's
    declared unpacked size against the total :data:`MAX_UNPACKED_BYTES` and its
    ratio to the packed size (:data:`MAX_RATIO`); then every member is unpacked
    once, in small pieces, counting the bytes it really yields (a member that
    lies about its size is refused too). Returns the open archive.
    """
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        archive = zipfile.ZipFile(source)
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(_("The file is not a valid archive (.xlsx or .zip)."), ErrorCode.FILE_CONTENT, field) from exc
    too_big = _("The file unpacks to more than %(mb)s MB; it cannot be read. Split it into smaller files.") % {
        "mb": _mb(max_unpacked)
    }
    if len(members) > max_members:
        raise _refuse(too_big, ErrorCode.FILE_UNPACKED_SIZE, field)
    declared = 0
    for info in members:
        declared += info.file_size
        if declared > max_unpacked:
            raise _refuse(too_big, ErrorCode.FILE_UNPACKED_SIZE, field)
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise _refuse(
                _("The file is packed suspiciously tightly (%(name)s); it cannot be read.")
                % {"name": info.filename[:80]},
                ErrorCode.FILE_RATIO,
                field,
            )
    actual = 0
    try:
        for info in members:
            if info.is_dir():
                continue
            with archive.open(info) as handle:
                while chunk := handle.read(256 * 1024):
                    actual += len(chunk)
                    if actual > max_unpacked:
                        raise _refuse(too_big, ErrorCode.FILE_UNPACKED_SIZE, field)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError) as exc:
        raise _refuse(_("The file is damaged and cannot be unpacked."), ErrorCode.FILE_CONTENT, field) from exc
    return archive


def check_xlsx(data: bytes, *, max_bytes: int = MAX_SPREADSHEET_BYTES, field: str = "file") -> zipfile.ZipFile:
    """Check an Excel workbook before it is parsed: size, content, and the archive (:func:`check_zip`)."""
    if not data:
        raise _refuse(_("The file is empty."), ErrorCode.FILE_EMPTY, field)
    if len(data) > max_bytes:
        raise _refuse(
            _("The spreadsheet is larger than %(mb)s MB; split it into smaller files.") % {"mb": _mb(max_bytes)},
            ErrorCode.FILE_SIZE,
            field,
        )
    if sniff(data[:16]) != ZIP:
        raise _refuse(_("The file is not an Excel workbook (.xlsx)."), ErrorCode.FILE_TYPE, field)
    archive = check_zip(data, field=field)
    if "xl/workbook.xml" not in archive.namelist():
        raise _refuse(_("The file is not an Excel workbook (.xlsx)."), ErrorCode.FILE_TYPE, field)
    return archive


def check_row_count(rows: int, *, max_rows: int = MAX_ROWS, field: str = "file") -> None:
    """Refuse a sheet with more than ``max_rows`` rows."""
    if rows > max_rows:
        raise _refuse(
            _("The sheet has more than %(max)s rows; split it into smaller files.") % {"max": f"{max_rows:,}"},
            ErrorCode.TOO_MANY_ROWS,
            field,
        )


def check_geojson_size(upload: Any, *, field: str = "file") -> int:
    """Check the size of a map file (GeoJSON) before it is read."""
    return check_size(upload, MAX_GEOJSON_BYTES, field=field)


# --- Images ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedImage:
    """A decoded, re-encoded photo.

    - ``evidence``: the picture re-encoded with its EXIF data (GPS location,
      time taken, camera) kept, for staff who check the work was done there;
    - ``public``: re-encoded, turned upright, with no metadata, for anything
      residents or the public can see;
    - ``thumbnail``: the public copy at most :data:`THUMBNAIL_SIDE` pixels on its longer side.
    """

    content_type: str
    suffix: str
    width: int
    height: int
    evidence: bytes
    public: bytes
    thumbnail: bytes
    location: tuple[float, float] | None
    taken_at: dt.datetime | None

    def evidence_file(self, stem: str) -> ContentFile[bytes]:
        return ContentFile(self.evidence, name=f"{stem}{self.suffix}")

    def public_file(self, stem: str) -> ContentFile[bytes]:
        return ContentFile(self.public, name=f"{stem}{self.suffix}")

    def thumbnail_file(self, stem: str) -> ContentFile[bytes]:
        return ContentFile(self.thumbnail, name=f"{stem}-thumb{self.suffix}")


def _ratio(value: Any) -> float:
    if isinstance(value, tuple) and len(value) == 2:
        return float(value[0]) / float(value[1]) if value[1] else 0.0
    return float(value)


def _gps(exif: Any) -> tuple[float, float] | None:
    try:
        gps = exif.get_ifd(0x8825)
        lat = sum(_ratio(part) / 60**i for i, part in enumerate(gps[2]))
        lng = sum(_ratio(part) / 60**i for i, part in enumerate(gps[4]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError, AttributeError):
        return None
    if str(gps.get(1, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(3, "E")).upper().startswith("W"):
        lng = -lng
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None
    return round(lat, 6), round(lng, 6)


def _taken_at(exif: Any) -> dt.datetime | None:
    try:
        text = exif.get_ifd(0x8769).get(36867) or exif.get(306)
        naive = dt.datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
        return timezone.make_aware(naive)  # cameras write local time; ours is Asia/Shanghai
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None


def check_image(source: Any, *, max_bytes: int | None = None, field: str = "file") -> CheckedImage:
    """Decode a photo (an upload or bytes) and re-encode it; refuse anything that is not a whole picture.

    Refused: other content under an image name, truncated or corrupt pictures,
    pictures over :data:`MAX_IMAGE_PIXELS`, files over the attachment limit.
    GIFs become PNGs (their first frame).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = _("the picture")
        if not data:
            raise _refuse(_("%(name)s is empty.") % {"name": name}, ErrorCode.FILE_EMPTY, field)
        if len(data) > (max_bytes or max_attachment_bytes()):
            raise _refuse(
                _("%(name)s is larger than %(mb)s MB.")
                % {"name": name, "mb": _mb(max_bytes or max_attachment_bytes())},
                ErrorCode.FILE_SIZE,
                field,
            )
    else:
        check_size(source, max_bytes or max_attachment_bytes(), field=field)
        name = str(getattr(source, "name", "") or _("the picture"))
        source.seek(0)
        data = bytes(source.read())
        source.seek(0)
    kind = sniff(data[:16])
    unreadable = _("%(name)s is not a readable picture (JPEG, PNG, WebP or GIF).") % {"name": name}
    broken = _refuse(unreadable, ErrorCode.FILE_CONTENT, field)
    if kind not in IMAGE_TYPES:
        raise broken
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse(
                    _("%(name)s has too many pixels (%(max)s million at most).")
                    % {"name": name, "max": MAX_IMAGE_PIXELS // 1_000_000},
                    ErrorCode.IMAGE_TOO_LARGE,
                    field,
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
            exif = picture.getexif()
            location, taken_at = _gps(exif), _taken_at(exif)
            fmt = _PILLOW_FORMAT[kind]
            frame: Any = picture
            if fmt == "JPEG" and frame.mode not in ("RGB", "L"):
                frame = frame.convert("RGB")
            elif fmt in ("PNG", "WEBP") and frame.mode not in ("RGB", "RGBA", "L", "LA"):
                frame = frame.convert("RGBA")
            evidence = _encode(frame, fmt, exif=exif.tobytes() if len(exif) else None)
            upright = ImageOps.exif_transpose(frame) or frame
            public = _encode(upright, fmt)
            small = upright.copy()
            small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            thumbnail = _encode(small, fmt)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise broken from exc
    return CheckedImage(
        content_type=JPEG if fmt == "JPEG" else PNG if fmt == "PNG" else WEBP,
        suffix=_SUFFIX[kind],
        width=width,
        height=height,
        evidence=evidence,
        public=public,
        thumbnail=thumbnail,
        location=location,
        taken_at=taken_at,
    )


def _encode(picture: Any, fmt: str, *, exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if fmt == "JPEG":
        options = {"quality": 88, "optimize": True}
    elif fmt == "WEBP":
        options = {"quality": 88}
    if exif:
        options["exif"] = exif
    picture.save(out, format=fmt, **options)
    return out.getvalue()
