"""Grade the scorecard parser against the hand-checked corpus (issue 16).

    .venv/bin/python bench/parser_grade.py                 # tuned passages, three scripts
    .venv/bin/python bench/parser_grade.py --split holdout # held-out passages, totals only
    .venv/bin/python bench/parser_grade.py --show T05      # item by item for some tuned passages

Every passage of bench/parser_corpus/passages.toml is parsed in three scripts
(simplified as written, traditional and pinyin-annotated from copies.json) with
the seed catalogue of migration 0002 as the catalogue for codes.

Definitions (the figures bench/RESULTS-indicators.md reports):

- The *fields* of an item are the 14 keys of the JSON contract: name, value,
  unit, yoy_pct, plan_pct, plan_value, plan_unit, yoy_abs, yoy_abs_unit, rank,
  rank_scope, rank_change, period, code. A missing key counts as null.
- *Alignment*: per passage and script, the emitted items are paired with the
  expected items keeping the order of both lists (a weighted longest common
  subsequence). A pair is allowed when the two name the same indicator (equal
  names) or report the same figure (equal non-null value and unit; without a
  value, an equal non-null yoy_pct or rank). Among allowed alignments the one
  with the most equal fields is taken.
- *Field accuracy* = equal fields of aligned pairs / (14 × expected items).
  An expected item with no emitted partner has all 14 fields wrong. (Null
  equals null, as for a user reading the JSON.)
- *Filled-field accuracy* (stricter): the same, counting only the fields that
  are non-null in the expected item or in its partner.
- *Precision* = aligned emitted items / emitted items: the share of what the
  parser emits that is one of the text's indicators.
- *Recall* = aligned expected items / expected items.
- *Items exactly right* = aligned pairs with all 14 fields equal / expected items.
- *Six-field accuracy*: field accuracy over the six keys the JSON had before
  issue 16 (name, value, unit, yoy_pct, plan_pct, period), for comparison with
  the issue's figure of 95.5 %.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from luoshi.indicators.parser import parse  # noqa: E402

CORPUS = ROOT / "bench" / "parser_corpus"
FIELDS = [
    "name", "value", "unit", "yoy_pct", "plan_pct", "plan_value", "plan_unit", "yoy_abs", "yoy_abs_unit",
    "rank", "rank_scope", "rank_change", "period", "code",
]  # fmt: skip
OLD_FIELDS = ["name", "value", "unit", "yoy_pct", "plan_pct", "period"]
_KEYS = {
    "yoy": "yoy_pct", "plan": "plan_pct", "rank": "rank", "scope": "rank_scope", "rchg": "rank_change",
    "period": "period", "code": "code",
}  # fmt: skip
_QUANTITY = re.compile(r"^([-+]?\d+(?:\.\d+)?)(.*)$")


def seed_catalogue() -> dict[str, str]:
    """Name or other name → code, from the seed catalogue every installation starts with."""
    module = importlib.import_module("luoshi.indicators.migrations.0002_seed_catalogue")
    names: dict[str, str] = {}
    for code, name, *rest in module.CATALOGUE:
        for word in [name, *rest[-1]]:
            names.setdefault(word, code)
    return names


def expected_item(line: str) -> dict[str, Any]:
    parts = [p.strip() for p in line.split(";")]
    item: dict[str, Any] = dict.fromkeys(FIELDS)
    item["name"] = parts[0]
    for part in parts[1:]:
        if "=" not in part:
            number, unit = _QUANTITY.match(part).groups()  # type: ignore[union-attr]
            item["value"], item["unit"] = float(number), unit
            continue
        key, raw = part.split("=", 1)
        if key in {"pv", "abs"}:
            number, unit = _QUANTITY.match(raw).groups()  # type: ignore[union-attr]
            prefix = "plan" if key == "pv" else "yoy_abs"
            item["plan_value" if key == "pv" else "yoy_abs"] = float(number)
            item[f"{prefix}_unit"] = unit
        elif key in {"yoy", "plan"}:
            item[_KEYS[key]] = float(raw)
        elif key in {"rank", "rchg"}:
            item[_KEYS[key]] = int(raw)
        else:
            item[_KEYS[key]] = raw
    return item


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return bool(a == b)


def allowed(exp: dict[str, Any], got: dict[str, Any]) -> bool:
    if exp["name"] == got.get("name"):
        return True
    if exp["value"] is not None:
        return same(exp["value"], got.get("value")) and exp["unit"] == got.get("unit")
    if got.get("value") is not None:
        return False
    return any(exp[key] is not None and same(exp[key], got.get(key)) for key in ("yoy_pct", "rank"))


def equal_fields(exp: dict[str, Any], got: dict[str, Any]) -> int:
    return sum(1 for f in FIELDS if same(exp[f], got.get(f)))


def align(expected: list[dict[str, Any]], emitted: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Order-keeping pairs (expected index, emitted index) with the most equal fields."""
    n, m = len(expected), len(emitted)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            score = max(best[i + 1][j], best[i][j + 1])
            if allowed(expected[i], emitted[j]):
                score = max(score, best[i + 1][j + 1] + 1000 + equal_fields(expected[i], emitted[j]))
            best[i][j] = score
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if allowed(expected[i], emitted[j]) and best[i][j] == best[i + 1][j + 1] + 1000 + equal_fields(
            expected[i], emitted[j]
        ):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def run_parser(text: str, catalogue: dict[str, str]) -> list[dict[str, Any]]:
    # The parser before issue 16 knew no catalogue.
    options = {"catalogue": catalogue} if "catalogue" in inspect.signature(parse).parameters else {}
    return [m.as_dict() for m in parse(text, **options)]


def show(value: Any) -> str:
    return "·" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["tune", "holdout", "holdout2", "all"], default="tune")
    parser.add_argument("--scripts", default="simplified,traditional,pinyin")
    parser.add_argument("--show", nargs="*", metavar="ID", help="print item by item (all, or these passage ids)")
    parser.add_argument(
        "--holdout", action="store_true", help="allow --show on held-out passages (only after the last change)"
    )
    parser.add_argument("--json", action="store_true", help="print the totals as JSON")
    args = parser.parse_args()

    corpus = tomllib.loads((CORPUS / "passages.toml").read_text(encoding="utf-8"))["passage"]
    copies = json.loads((CORPUS / "copies.json").read_text(encoding="utf-8"))
    catalogue = seed_catalogue()
    scripts = args.scripts.split(",")
    passages = [p for p in corpus if args.split == "all" or p["split"] == args.split]
    if args.show is not None and not args.holdout and any(p["split"].startswith("holdout") for p in passages):
        parser.error("--show on held-out passages needs --holdout (grade them item by item only at the end)")

    totals = dict.fromkeys(
        ["expected", "emitted", "aligned", "fields", "equal", "filled", "filled_equal", "exact", "old_equal"], 0
    )
    per_script: dict[str, dict[str, int]] = {
        s: {"expected": 0, "emitted": 0, "aligned": 0, "equal": 0} for s in scripts
    }
    for passage in passages:
        expected = [expected_item(line) for line in passage["expect"]]
        for script in scripts:
            text = passage["text"] if script == "simplified" else copies[passage["id"]][script]
            emitted = run_parser(text, catalogue)
            pairs = align(expected, emitted)
            partner = dict(pairs)
            totals["expected"] += len(expected)
            totals["emitted"] += len(emitted)
            totals["aligned"] += len(pairs)
            totals["fields"] += len(FIELDS) * len(expected)
            per = per_script[script]
            per["expected"] += len(expected)
            per["emitted"] += len(emitted)
            per["aligned"] += len(pairs)
            for i, exp in enumerate(expected):
                got = emitted[partner[i]] if i in partner else {}
                equal = equal_fields(exp, got) if got else 0
                totals["equal"] += equal
                per["equal"] += equal
                totals["exact"] += equal == len(FIELDS)
                totals["old_equal"] += sum(1 for f in OLD_FIELDS if got and same(exp[f], got.get(f)))
                for f in FIELDS:
                    if exp[f] is not None or got.get(f) is not None:
                        totals["filled"] += 1
                        totals["filled_equal"] += bool(got) and same(exp[f], got.get(f))
            wanted = args.show is not None and (not args.show or passage["id"] in args.show)
            if wanted and (
                script == "simplified"
                or len(pairs) != len(expected)
                or len(emitted) != len(expected)
                or any(equal_fields(expected[i], emitted[j]) != len(FIELDS) for i, j in pairs)
            ):
                print(f"== {passage['id']} [{script}] {text}")
                for i, exp in enumerate(expected):
                    got = emitted[partner[i]] if i in partner else None
                    diffs = [
                        f"{f}: want {show(exp[f])} got {show(got.get(f))}"
                        for f in FIELDS
                        if got is not None and not same(exp[f], got.get(f))
                    ]
                    status = "MISSING" if got is None else "ok" if not diffs else "; ".join(diffs)
                    print(f"   {exp['name']}: {status}")
                for j, got in enumerate(emitted):
                    if j not in partner.values():
                        print(f"   EXTRA {json.dumps(got, ensure_ascii=False)}")

    def pct(a: int, b: int) -> float:
        return 100.0 * a / b if b else 100.0

    result = {
        "split": args.split,
        "passages": len(passages),
        "scripts": scripts,
        "expected_items": totals["expected"],
        "emitted_items": totals["emitted"],
        "field_accuracy_pct": round(pct(totals["equal"], totals["fields"]), 1),
        "six_field_accuracy_pct": round(pct(totals["old_equal"], len(OLD_FIELDS) * totals["expected"]), 1),
        "filled_field_accuracy_pct": round(pct(totals["filled_equal"], totals["filled"]), 1),
        "precision_pct": round(pct(totals["aligned"], totals["emitted"]), 1),
        "recall_pct": round(pct(totals["aligned"], totals["expected"]), 1),
        "items_exactly_right_pct": round(pct(totals["exact"], totals["expected"]), 1),
        "per_script": {
            s: {
                "field_accuracy_pct": round(pct(v["equal"], len(FIELDS) * v["expected"]), 1),
                "precision_pct": round(pct(v["aligned"], v["emitted"]), 1),
            }
            for s, v in per_script.items()
        },
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(
            f"{args.split}: {len(passages)} passages × {len(scripts)} scripts, "
            f"{totals['expected']} expected items, {totals['emitted']} emitted\n"
            f"  field accuracy        {result['field_accuracy_pct']:5.1f} %\n"
            f"  filled-field accuracy {result['filled_field_accuracy_pct']:5.1f} %\n"
            f"  six-field accuracy    {result['six_field_accuracy_pct']:5.1f} %\n"
            f"  precision             {result['precision_pct']:5.1f} %\n"
            f"  recall                {result['recall_pct']:5.1f} %\n"
            f"  items exactly right   {result['items_exactly_right_pct']:5.1f} %"
        )
        for s, v in result["per_script"].items():
            print(f"  {s:12s} field accuracy {v['field_accuracy_pct']:5.1f} %, precision {v['precision_pct']:5.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
