"""Download responses: one place that names the files users save (docs/glossary.md).

Every export of every app answers through :func:`download`, so a saved file is called by
what it is, in the user's language, with the day it was made: ``案件清单-2026-12-05.xlsx``,
not ``cases-20261205.xlsx``. The name goes out twice (RFC 6266): ``filename*`` carries it in
UTF-8 (RFC 5987), which every current browser uses; ``filename`` carries an ASCII fallback
for older clients (the ASCII part of the name, e.g. ``2026-12-05.xlsx``).

Usage::

    return downloads.download(content, _("Case list"), day=today())          # 案件清单-2026-12-05.xlsx
    return downloads.download(content, _("Task import template"))             # 任务导入模板.xlsx
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Characters no file system takes in a name, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_NAME_CHARS = 120


def file_name(*parts: object, day: dt.date | None = None, extension: str = "xlsx") -> str:
    """``title-part-…-YYYY-MM-DD.ext`` from the non-empty parts, unsafe characters replaced by ``_``."""
    words = [str(p).strip() for p in parts if p is not None and str(p).strip()]
    if day is not None:
        words.append(day.isoformat())
    stem = _UNSAFE.sub("_", "-".join(words)).strip(" .") or "download"
    extension = re.sub(r"[^A-Za-z0-9]", "", extension)[:10] or "bin"
    return f"{stem[:MAX_NAME_CHARS]}.{extension}"


def ascii_fallback(name: str) -> str:
    """The ASCII part of ``name`` for the plain ``filename`` parameter (``download.ext`` if nothing is left)."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", plain)
    plain = re.sub(r"_*-_*", "-", plain)
    plain = re.sub(r"([-_.])[-_.]+", r"\1", plain).strip("-_. ")
    plain = plain or "download"
    return f"{plain}.{extension}" if extension else plain


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The header value: ``attachment; filename="ascii"; filename*=UTF-8''percent-encoded``."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(
    content: bytes,
    *parts: object,
    day: dt.date | None = None,
    extension: str = "xlsx",
    content_type: str = XLSX,
) -> HttpResponse:
    """A response that saves ``content`` as ``parts-…-day.extension`` (see :func:`file_name`)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(file_name(*parts, day=day, extension=extension))
    return response


__all__ = ["DOCX", "XLSX", "ascii_fallback", "content_disposition", "download", "file_name"]
