"""Text normalisation for scorecard text: width, pinyin annotations, traditional → simplified.

Pure functions, no Django. Used by the scorecard parser and by the Excel import
(indicator and unit names typed in either script).

Traditional → simplified uses OpenCC's own ``t2s`` dictionaries (shipped with
``opencc-python-reimplemented``): the phrase table first, then the character
table, exactly as OpenCC's ``t2s`` configuration chains them. The pure-Python
OpenCC converter walks every character through a parse tree, which is too slow
for a megabyte of text; here the character table becomes one ``str.translate``
table and the (few hundred) phrases one regular expression, which gives the
same result about twenty times faster (see docs/decisions/0301-fast-opencc.md).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

__all__ = ["normalise", "strip_pinyin", "to_simplified"]

# Separators OpenCC never converts across (from OpenCC's PhraseExtract); phrases
# are matched only inside the runs between them, as OpenCC does.
_OPENCC_SPLIT = re.compile(r"(\s+|[-,.?!*　，。、；：？！…“”‘’『』「」﹁﹂—－（）《》〈〉～．／＼［］【】｛｝])")


def _opencc_dictionary_dir() -> Path:
    import opencc

    return Path(opencc.__file__).resolve().parent / "dictionary"


def _read_table(name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    with (_opencc_dictionary_dir() / name).open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line or "\t" not in line:
                continue
            key, values = line.split("\t", 1)
            # Several candidates: OpenCC takes the first.
            table[key] = values.split(" ")[0]
    return table


class _T2S:
    def __init__(self) -> None:
        characters = _read_table("TSCharacters.txt")
        phrases = _read_table("TSPhrases.txt")
        self.char_table = {ord(k): v for k, v in characters.items() if len(k) == 1}
        # Only phrases whose conversion differs from converting character by
        # character need the (slower) phrase pass.
        self.phrases = {k: v for k, v in phrases.items() if k.translate(self.char_table) != v}
        alternatives = sorted(self.phrases, key=len, reverse=True)
        self.phrase_re = re.compile("|".join(re.escape(p) for p in alternatives)) if alternatives else None
        first_chars = {p[0] for p in alternatives}
        self.phrase_first = re.compile("[" + "".join(re.escape(c) for c in sorted(first_chars)) + "]")
        self.traditional_chars = frozenset(chr(c) for c, v in self.char_table.items() if chr(c) != v)

    def convert(self, text: str) -> str:
        if self.phrase_re is None or not self.phrase_first.search(text):
            return text.translate(self.char_table)
        out: list[str] = []
        for index, chunk in enumerate(_OPENCC_SPLIT.split(text)):
            if index % 2 or not chunk:
                out.append(chunk)
                continue
            position = 0
            for match in self.phrase_re.finditer(chunk):
                out.append(chunk[position : match.start()].translate(self.char_table))
                out.append(self.phrases[match.group()])
                position = match.end()
            out.append(chunk[position:].translate(self.char_table))
        return "".join(out)


@functools.lru_cache(maxsize=1)
def _converter() -> _T2S:
    return _T2S()


def to_simplified(text: str) -> str:
    """Traditional Chinese → simplified, as OpenCC ``t2s`` does it."""
    return _converter().convert(text)


# --- Pinyin annotations ---------------------------------------------------------
#
# Some converted web pages follow characters with their reading: "區(qū)",
# "億(yì)元". An annotation is a parenthesised pinyin syllable (tone marks, tone
# digits or none) right after a CJK character. Anything else in parentheses —
# "(镇)", "(工)", "(2019)", "(GDP)" — is real text and stays.

_TONE_MARKS = {
    "ā": "a", "á": "a", "ǎ": "a", "à": "a",
    "ē": "e", "é": "e", "ě": "e", "è": "e", "ê": "e",
    "ī": "i", "í": "i", "ǐ": "i", "ì": "i",
    "ō": "o", "ó": "o", "ǒ": "o", "ò": "o",
    "ū": "u", "ú": "u", "ǔ": "u", "ù": "u",
    "ǖ": "v", "ǘ": "v", "ǚ": "v", "ǜ": "v", "ü": "v",
    "ń": "n", "ň": "n", "ǹ": "n", "ḿ": "m",
}  # fmt: skip
_TONE_TABLE = str.maketrans(_TONE_MARKS)
_INITIALS = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINALS = (
    "(?:iong|iang|uang|ueng|iao|ian|uai|uan|van|ing|ang|eng|ong|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un"
    "|ue|ve|vn|a|o|e|i|u|v)"
)
_SYLLABLE_RE = re.compile(f"^(?:{_INITIALS}{_FINALS}|m|n|ng|hm|hng)[1-5]?$")
_LETTERS = "a-zü" + "".join(k for k in _TONE_MARKS if k != "ü")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A converted page sometimes leaves one space before the reading: "區 (qū)".
# Readings of proper names may start with a capital ("北(Běi)"); a capital alone or
# capitals only ("(A)", "(GDP)") are not readings.
_CAPITALS = "A-Z" + "".join(k.upper() for k in _TONE_MARKS if k != "ü")
_WORD = f"(?:[{_CAPITALS}][{_LETTERS}]{{1,5}}|[{_LETTERS}]{{1,6}})[1-5]?"
# A word's reading may be its syllables with spaces between: "北白象(běi bái xiàng)".
_ANNOTATION_RE = re.compile(f"(?<=[{_CJK}?\ufffd])(?: (?=[(（]))?[(（]({_WORD}(?: {_WORD}){{0,7}})[)）]")


@functools.lru_cache(maxsize=4096)
def _is_syllable(word: str) -> bool:
    plain = unicodedata.normalize("NFC", word).lower().translate(_TONE_TABLE)
    return bool(_SYLLABLE_RE.match(plain))


def strip_pinyin(text: str) -> str:
    """Remove "(qū)"-style reading annotations that follow a CJK character."""
    if "(" not in text and "（" not in text:
        return text
    return _ANNOTATION_RE.sub(
        lambda m: "" if all(_is_syllable(word) for word in m.group(1).split(" ")) else m.group(0), text
    )


# --- Everything together ---------------------------------------------------------

# Full-width digits, letters and number signs become ASCII (１６９１５ → 16915,
# ％ → %). CJK punctuation (，。：（）) stays as written: names keep their own
# brackets, and the parser reads both widths.
_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}
_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})
_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})
_WIDTH.update(
    {"％": "%", "．": ".", "－": "-", "＋": "+", "／": "/", "～": "~", "−": "-", "﹣": "-", "‐": "-", "‒": "-",
     "–": "-", "〜": "~", "　": " ", "\u00a0": " "}
)  # fmt: skip
_WIDTH_TABLE = str.maketrans(_WIDTH)
_FULLWIDTH_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")


def normalise(text: str) -> str:
    """The form the parser reads: half-width digits and signs, no annotations, simplified."""
    # Pinyin comes off first, while its tone marks are still the precomposed
    # characters of the source; full-width parentheses are recognised too.
    text = unicodedata.normalize("NFC", text)
    text = strip_pinyin(text)
    text = text.translate(_WIDTH_TABLE)
    if "，" in text:
        text = _FULLWIDTH_THOUSANDS.sub(",", text)
    return to_simplified(text)
