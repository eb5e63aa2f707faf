"""One vocabulary across every zh-Hans catalogue (docs/glossary.md).

A step of the work has one name wherever it shows: the case reply is 答复 (not 反馈), a
closed task or case taken up again is 重新办理 (not 重新打开), the user is addressed as
您 (not 你). Chinese strings use full-width punctuation (：？；！), never ASCII ``:``
``?`` ``;`` ``!`` next to a Chinese character, in the catalogues and in the templates
that put punctuation after a translated word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from luoshi.core.tests.test_i18n import CATALOGUES, PACKAGE, _entries

#: word that must not appear in any zh-Hans string → the word used instead, and why.
SYNONYMS: dict[str, tuple[str, str]] = {
    "反馈": ("答复", "the handling unit's answer to the resident is 答复 (status 已答复)"),
    "重新打开": ("重新办理", "a closed case or task taken up again is 重新办理"),
    "你": ("您", "the user is addressed politely"),
    "时间表 路线图": ("", "kept only as the name of the task schedule (Gantt) page; see below"),
}

#: (context, English) → the one Chinese word for that step; the glossary lists the same.
TERMS: list[tuple[str, str, str]] = [
    ("", "Reply", "答复"),
    ("case status", "Replied", "已答复"),
    ("", "replied", "答复"),
    ("", "Reopen", "重新办理"),
    ("", "reopened", "重新办理"),
    ("", "Timeline", "时间轴"),
    ("", "Timeline and roadmap (时间表 路线图)", "时间表 路线图"),
    ("", "Roadmap (路线图)", "路线图"),
    ("", "Co-unit reply", "协办意见"),
]

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
#: ASCII ':' '?' ';' '!' right after a Chinese character (or a Chinese closing quote), or right before one.
HALF_WIDTH = re.compile(rf"[{CJK}”’）]\s*[:?;!]|[:?;!]\s*[{CJK}“‘（]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sd]|\{\w*\}")
MARKUP = re.compile(r"<code>.*?</code>|<[^>]+>", re.S)


def _chinese_strings() -> list[tuple[str, str, str]]:
    """(app, English, Chinese) for every translated string of every catalogue."""
    rows = []
    for po in CATALOGUES:
        for _ctx, msgid, strs, _fuzzy in _entries(po):
            rows += [(po.parts[-5], msgid, s) for s in strs if s]
    return rows


def test_the_catalogues_use_one_word_per_step() -> None:
    hits = [
        f"{app}: “{zh}” ({en!r}) uses {word}: write {instead or 'another word'} ({why})"
        for app, en, zh in _chinese_strings()
        for word, (instead, why) in SYNONYMS.items()
        if word in zh and not (word == "时间表 路线图" and en == "Timeline and roadmap (时间表 路线图)")
    ]
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize(("context", "english", "chinese"), TERMS)
def test_each_step_has_its_word(context: str, english: str, chinese: str) -> None:
    with translation.override("zh-hans"):
        shown = translation.pgettext(context, english) if context else translation.gettext(english)
    assert shown == chinese


def test_chinese_strings_have_full_width_punctuation() -> None:
    hits = []
    for app, en, zh in _chinese_strings():
        text = MARKUP.sub("", PLACEHOLDER.sub("X", zh))
        if HALF_WIDTH.search(text):
            hits.append(f"{app}: {en!r} → {zh!r}")
    assert not hits, "half-width punctuation in Chinese strings:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("状态: 已办结", True),
        ("是否确认?", True),
        ("甲; 乙", True),
        ("请注意!", True),
        ("状态：已办结", False),
        ("接口文档见 <code>Authorization: Bearer 令牌</code>", False),
        ("%(name)s 必须在 1 到 %(max)d 之间。", False),
        ("时间 10:30", False),
        ("请以 JSON 格式发送（Content-Type: application/json）", False),
    ],
)
def test_the_punctuation_rule_itself(text: str, flagged: bool) -> None:
    assert bool(HALF_WIDTH.search(MARKUP.sub("", PLACEHOLDER.sub("X", text)))) is flagged


#: ``{% translate "Stage" %}:`` puts an ASCII colon after a Chinese word; the colon belongs in the msgid.
COLON_AFTER_TAG = re.compile(r"(\{% translate \"[^\"]*\"(?: context \"[^\"]*\")? %\}|\{% endblocktranslate %\})[:?;!]")
COLON_AFTER_DISPLAY = re.compile(r"\{\{ [\w.]*(?:_display|label) \}\}[:?;!](?!\{% endblocktranslate)")


def test_templates_put_no_ascii_colon_after_a_translated_word() -> None:
    hits = []
    for template in sorted(PACKAGE.glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if COLON_AFTER_TAG.search(line) or COLON_AFTER_DISPLAY.search(line):
                hits.append(f"{template.relative_to(PACKAGE)}:{number}")
    assert not hits, 'write the colon inside the msgid ("Stage:" → 阶段：):\n' + "\n".join(hits)


def test_help_pages_cite_no_code_paths() -> None:
    """Help pages and messages speak to office staff: no module paths, file names or settings of the code."""
    code_path = re.compile(r"luoshi/|\w+\.py\b|settings\.\w+|LUOSHI_\w+")
    hits = []
    for template in sorted(Path(PACKAGE).glob("*/templates/**/*help*.html")):
        if code_path.search(MARKUP.sub("", template.read_text(encoding="utf-8"))):
            hits.append(str(template.relative_to(PACKAGE)))
    for app, en, zh in _chinese_strings():
        if code_path.search(zh):
            hits.append(f"{app}: {en!r}")
    assert not hits, "\n".join(hits)
