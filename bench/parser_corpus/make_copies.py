"""Write copies.json: the traditional and pinyin-annotated copy of every corpus passage.

The copies are generated once and committed, so grading needs neither OpenCC's
s2t direction nor pypinyin::

    .venv/bin/pip install pypinyin   # only for this script
    .venv/bin/python bench/parser_corpus/make_copies.py

Traditional: OpenCC ``s2t``. Pinyin-annotated: the traditional copy with a
reading in brackets after characters, as converted web pages show them — after
every character in odd-numbered passages (T01, T03 …), and only after the
characters that differ from the simplified text in even-numbered ones (the
style of seed 004: "預(yù)算", "萬(wàn)元").
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import opencc
from pypinyin import Style, pinyin

HERE = Path(__file__).resolve().parent


def annotate(simplified: str, traditional: str, every: bool) -> str:
    out: list[str] = []
    readings = pinyin(traditional, style=Style.TONE, errors=lambda chars: [[""] for _ in chars], strict=False)
    for index, (char, reading) in enumerate(zip(traditional, readings, strict=True)):
        out.append(char)
        is_cjk = "\u4e00" <= char <= "\u9fff"
        changed = index < len(simplified) and simplified[index] != char
        if is_cjk and reading[0] and (every or changed):
            out.append(f"({reading[0]})")
    return "".join(out)


def main() -> None:
    corpus = tomllib.loads((HERE / "passages.toml").read_text(encoding="utf-8"))
    s2t = opencc.OpenCC("s2t")
    copies = {}
    for passage in corpus["passage"]:
        text = passage["text"]
        traditional = s2t.convert(text)
        every = int(passage["id"][1:]) % 2 == 1
        copies[passage["id"]] = {"traditional": traditional, "pinyin": annotate(text, traditional, every)}
    (HERE / "copies.json").write_text(json.dumps(copies, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
