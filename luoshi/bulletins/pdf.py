"""The PDF beside the .docx, rendered once at issue time by headless LibreOffice.

LibreOffice (Debian's libreoffice-writer) is installed by ``scripts/ensure-libreoffice``.
Each conversion uses its own throw-away profile so two conversions at the same time
do not fight over one. Fonts the document names but the machine lacks (仿宋_GB2312,
方正小标宋简体) fall back to a CJK font from Debian (fonts-noto-cjk).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180
#: Character spacing of the body for LibreOffice, in twentieths of a point: 16 pt − 0.25 pt = 15.75 pt a
#: character, so 28 fit the 156 mm (442.2 pt) line as on the character grid of Word and WPS.
CONDENSE_TWIPS = -5


class RenderFailed(Exception):
    pass


def soffice() -> str | None:
    configured = os.environ.get("LUOSHI_SOFFICE", "")
    if configured and Path(configured).is_file():
        return configured
    return shutil.which("soffice") or shutil.which("libreoffice")


def for_libreoffice(docx: bytes) -> bytes:
    """The same document with a line grid, and the body's characters 0.25 pt closer.

    Word and WPS squeeze 28 characters of 16 pt into the 156 mm line (the character grid
    of GB/T 9704); LibreOffice gives each character that does not fit one grid cell two
    cells, which would spread the text. For the PDF the grid keeps its 22 lines and the
    text on the grid (the body, headings, 落款) runs at 15.75 pt a character, so a line
    holds 28 as in Word; the banner, title, tables and 版记 (off the grid) keep theirs.
    """
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(docx))
    for section in doc.sections:
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is not None:
            grid.set(qn("w:type"), "lines")
    body = doc.element.body
    for p in body.iter(qn("w:p")):
        p_pr = p.find(qn("w:pPr"))
        snap = p_pr.find(qn("w:snapToGrid")) if p_pr is not None else None
        if snap is not None and snap.get(qn("w:val")) in ("0", "false"):
            continue
        for r in p.iter(qn("w:r")):
            r_pr = r.find(qn("w:rPr"))
            if r_pr is None:
                continue
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(CONDENSE_TWIPS))
            r_pr.append(spacing)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_to_pdf(docx: bytes) -> bytes:
    return convert([docx])[0]


def convert(documents: list[bytes]) -> list[bytes]:
    """PDFs of the documents, in one run of LibreOffice (its start is most of the time a conversion takes)."""
    exe = soffice()
    if exe is None:
        raise RenderFailed("LibreOffice (soffice) is not installed: run scripts/ensure-libreoffice")
    with tempfile.TemporaryDirectory(prefix="luoshi-pdf-") as tmp:
        folder = Path(tmp)
        sources = [folder / f"bulletin-{i}.docx" for i in range(len(documents))]
        for source, docx in zip(sources, documents, strict=True):
            source.write_bytes(for_libreoffice(docx))
        command = [
            exe, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(folder), *map(str, sources),
        ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)  # noqa: S603
        except (subprocess.SubprocessError, OSError) as exc:
            raise RenderFailed(f"LibreOffice could not convert the bulletin: {exc}") from exc
        targets = [source.with_suffix(".pdf") for source in sources]
        if not all(target.is_file() for target in targets):
            raise RenderFailed("LibreOffice wrote no PDF")
        return [target.read_bytes() for target in targets]


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(rendered: bytes) -> int:
    """Pages of a PDF LibreOffice wrote (each page is an object of /Type /Page; its writer keeps them
    outside compressed object streams)."""
    return len(_PAGE.findall(rendered))


def record_on_even_page(docx: bytes) -> tuple[bytes, bytes]:
    """The .docx and its PDF with the 版记 on an even page (GB/T 9704: the back of the last sheet).

    Both layouts are rendered in one run: the document as it is and with the 版记 on a page of its own
    (:func:`luoshi.bulletins.document.record_on_next_page`). When the first ends on an odd page, the
    second (one page more) is the one kept, .docx and PDF alike, so Word and WPS print it the same way
    as far as their layout agrees with LibreOffice's. Should neither end on an even page (the 版记 was
    already alone on the last page), the document stays as it is.
    """
    from luoshi.bulletins.document import record_on_next_page

    moved = record_on_next_page(docx)
    plain_pdf, moved_pdf = convert([docx, moved])
    if page_count(plain_pdf) % 2 == 1 and page_count(moved_pdf) % 2 == 0:
        return moved, moved_pdf
    return docx, plain_pdf
