"""The scorecard parser of another commit and the current one on the same megabyte, runs alternating.

    flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/parser_speed_compare.py [--old 807ad22] [--runs 7]

The text is bench/indicators_bench.py's parser text (test cases in three scripts,
seed 004, prose). Alternating the two parsers run by run puts both under the same
load, so the ratio means something on a shared machine; CPU time is given beside
wall time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default="807ad22", help="commit of the parser to compare with")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.argv = sys.argv[:1]  # indicators_bench parses no arguments on import, but be sure
    from bench.indicators_bench import parser_text

    text = parser_text(1_000_000)
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{args.old}:luoshi/indicators/parser.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        old_path = Path(tmp) / "parser_old.py"
        old_path.write_text(source, encoding="utf-8")
        parsers = {
            "old": _load(old_path, "parser_old"),
            "new": _load(ROOT / "luoshi/indicators/parser.py", "parser_new"),
        }
        for module in parsers.values():
            module.parse(text[:10000])  # load the OpenCC tables
        wall: dict[str, list[float]] = {k: [] for k in parsers}
        cpu: dict[str, list[float]] = {k: [] for k in parsers}
        found: dict[str, int] = {}
        for _ in range(args.runs):
            for label, module in parsers.items():
                started, cpu_started = time.perf_counter(), time.process_time()
                found[label] = len(module.parse(text))
                wall[label].append(time.perf_counter() - started)
                cpu[label].append(time.process_time() - cpu_started)
    print(f"{len(text.encode()) / 1e6:.2f} MB, {len(text)} characters; load {os.getloadavg()[0]:.2f}")
    for label in parsers:
        source_name = args.old if label == "old" else "working tree"
        print(
            f"{label} ({source_name}): median {statistics.median(wall[label]):.2f} s, "
            f"max {max(wall[label]):.2f} s, CPU median {statistics.median(cpu[label]):.2f} s, {found[label]} mentions"
        )
    print(
        f"new / old: wall {statistics.median(wall['new']) / statistics.median(wall['old']):.2f}, "
        f"CPU {statistics.median(cpu['new']) / statistics.median(cpu['old']):.2f}"
    )


if __name__ == "__main__":
    main()
