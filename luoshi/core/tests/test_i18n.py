"""Every UI string is in gettext and every catalogue is completely translated to zh-Hans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def _entries(po: Path) -> list[tuple[str, str, list[str], bool]]:
    """(msgctxt, msgid, msgstrs, fuzzy) for each entry of a .po file, without third-party parsers."""
    entries: list[tuple[str, str, list[str], bool]] = []
    block: list[str] = []
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if not block:
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block)
        current, fields = "", {}
        for row in block:
            if row.startswith("#"):
                continue
            match = re.match(r"^(msgid_plural|msgid|msgstr(?:\[\d+\])?|msgctxt)\s+\"(.*)\"$", row)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif row.startswith('"') and current:
                fields[current] += row[1:-1]
        if fields.get("msgid"):
            strs = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries.append((fields.get("msgctxt", ""), fields["msgid"], strs, fuzzy))
        block = []
    return entries


def test_there_are_catalogues_for_the_core_apps():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "org", "accounts", "api", "notifications", "config"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete(po):
    entries = _entries(po)
    assert entries, f"{po} is empty"
    untranslated = [msgid for _ctx, msgid, strs, _ in entries if not strs or not all(strs)]
    fuzzy = [msgid for _ctx, msgid, _, is_fuzzy in entries if is_fuzzy]
    assert not untranslated, f"untranslated in {po}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po}: {fuzzy}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_compiled_catalogue_is_up_to_date(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    assert mo.stat().st_size > 0
    assert mo.stat().st_mtime >= po.stat().st_mtime - 2, f"{mo} is older than {po}: run `make messages`"


OWN_TEMPLATES = [
    p
    for p in PACKAGE.glob("*/templates/**/*.html")
    if p.parts[len(PACKAGE.parts)] in {"core", "org", "accounts", "notifications"}
]


@pytest.mark.parametrize("template", OWN_TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_templates_have_no_untranslated_chinese(template):
    text = template.read_text(encoding="utf-8")
    # Chinese may appear only inside translation tags' English source (never) or in comments.
    stripped = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    assert not CJK.search(stripped), f"{template} has Chinese text outside the translation catalogue"


def test_default_language_is_simplified_chinese(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    with translation.override("zh-hans"):
        assert translation.gettext("Organisation") == "组织机构"
        assert translation.pgettext("audit verb", "created") == "创建了"


def test_apps_agree_on_shared_strings():
    """Django merges every app's catalogue into one and the first app listed wins.

    So the same English string (in the same context) must mean the same in every app;
    where the meaning differs (a red card is not a red light), the code uses pgettext.
    """
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for po in CATALOGUES:
        for ctx, msgid, strs, _fuzzy in _entries(po):
            seen.setdefault((ctx, msgid), {})[po.parts[-5]] = strs[0] if strs else ""
    clashes = {key: by_app for key, by_app in seen.items() if len(set(by_app.values())) > 1}
    assert not clashes, f"the same string is translated differently by different apps: {clashes}"
