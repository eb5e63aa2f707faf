"""Refresh the zh_Hans message catalogues of Luoshi's own apps and compile them.

Usage: python scripts/messages.py [app ...]   (default: every app under luoshi/)

Each app keeps its catalogue in luoshi/<app>/locale/zh_Hans/LC_MESSAGES/django.po
(luoshi/config/locale for the settings and URL configuration). Needs GNU gettext.

Catalogues carry no source locations and no creation date, so that two branches
adding strings to the same app touch only the entries they add (and merge cleanly).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "luoshi"
DJANGO_ADMIN = Path(sys.executable).parent / "django-admin"


def app_dirs(names: list[str]) -> list[Path]:
    if names:
        return [PACKAGE / n for n in names]
    return [*sorted(p.parent for p in PACKAGE.glob("*/apps.py")), PACKAGE / "config"]


def _without_date(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: [^"]*"\n', "", text, count=1, flags=re.MULTILINE)


def main() -> int:
    for path in app_dirs(sys.argv[1:]):
        (path / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [
                str(DJANGO_ADMIN),
                "makemessages",
                "-l",
                "zh_Hans",
                "--no-obsolete",
                "--no-location",
                "-i",
                "tests/*",
                "-i",
                "migrations/*",
            ],
            cwd=path,
            check=True,
        )
        po = path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        po.write_text(_without_date(po.read_text(encoding="utf-8")), encoding="utf-8")
        subprocess.run([str(DJANGO_ADMIN), "compilemessages", "-l", "zh_Hans"], cwd=path, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
