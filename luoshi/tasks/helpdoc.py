"""The help page: docs/tasks.md rendered with a tiny, safe Markdown subset.

Only headings, paragraphs, lists, tables, **bold** and `code` are supported;
everything is HTML-escaped first, so the page cannot carry markup of its own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BOLD = re.compile(r"\*\*(.+?)\*\*")
CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> str:
    text = escape(text)
    text = CODE.sub(r"<code>\1</code>", text)
    return BOLD.sub(r"<strong>\1</strong>", text)


def render_markdown(source: str) -> str:
    html: list[str] = []
    lines = source.splitlines()
    i = 0
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            i += 1
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", stripped)
        if heading:
            flush()
            level = min(4, len(heading.group(1)) + 1)
            html.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            i += 1
            continue
        if stripped.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            body = [r for r in rows if not all(re.fullmatch(r":?-{2,}:?", c) for c in r)]
            if body:
                head, rest = body[0], body[1:]
                html.append('<div class="table-wrap"><table class="list"><thead><tr>')
                html.append("".join(f"<th>{_inline(c)}</th>" for c in head))
                html.append("</tr></thead><tbody>")
                for r in rest:
                    html.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>")
                html.append("</tbody></table></div>")
            continue
        item = re.match(r"^(-|\*|\d+\.)\s+(.*)$", stripped)
        if item:
            flush()
            tag = "ol" if item.group(1)[0].isdigit() else "ul"
            html.append(f"<{tag}>")
            while i < len(lines):
                m = re.match(r"^\s*(-|\*|\d+\.)\s+(.*)$", lines[i])
                if not m:
                    if lines[i].startswith("  ") and lines[i].strip():
                        html[-1] = html[-1][: -len("</li>")] + " " + _inline(lines[i].strip()) + "</li>"
                        i += 1
                        continue
                    break
                html.append(f"<li>{_inline(m.group(2))}</li>")
                i += 1
            html.append(f"</{tag}>")
            continue
        paragraph.append(stripped)
        i += 1
    flush()
    return "\n".join(html)


def help_path(language: str = "") -> Path:
    """``docs/tasks.zh-Hans.md`` for Chinese when it exists, else ``docs/tasks.md``."""
    docs = Path(settings.BASE_DIR) / "docs"
    if language.lower().startswith("zh"):
        localised = docs / "tasks.zh-Hans.md"
        if localised.exists():
            return localised
    return docs / "tasks.md"


@lru_cache(maxsize=4)
def _cached(path: Path, mtime: float) -> str:
    return render_markdown(path.read_text(encoding="utf-8"))


def rendered(language: str = "") -> SafeString:
    path = help_path(language)
    if not path.exists():
        return mark_safe("")
    return mark_safe(_cached(path, path.stat().st_mtime))  # noqa: S308 - every piece of text is escaped above
