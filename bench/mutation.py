"""Mutation testing of the core rule modules: does a test fail when a rule changes?

Usage (from the repository root; ``make mutation`` runs the first line)::

    .venv/bin/python bench/mutation.py                      # every module, writes bench/RESULTS-mutation.md
    .venv/bin/python bench/mutation.py luoshi/cases/sla.py  # one module (no RESULTS file unless --record)
    .venv/bin/python bench/mutation.py --survivors ...      # rerun only what survived last time
    .venv/bin/python bench/mutation.py --list luoshi/cases/sla.py   # print the mutants, run nothing
    .venv/bin/python bench/mutation.py --check-named        # the issue's named survivors against their tests

Why our own mutator and not mutmut 3: mutmut 3 mutates only inside functions (through
trampolines), so the tables and thresholds that *are* the rules here (the transition
rows, ``Thresholds`` defaults, role sets, unit lists) would never be mutated, and it
runs the tests from a copied ``mutants/`` tree, which Django's app registry, the
per-app catalogues and the templates do not expect. This file is small: it parses the
module with :mod:`ast`, lists the mutants deterministically, and runs each one in a
**fresh Python process** (``--child``) that installs an import hook serving the mutated
code under the real module name before pytest starts, so no cache (the scope cached on
a user, the calendar cache, ``lru_cache``, imported names) can hide a mutant. Each
module runs only its own test files (``MODULES``), with ``-x`` so a killed mutant stops
at its first failing test.

Operators: arithmetic and bitwise operators swapped (``+``/``-``, ``*``/``/``, ``&``/``|``
…), ``q |= x`` → ``q = x``, comparison boundaries (``<``/``<=``, ``>``/``>=``) and
negations (``==``/``!=``, ``in``/``not in``, ``is``/``is not``), ``and``/``or``, dropped
``not`` and unary minus, numbers ±1, booleans flipped, strings changed, one element
removed from each literal list, tuple, set or dict of two or more (the table rows, the
``ACTIONS`` tuple, role sets), one keyword argument removed from a call (``code=...``,
``unit__is_active=True``), a bare call statement removed (``delattr(...)``,
``reasons.append(...)``), ``max``/``min`` and ``any``/``all`` swapped, ``break``/``continue``
swapped. Not mutated: docstrings, annotations, the text of translatable messages and of
built-in exceptions, ``if TYPE_CHECKING`` blocks, ``__all__`` and the UI text dictionaries
(``SKIP_ASSIGNMENTS``), lines marked ``# pragma: no mutate``.

A mutant is *killed* when the tests fail (or time out, or the module no longer imports),
*survives* when they pass, and is *not covered* when no line of its statement ran in
the baseline run (it survives without running). The score is killed / (all −
equivalent); mutants judged equivalent are listed in ``EQUIVALENT`` with the reason.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import queue
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / "var" / "mutation"
RESULTS = ROOT / "bench" / "RESULTS-mutation.md"

#: Rule module → the test files that pin it (fast, specific ones first: ``-x`` stops at the first failure).
MODULES: dict[str, list[str]] = {
    "luoshi/tasks/workflow.py": [
        "luoshi/tasks/tests/test_spec_workflow.py",
        "luoshi/tasks/tests/test_workflow.py",
    ],
    "luoshi/tasks/lights.py": [
        "luoshi/tasks/tests/test_spec_lights.py",
        "luoshi/tasks/tests/test_lights.py",
    ],
    "luoshi/core/lights.py": [
        "luoshi/tasks/tests/test_spec_lights.py",
        "luoshi/projects/tests/test_compute.py",
        "luoshi/tasks/tests/test_lights.py",
    ],
    "luoshi/cases/workflow.py": [
        "luoshi/cases/tests/test_spec_workflow.py",
        "luoshi/cases/tests/test_workflow.py",
    ],
    "luoshi/cases/sla.py": [
        "luoshi/cases/tests/test_spec_sla.py",
        "luoshi/cases/tests/test_sla.py",
    ],
    "luoshi/core/workdays.py": [
        "luoshi/core/tests/test_spec_workdays.py",
        "luoshi/core/tests/test_workdays.py",
    ],
    "luoshi/org/scope.py": [
        "luoshi/org/tests/test_spec_scope.py",
        "luoshi/org/tests/test_scope.py",
    ],
    "luoshi/org/permissions.py": [
        "luoshi/org/tests/test_spec_scope.py",
        "luoshi/org/tests/test_scope.py",
    ],
    "luoshi/indicators/computations.py": [
        "luoshi/indicators/tests/test_spec_computations.py",
        "luoshi/indicators/tests/test_computations.py",
    ],
    "luoshi/indicators/numbers.py": [
        "luoshi/indicators/tests/test_spec_numbers.py",
        "luoshi/indicators/tests/test_numbers.py",
    ],
    # New apps' rule modules (issue 11 and the relocation app), with their own tests.
    "luoshi/projects/workflow.py": ["luoshi/projects/tests/test_workflow.py"],
    "luoshi/relocation/workflow.py": ["luoshi/relocation/tests/test_workflow.py"],
}

#: Modules run in a fresh interpreter per mutant instead of a fork of one that collected the
#: tests: other apps register rows into ``org.permissions.RULES`` at import, which re-running
#: the module in a fork would drop.
FRESH_PROCESS = frozenset({"luoshi/org/permissions.py"})

#: Survivors judged equivalent: mutant id (see ``Mutant.key``) → why no test can tell it apart.
EQUIVALENT: dict[str, str] = {
    # luoshi/cases/sla.py
    "warn_days: return math.ceil(round(YELLOW_SHARE * total_days, 6)) :: 6 → 5": (
        "rounding 0.7 × n to 5, 6 or 7 decimals only removes the float error (0.7 × 10 = 7.000000000000001); "
        "the three differ for no whole number of days below 10⁵"
    ),
    "warn_days: return math.ceil(round(YELLOW_SHARE * total_days, 6)) :: 6 → 7": "as for 6 → 5",
    "due_day: return local_date(due_at - dt.timedelta(microseconds=1)) :: 1 → 2": (
        "due_at is always a local midnight, so stepping back 1 or 2 µs lands on the same day"
    ),
    # luoshi/cases/workflow.py
    "Transition: needs_comment: bool = False :: False → True": (
        "every row is made by _t(), which always passes needs_comment; the dataclass default is never used"
    ),
    # luoshi/core/workdays.py
    "WorkCalendar.working_days_between: if end < start: :: end < start → end <= start": (
        "end == start has already returned 0 above"
    ),
    "WorkCalendar.working_days_between: day = start + dt.timedelta(days=weeks * 7) :: "
    "start + dt.timedelta(days=weeks * 7) → start - dt.timedelta(days=weeks * 7)": (
        "the remainder loop looks only at weekdays, which repeat every 7 days: any whole number of weeks "
        "before or after the start gives the same count (the holidays are counted separately over the whole span)"
    ),
    "WorkCalendar.working_days_between: day = start + dt.timedelta(days=weeks * 7) :: days=weeks * 7 → without days=": (
        "as for start − whole weeks: starting the remainder at the start itself has the same weekdays"
    ),
    "load_seed: data = json.loads(DATA_FILE.read_text(encoding=\"utf-8\")) :: encoding='utf-8' → without encoding=": (
        "only a machine whose locale is not UTF-8 tells them apart; the tests run where it is"
    ),
    # luoshi/indicators/numbers.py
    "<module>: \"千克\": (\"克\", Decimal(1000)), :: {'千克': ('克', Decimal(1000)), …} → without '千克': …": (
        "千克 reads as the multiplier 千 and 克, which gives the same 1000 × 克 as the alias"
    ),
    "<module>: \"千克\": (\"克\", Decimal(1000)), :: '千克' → 'XX千克XX'": "as for removing the 千克 alias",
    "<module>: \"亩\": (\"亩\", Decimal(1)), :: {'亩': ('亩', Decimal(1)), …} → without '亩': …": (
        "the alias maps 亩 to 1 × 亩, which is what an unknown unit gives anyway"
    ),
    "<module>: \"亩\": (\"亩\", Decimal(1)), :: '亩' → 'XX亩XX'": "as for removing the 亩 alias",
    '_fold: return text.replace("−", "-").replace("﹣", "-").replace("–", "-").strip() :: \'﹣\' → \'XX﹣XX\'': (
        "NFKC, applied just before, already turns the small hyphen-minus ﹣ into -"
    ),
    '_fold: return text.replace("−", "-").replace("﹣", "-").replace("–", "-").strip() :: \'-\' → \'XX-XX\' #2': (
        "the replacement of ﹣, which NFKC has already replaced"
    ),
    "convert: if not f_base and f_factor == 1 and from_unit: :: 1 → 0": (
        "a unit with neither base nor multiplier is empty after folding, and such a unit already returned above "
        "(from_unit.strip() is empty); the condition never holds, with 1, 0 or 2"
    ),
    "convert: if not f_base and f_factor == 1 and from_unit: :: 1 → 2": "as for 1 → 0",
    "split_unit: if unit.startswith(\"千\") and unit[1:] in {\"米\", \"瓦\", \"瓦时\", \"克\"}: :: {'米', '瓦', '瓦时', '克'} → without '克'": (  # noqa: E501
        "千克 (also after a multiplier, as in 万千克) is caught by its alias first"
    ),
    'split_unit: if unit.startswith("千") and unit[1:] in {"米", "瓦", "瓦时", "克"}: :: \'克\' → \'XX克XX\'': (
        "as for removing 克 from the set"
    ),
    # luoshi/indicators/computations.py
    '<module>: K = TypeVar("K", bound=Hashable) :: bound=Hashable → without bound=': "typing only",
    "<module>: K = TypeVar(\"K\", bound=Hashable) :: 'K' → 'XXKXX'": "typing only",
    "light: score = gap * sign :: gap * sign → gap / sign": "sign is 1 or −1, and x / ±1 = x × ±1",
    "light: score = (completion - HUNDRED) * sign :: (completion - HUNDRED) * sign → (completion - HUNDRED) / sign": (
        "sign is 1 or −1, and x / ±1 = x × ±1"
    ),
    'light: return "green" if yoy * sign >= 0 else "yellow" :: yoy * sign → yoy / sign': (
        "sign is 1 or −1, and x / ±1 = x × ±1"
    ),
    "rank_with_ties: rank = 0 :: 0 → 1": "overwritten by the first ranked score (never equal to the initial None)",
    "composite_scores: if part.weight <= 0: :: part.weight <= 0 → part.weight < 0": (
        "a part of weight 0 adds 0 to every total and every weight: skipping it or not gives the same scores"
    ),
    # luoshi/org/scope.py
    "<module>: _CACHE_ATTR = \"_luoshi_scope\" :: '_luoshi_scope' → 'XX_luoshi_scopeXX'": (
        "the name of the private attribute the scope is cached under; nothing else reads it"
    ),
    # luoshi/tasks/lights.py
    "time_progress: if today >= deadline: :: today >= deadline → today > deadline": (
        "on the deadline itself the general formula gives 100 too: the days passed equal the days in the span "
        "(or the span has none, which also gives 100)"
    ),
    "time_progress: return max(0, min(100, round(100 * passed / total))) :: 100 → 101": (
        "the clamp at 100 is never reached: before the deadline the days passed are fewer than the span's"
    ),
    'compute: effective_progress = 100.0 if status == "pending_review" else float(progress) :: 100.0 → 101.0': (
        "a task waiting for review counts as complete: with 100 or 101 its lag is ≤ 0 and it is never "
        "'not complete', so every light and reason is the same"
    ),
}

#: The survivors the issue names, each with the test that must kill it:
#: (module, mutant id pattern (regular expression on ``Mutant.key``), test node id).
TW, TL, CL = (
    "luoshi/tasks/tests/test_spec_workflow.py",
    "luoshi/tasks/tests/test_spec_lights.py",
    "luoshi/core/lights.py",
)
NAMED: list[tuple[str, str, str]] = [
    ("luoshi/tasks/workflow.py", r"^allowed_actions: .* :: t\.roles & held → t\.roles \| held$",
     f"{TW}::test_a_doer_is_never_offered_cancel_or_suspend"),
    ("luoshi/tasks/workflow.py", r"^<module>: Action\.RESUME, :: .* → without Action\.RESUME$",
     f"{TW}::test_every_state_action_and_role"),
    ("luoshi/tasks/workflow.py", r"^<module>: Action\.REOPEN, :: .* → without Action\.REOPEN$",
     f"{TW}::test_every_state_action_and_role"),
    ("luoshi/tasks/workflow.py", r"^<module>: Action\.REFUSE_EXTENSION, :: .* → without Action\.REFUSE_EXTENSION$",
     f"{TW}::test_every_state_action_and_role"),
    ("luoshi/tasks/workflow.py", r"^<module>: Transition\(.*needs_comment=True\),? :: True → False$",
     f"{TW}::test_every_state_action_and_role"),
    ("luoshi/tasks/workflow.py", r"^require: .*code=\"unknown_action\"\) :: ",
     f"{TW}::test_an_unknown_action_is_refused_as_such"),
    ("luoshi/tasks/workflow.py", r"^require: .*code=\"transition_forbidden\"\) :: ",
     f"{TW}::test_every_state_action_and_role"),
    ("luoshi/cases/sla.py", r"^used_share: .* :: used / total_days → used \* total_days$",
     "luoshi/cases/tests/test_spec_sla.py::test_share_of_the_limit_used"),
    ("luoshi/cases/sla.py", r"^light: .* :: now >= (due_at|warn_at) → now > (due_at|warn_at)$",
     "luoshi/cases/tests/test_spec_sla.py::test_the_light_the_minute_before_at_and_after_each_moment"),
    ("luoshi/tasks/lights.py", r"^compute: .* :: left <= t\.yellow_days_left → left < t\.yellow_days_left$",
     f"{TL}::test_light_at_each_threshold"),
    ("luoshi/tasks/lights.py", r"^compute: .* :: lag >= t\.red_lag → lag > t\.red_lag$",
     f"{TL}::test_light_at_each_threshold"),
    (CL, r"^Thresholds: yellow_days_left: int = 3 .* :: 3 → [24]$", f"{TL}::test_light_at_each_threshold"),
    (CL, r"^Thresholds: red_lag: int = 30 .* :: 30 → (29|31)$", f"{TL}::test_light_at_each_threshold"),
    (CL, r"^time_progress: if total <= 0: :: ", f"{TL}::test_time_progress"),
    ("luoshi/org/scope.py", r"^Scope\.unit_q: q \|= .* → q = Q",
     "luoshi/org/tests/test_spec_scope.py::test_roles_in_two_separate_subtrees_see_both"),
    ("luoshi/org/scope.py", r"^scope_for: .*unit__is_active=True\) :: (unit__is_active=True → without|True → False)",
     "luoshi/org/tests/test_spec_scope.py::test_a_grant_at_a_deactivated_unit_gives_nothing"),
    ("luoshi/org/scope.py", r"^forget_scope: delattr\(user, _CACHE_ATTR\) :: .* → pass$",
     "luoshi/org/tests/test_spec_scope.py::test_the_scope_is_cached_until_forgotten"),
    ("luoshi/indicators/computations.py", r"^yoy_points: if current is None or previous is None: :: ",
     "luoshi/indicators/tests/test_spec_computations.py::test_year_over_year_change_of_a_ratio_in_points"),
]  # fmt: skip

#: What the issue named that is no longer a mutant, and why.
NAMED_NOTES = [
    "`worst()` in luoshi/tasks/lights.py had no caller: removed (and `SEVERITY`, used only by it and a test).",
    "The 千克/千米/千瓦/千瓦时 exception in `numbers.split_unit` could never be told apart from its absence "
    "(reading 千 as the multiplier gives the same 1000 × 克/米/瓦/瓦时): removed; the four units and their 万 "
    "multiples are pinned by `luoshi/indicators/tests/test_spec_numbers.py::test_what_each_unit_is_worth`.",
    "The light maths (`Thresholds`, `time_progress`) moved from luoshi/tasks/lights.py to luoshi/core/lights.py "
    "(key projects): their mutants are checked there.",
]

#: Module-level names not mutated: ``__all__`` and the dictionaries of UI text (button labels,
#: timeline verbs), which are wording pinned by the catalogue tests, not rules.
SKIP_ASSIGNMENTS = frozenset({"__all__", "ACTION_LABELS", "ACTION_VERBS", "ACTION_BUTTONS", "COMMENT_LABELS"})
SKIP_CALLS = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "ngettext",
        "ngettext_lazy",
        "ValueError",
        "KeyError",
        "TypeError",
        "RuntimeError",
    }
)
BINOP_SWAPS: dict[type[ast.operator], list[type[ast.operator]]] = {
    ast.Add: [ast.Sub],
    ast.Sub: [ast.Add],
    ast.Mult: [ast.Div],
    ast.Div: [ast.Mult],
    ast.FloorDiv: [ast.Div],
    ast.Mod: [ast.FloorDiv],
    ast.Pow: [ast.Mult],
    ast.BitAnd: [ast.BitOr],
    ast.BitOr: [ast.BitAnd],
    ast.BitXor: [ast.BitOr],
    ast.LShift: [ast.RShift],
    ast.RShift: [ast.LShift],
}
CMP_SWAPS: dict[type[ast.cmpop], list[type[ast.cmpop]]] = {
    ast.Lt: [ast.LtE],
    ast.LtE: [ast.Lt],
    ast.Gt: [ast.GtE],
    ast.GtE: [ast.Gt],
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
    ast.Is: [ast.IsNot],
    ast.IsNot: [ast.Is],
}
NAME_SWAPS = {"max": "min", "min": "max", "any": "all", "all": "any"}


# --- listing the mutants -----------------------------------------------------------


@dataclass
class Mutant:
    index: int
    line: int  # first line of the mutated node
    stmt_lines: tuple[int, int]  # the lines of the statement (header) it sits in, for coverage
    where: str  # enclosing class.function, or <module>
    before: str
    after: str
    apply: Callable[[], None] = field(repr=False)
    text: str = ""  # the source line it sits on, stripped
    key: str = ""  # stable id: where, line text, before → after (+ #n when repeated); no line numbers

    def label(self) -> str:
        if self.before in self.text:
            return f"L{self.line} {self.where}: `{self.before}` → `{self.after}`"
        return f"L{self.line} {self.where}: `{self.before}` → `{self.after}` in `{_short(self.text)}`"


def _short(node: ast.AST | str) -> str:
    text = node if isinstance(node, str) else ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87] + "…"


def _is_docstring(node: ast.AST, parent: ast.AST | None) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and isinstance(parent, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and parent.body
        and parent.body[0] is node
    )


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _header_lines(stmt: ast.stmt) -> tuple[int, int]:
    body = getattr(stmt, "body", None)
    end = stmt.end_lineno or stmt.lineno
    if isinstance(body, list) and body and isinstance(body[0], ast.AST):
        end = max(stmt.lineno, body[0].lineno - 1)
    return stmt.lineno, end


class _Collector:
    def __init__(self, source: str) -> None:
        self.source_lines = source.splitlines()
        self.mutants: list[Mutant] = []
        self.where: list[str] = []
        self.stmt: ast.stmt | None = None

    def _skip_line(self, node: ast.AST) -> bool:
        line = getattr(node, "lineno", None)
        return line is not None and "pragma: no mutate" in self.source_lines[line - 1]

    def add(self, node: ast.AST, before: ast.AST | str, after: ast.AST | str, apply: Callable[[], None]) -> None:
        if self._skip_line(node):
            return
        stmt = self.stmt
        lines = _header_lines(stmt) if stmt is not None else (node.lineno, node.lineno)  # type: ignore[attr-defined]
        self.mutants.append(
            Mutant(
                index=len(self.mutants),
                line=node.lineno,  # type: ignore[attr-defined]
                stmt_lines=lines,
                where=".".join(self.where) or "<module>",
                before=_short(before),
                after=_short(after),
                apply=apply,
                text=self.source_lines[node.lineno - 1].strip(),  # type: ignore[attr-defined]
            )
        )

    # The walk: every node once, in a fixed order (so a child process finds mutant N again).
    def visit(self, node: ast.AST, parent: ast.AST | None = None) -> None:
        if _is_docstring(node, parent):
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            return
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in SKIP_ASSIGNMENTS for t in targets):
                return
        if isinstance(node, ast.Call) and _call_name(node) in SKIP_CALLS:
            return
        pushed = False
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.where.append(node.name)
            pushed = True
        saved_stmt = self.stmt
        if isinstance(node, ast.stmt):
            self.stmt = node
        self.mutate(node, parent)
        for name, value in ast.iter_fields(node):
            if name in {"annotation", "returns", "type_comment", "decorator_list"}:
                continue
            if isinstance(node, ast.arguments) and name in {"posonlyargs", "args", "kwonlyargs", "vararg", "kwarg"}:
                continue
            if isinstance(value, list):
                for item in list(value):
                    if isinstance(item, ast.AST):
                        self.visit(item, node)
            elif isinstance(value, ast.AST):
                self.visit(value, node)
        self.stmt = saved_stmt
        if pushed:
            self.where.pop()

    def mutate(self, node: ast.AST, parent: ast.AST | None) -> None:
        if isinstance(node, ast.BinOp):
            for new in BINOP_SWAPS.get(type(node.op), []):
                after = ast.BinOp(left=node.left, op=new(), right=node.right)
                self.add(node, node, after, _setter(node, "op", new()))
        elif isinstance(node, ast.AugAssign):
            for new in BINOP_SWAPS.get(type(node.op), []):
                after = ast.AugAssign(target=node.target, op=new(), value=node.value)
                self.add(node, node, after, _setter(node, "op", new()))
            plain = ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)
            self.add(node, node, plain, _replace_in_parent(parent, node, plain))
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                for new in CMP_SWAPS.get(type(op), []):
                    ops = list(node.ops)
                    ops[i] = new()
                    after = ast.Compare(left=node.left, ops=ops, comparators=node.comparators)
                    self.add(node, node, after, _setter(node, "ops", ops))
        elif isinstance(node, ast.BoolOp):
            new_op: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            self.add(node, node, ast.BoolOp(op=new_op, values=node.values), _setter(node, "op", new_op))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
            self.add(node, node, node.operand, _replace_in_parent(parent, node, node.operand))
        elif isinstance(node, ast.Constant):
            self.mutate_constant(node)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set) and len(node.elts) >= 2:
            if not isinstance(node, ast.Set) and isinstance(node.ctx, ast.Store):
                return
            for i in range(len(node.elts)):
                elts = node.elts[:i] + node.elts[i + 1 :]
                after = f"without {_short(node.elts[i])}"
                self.add(node.elts[i], node, after, _setter(node, "elts", elts))
        elif isinstance(node, ast.Dict) and len(node.keys) >= 2:
            for i in range(len(node.keys)):
                if node.keys[i] is None:
                    continue
                keys = node.keys[:i] + node.keys[i + 1 :]
                values = node.values[:i] + node.values[i + 1 :]
                after = f"without {_short(node.keys[i])}: …"
                self.add(node.keys[i], f"{{{_short(node.keys[i])}: {_short(node.values[i])}, …}}", after,
                         _setter_many(node, keys=keys, values=values))  # fmt: skip
        elif isinstance(node, ast.Call):
            for i, kw in enumerate(node.keywords):
                if kw.arg is None:
                    continue
                keywords = node.keywords[:i] + node.keywords[i + 1 :]
                self.add(
                    node, f"{kw.arg}={_short(kw.value)}", f"without {kw.arg}=", _setter(node, "keywords", keywords)
                )
            if isinstance(node.func, ast.Name) and node.func.id in NAME_SWAPS:
                other = NAME_SWAPS[node.func.id]
                self.add(node, node.func.id + "(…)", other + "(…)", _setter(node.func, "id", other))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.add(node, node, "pass", _replace_in_parent(parent, node, ast.Pass()))
        elif isinstance(node, ast.Break):
            self.add(node, "break", "continue", _replace_in_parent(parent, node, ast.Continue()))
        elif isinstance(node, ast.Continue):
            self.add(node, "continue", "break", _replace_in_parent(parent, node, ast.Break()))

    def mutate_constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(node, repr(value), repr(not value), _setter(node, "value", not value))
        elif isinstance(value, int):
            for new in sorted({value + 1, value - 1} - {value}):
                if new < 0 <= value:
                    continue
                self.add(node, repr(value), repr(new), _setter(node, "value", new))
        elif isinstance(value, float):
            for new in (value + 1, value / 2 if value else 1.0):
                self.add(node, repr(value), repr(new), _setter(node, "value", new))
        elif isinstance(value, str):
            new_s = "XX" + value + "XX"
            self.add(node, _short(repr(value)), _short(repr(new_s)), _setter(node, "value", new_s))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _setter(node: ast.AST, attr: str, value: Any) -> Callable[[], None]:
    return lambda: setattr(node, attr, value)


def _setter_many(node: ast.AST, **values: Any) -> Callable[[], None]:
    def apply() -> None:
        for attr, value in values.items():
            setattr(node, attr, value)

    return apply


def _replace_in_parent(parent: ast.AST | None, old: ast.AST, new: ast.AST) -> Callable[[], None]:
    def apply() -> None:
        assert parent is not None
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return
        raise LookupError("node not found in its parent")

    return apply


def list_mutants(source: str) -> tuple[ast.Module, list[Mutant]]:
    tree = ast.parse(source)
    collector = _Collector(source)
    collector.visit(tree)
    seen: dict[str, int] = {}
    for m in collector.mutants:
        base = f"{m.where}: {m.text} :: {m.before} → {m.after}"
        n = seen.get(base, 0) + 1
        seen[base] = n
        m.key = base if n == 1 else f"{base} #{n}"
    return tree, collector.mutants


def mutated_code(path: Path, index: int) -> Any:
    tree, mutants = list_mutants(path.read_text(encoding="utf-8"))
    mutants[index].apply()
    ast.fix_missing_locations(tree)
    return compile(tree, str(path), "exec")


# --- the child process: serve the mutant under the real module name, run pytest ----------------


class _MutantLoader(importlib.abc.Loader):
    def __init__(self, path: Path, code: Any, flag: str | None) -> None:
        self.path, self.code, self.flag = path, code, flag

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        module.__file__ = str(self.path)
        if self.flag:
            Path(self.flag).touch()
        exec(self.code, module.__dict__)  # noqa: S102 - the point of this tool


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, loader: _MutantLoader) -> None:
        self.name, self.loader = name, loader

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        return importlib.util.spec_from_loader(fullname, self.loader, origin=str(self.loader.path))


def module_name(rel: str) -> str:
    return rel.removesuffix(".py").replace("/", ".")


def child(rel: str, index: int, pytest_args: list[str]) -> int:
    """Fresh-process mode: serve mutant ``index`` under the real module name, then run pytest."""
    import pytest

    path = ROOT / rel
    flag = os.environ.get("LUOSHI_MUTANT_FLAG")
    code = mutated_code(path, index)
    sys.meta_path.insert(0, _MutantFinder(module_name(rel), _MutantLoader(path, code, flag)))
    return int(pytest.main(pytest_args))


def _line_tracer(target: str, lines: set[int]) -> Callable[..., Any]:
    def local(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            lines.add(frame.f_lineno)
        return local

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == target:
            lines.add(frame.f_lineno)
            return local
        return None

    return tracer


def _swap_in(rel: str, code: Any) -> None:
    """Run ``code`` as module ``rel`` again, in its own namespace, and point every name other
    modules imported from it (``from x import f``) at the new objects."""
    module = sys.modules[module_name(rel)]
    old = dict(module.__dict__)
    exec(code, module.__dict__)  # noqa: S102 - the point of this tool
    new = module.__dict__
    # Instances made from the old classes at import (a test module's ``CAL = WorkCalendar(...)``)
    # are given the new class, so they run the mutated methods.
    classes = {
        id(value): new[name]
        for name, value in old.items()
        if isinstance(value, type) and isinstance(new.get(name), type) and new[name] is not value
    }
    for other in list(sys.modules.values()):
        namespace = getattr(other, "__dict__", None)
        if other is module or not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            if name in old and value is old[name] and new.get(name) is not value:
                namespace[name] = new[name]
            elif id(type(value)) in classes:
                with contextlib.suppress(TypeError):
                    object.__setattr__(value, "__class__", classes[id(type(value))])


class _ForkLoop:
    """Fork mode: pytest collects once; every mutant then runs in a process forked from that
    state (so nothing a test caches survives into the next mutant), with the module's code
    replaced before any test runs."""

    def __init__(self, rel: str, todo: list[int], out: Path, timeout: float) -> None:
        self.rel, self.todo, self.out, self.timeout = rel, todo, out, timeout

    def _write(self, record: dict[str, Any]) -> None:
        with self.out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    def _run_items(self, session: Any) -> str:
        items = session.items
        for i, item in enumerate(items):
            before = session.testsfailed
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=items[i + 1] if i + 1 < len(items) else None)
            if session.testsfailed > before:
                return item.nodeid
        return ""

    def _fork(self, session: Any, index: int) -> dict[str, Any]:
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: apply the mutant, run the tests, report, leave without cleanup
            status, detail = 0, ""
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                path = ROOT / self.rel
                if index < 0:  # baseline: the module's own code, recording the lines that run
                    lines: set[int] = set()
                    tracer = _line_tracer(str(path), lines)
                    sys.settrace(tracer)
                    import threading

                    threading.settrace(tracer)
                    _swap_in(self.rel, compile(path.read_text(encoding="utf-8"), str(path), "exec"))
                    failed = self._run_items(session)
                    sys.settrace(None)
                    status, detail = (1 if failed else 0), failed or json.dumps(sorted(lines))
                else:
                    try:
                        _swap_in(self.rel, mutated_code(path, index))
                    except Exception as exc:  # noqa: BLE001 - the mutant breaks the module itself
                        status, detail = 2, f"import: {type(exc).__name__}"
                    else:
                        failed = self._run_items(session)
                        status, detail = (1 if failed else 0), failed
            except BaseException as exc:  # noqa: BLE001
                status, detail = 3, f"{type(exc).__name__}: {exc}"
            self._write({"index": index, "exit": status, "detail": detail, "seconds": time.monotonic() - started})
            os._exit(0)
        deadline = started + self.timeout
        while True:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return {}
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return {"index": index, "exit": None, "detail": "timeout", "seconds": time.monotonic() - started}
            time.sleep(0.02)

    def pytest_runtestloop(self, session: Any) -> bool:
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            return True
        for index in self.todo:
            record = self._fork(session, index)
            if record:
                self._write(record)
        return True


def serve(rel: str, pytest_args: list[str]) -> int:
    """Fork mode's parent: collect once, then fork a child per mutant in ``LUOSHI_MUTANT_TODO``."""
    import pytest

    todo = [int(i) for i in os.environ["LUOSHI_MUTANT_TODO"].split(",") if i]
    loop = _ForkLoop(rel, todo, Path(os.environ["LUOSHI_MUTANT_OUT"]), float(os.environ["LUOSHI_MUTANT_TIMEOUT"]))
    return int(pytest.main(pytest_args, plugins=[loop]))


# --- the parent: run every mutant, keep the results, write the report ----------------------------


@dataclass
class Outcome:
    status: str  # killed, timeout, survived, not_covered, error
    seconds: float
    detail: str = ""


def pytest_args(tests: list[str], extra: list[str] | None = None) -> list[str]:
    return ["-x", "-q", "-n", "0", "-p", "no:randomly", "--no-header", "-o", "addopts=", *(extra or []), *tests]


_SLOTS: queue.Queue[int] = queue.Queue()


def run_child(rel: str, index: int, tests: list[str], timeout: float) -> tuple[int | None, float, str]:
    slot = _SLOTS.get()
    try:
        return _run_child(rel, index, tests, timeout, slot)
    finally:
        _SLOTS.put(slot)


def _run_child(rel: str, index: int, tests: list[str], timeout: float, slot: int) -> tuple[int | None, float, str]:
    flag = STATE_DIR / f"flag-{os.getpid()}-{index}"
    flag.unlink(missing_ok=True)
    env = {**_child_env(slot), "LUOSHI_MUTANT_FLAG": str(flag)}
    args = pytest_args(tests, ["--reuse-db"])
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", rel, str(index), "--", *args]
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        code = None
    elapsed = time.monotonic() - started
    text = out.decode("utf-8", "replace")
    loaded = flag.exists()
    flag.unlink(missing_ok=True)
    if index >= 0 and not loaded and code == 0:
        return -1, elapsed, text  # the tests never imported the module: a setup mistake
    return code, elapsed, text


def _sha(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode())
    return h.hexdigest()[:16]


def _serve(rel: str, todo: list[int], tests: list[str], timeout: float, slot: int) -> list[dict[str, Any]]:
    out = STATE_DIR / f"out-{os.getpid()}-{slot}.jsonl"
    out.unlink(missing_ok=True)
    env = {
        **_child_env(slot),
        "LUOSHI_MUTANT_TODO": ",".join(str(i) for i in todo),
        "LUOSHI_MUTANT_OUT": str(out),
        "LUOSHI_MUTANT_TIMEOUT": str(timeout),
    }
    cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", rel, "--", *pytest_args(tests, ["--reuse-db"])]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    records = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    out.unlink(missing_ok=True)
    if proc.returncode not in (0, 5) and not records:
        raise SystemExit(f"{rel}: pytest could not collect the tests:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return records


def _child_env(slot: int) -> dict[str, str]:
    # Each side-by-side slot keeps its own SQLite test database between children (made once
    # per invocation: the schema does not depend on the rule modules), which saves the
    # migrations on every mutant; the tests roll back their transactions.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "LUOSHI_TEST_SQLITE": str(STATE_DIR / f"test-{slot}.sqlite3")}
    env.pop("DATABASE_URL", None)
    return env


def run_module(rel: str, *, jobs: int, survivors_only: bool, fresh: bool, log: Callable[[str], None]) -> dict[str, Any]:
    tests = [t for t in MODULES[rel] if (ROOT / t).exists()]
    for missing in sorted(set(MODULES[rel]) - set(tests)):
        log(f"{rel}: no test file {missing}")
    source = (ROOT / rel).read_text(encoding="utf-8")
    _, mutants = list_mutants(source)
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    state_file = STATE_DIR / (rel.replace("/", "__") + ".json")
    src_sha = _sha(source)
    previous: dict[str, Any] = {}
    if state_file.exists() and not fresh:
        old = json.loads(state_file.read_text())
        if old.get("source") == src_sha:
            previous = old.get("results", {})

    started = time.monotonic()
    baseline = _serve(rel, [-1], tests, 1800, 0)
    if not baseline or baseline[0]["exit"] != 0:
        raise SystemExit(f"{rel}: the tests fail without any mutant: {baseline}")
    base_seconds = time.monotonic() - started
    covered = set(json.loads(baseline[0]["detail"]))
    timeout = max(20.0, baseline[0]["seconds"] * 3 + 10)
    mode = "fresh process" if rel in FRESH_PROCESS else "fork"
    log(f"{rel}: {len(mutants)} mutants, baseline {base_seconds:.1f} s, {mode}, tests: {' '.join(tests)}")

    results: dict[str, Any] = dict(previous)
    by_index = {m.index: m for m in mutants}

    def record(m: Mutant, outcome: Outcome) -> None:
        results[m.key] = {
            "status": outcome.status,
            "seconds": round(outcome.seconds, 2),
            "detail": outcome.detail,
            "label": m.label(),
        }
        if outcome.status not in {"killed", "timeout"}:
            log(f"  {outcome.status}: {m.label()}")
            if outcome.status == "error":
                log(outcome.detail)

    todo: list[Mutant] = []
    for m in mutants:
        prev = previous.get(m.key)
        if prev and not fresh:
            if survivors_only and prev["status"] not in {"survived", "not_covered", "error"}:
                continue
            if not survivors_only and prev["status"] in {"killed", "timeout"}:
                continue
        if not any(line in covered for line in range(m.stmt_lines[0], m.stmt_lines[1] + 1)):
            record(m, Outcome("not_covered", 0.0))
            continue
        todo.append(m)

    def from_exit(exit_code: int | None, seconds: float, detail: str) -> Outcome:
        if exit_code is None:
            return Outcome("timeout", seconds)
        if exit_code == 0:
            return Outcome("survived", seconds)
        if exit_code in (1, 2):
            return Outcome("killed", seconds, detail)
        return Outcome("error", seconds, detail[-2000:])

    if rel in FRESH_PROCESS:

        def one(m: Mutant) -> tuple[Mutant, Outcome]:
            exit_code, seconds, out = run_child(rel, m.index, tests, timeout)
            failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", out, flags=re.M)
            return m, from_exit(exit_code, seconds, failed[0] if failed else out)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for m, outcome in pool.map(one, todo):
                record(m, outcome)
    else:
        chunks = [[m.index for m in todo[i::jobs]] for i in range(jobs)]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for records in pool.map(lambda c: _serve(rel, c[1], tests, timeout, c[0]) if c[1] else [],
                                    enumerate(chunks)):  # fmt: skip
                for r in records:
                    record(by_index[r["index"]], from_exit(r["exit"], r["seconds"], r["detail"]))
    for m in todo:
        if m.key not in results or (results[m.key] is previous.get(m.key)):
            record(m, Outcome("error", 0.0, "no result (the test process died)"))
    keys = {m.key for m in mutants}
    results = {k: v for k, v in results.items() if k in keys}
    state_file.write_text(json.dumps({"source": src_sha, "results": results}, ensure_ascii=False, indent=1))
    return {"module": rel, "mutants": mutants, "results": results, "baseline": base_seconds, "tests": tests}


def summarise(run: dict[str, Any]) -> dict[str, Any]:
    results = run["results"]
    counts = {"killed": 0, "timeout": 0, "survived": 0, "not_covered": 0, "error": 0, "equivalent": 0}
    survivors: list[str] = []
    equivalents: list[tuple[str, str]] = []
    for m in run["mutants"]:
        r = results.get(m.key, {"status": "error"})
        status = r["status"]
        if status in {"survived", "not_covered"} and m.key in EQUIVALENT:
            counts["equivalent"] += 1
            equivalents.append((r["label"], EQUIVALENT[m.key]))
            continue
        counts[status] += 1
        if status in {"survived", "not_covered", "error"}:
            survivors.append(f"{r['label']} ({status.replace('_', ' ')})")
    total = len(run["mutants"]) - counts["equivalent"]
    killed = counts["killed"] + counts["timeout"]
    score = 100.0 * killed / total if total else 100.0
    return {**counts, "total": len(run["mutants"]), "score": score, "survivors": survivors, "equivalents": equivalents}


def write_results(runs: list[dict[str, Any]], command: str, seconds: float, named: list[str]) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    lines = [
        "# Mutation testing of the core rule modules",
        "",
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC at commit `{commit}`, {seconds / 60:.0f} minutes, with:",
        "",
        f"    {command}",
        "",
        "How it works and how to run it: docs/testing.md and the docstring of bench/mutation.py. A mutant",
        "is killed when its tests fail, time out or the module stops importing; the score is",
        "killed / (mutants − equivalent).",
        "",
        "| module | mutants | killed | timed out | survived | not covered | equivalent | score | tests | mode |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    details: list[str] = []
    for run in runs:
        s = summarise(run)
        tests = ", ".join(f"`{Path(t).name}`" for t in run["tests"])
        lines.append(
            f"| `{run['module']}` | {s['total']} | {s['killed']} | {s['timeout']} | {s['survived']} | "
            f"{s['not_covered']} | {s['equivalent']} | **{s['score']:.1f} %** | {tests} | "
            f"{'fresh interpreter' if run['module'] in FRESH_PROCESS else 'fork'} |"
        )
        details.append(f"### `{run['module']}`")
        details.append("")
        if s["equivalents"]:
            details.append("Equivalent (not counted):")
            details.append("")
            details.extend(f"- {label} — {reason}" for label, reason in s["equivalents"])
            details.append("")
        if s["survivors"]:
            details.append("Surviving, not judged equivalent (counted against the score):")
            details.append("")
            details.extend(f"- {label}" for label in s["survivors"])
            details.append("")
        if not s["equivalents"] and not s["survivors"]:
            details.append("Every mutant killed.")
            details.append("")
    lines += ["", "## The survivors the issue named, and the test that kills each", ""]
    lines += [
        "Each mutant below ran once more, in a fresh process, against the one test named (`--check-named`).",
        "",
    ]
    lines += named or ["(not checked in this run: `bench/mutation.py --check-named`)"]
    lines += ["", *[f"- {note}" for note in NAMED_NOTES]]
    lines += ["", "## Survivors per module", "", *details]
    RESULTS.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def stale_entries() -> list[str]:
    """EQUIVALENT and NAMED entries that no longer match a mutant (the code changed under them)."""
    keys: dict[str, set[str]] = {
        rel: {m.key for m in list_mutants((ROOT / rel).read_text("utf-8"))[1]} for rel in MODULES
    }
    everything = set().union(*keys.values())
    stale = [f"EQUIVALENT: {key}" for key in EQUIVALENT if key not in everything]
    stale += [
        f"NAMED: {rel} {pattern}" for rel, pattern, _ in NAMED if not any(re.search(pattern, k) for k in keys[rel])
    ]
    return stale


def check_named(log: Callable[[str], None]) -> tuple[list[str], bool]:
    """Run each survivor the issue names against the one test said to kill it."""
    rows: list[str] = ["| module | mutant | killed by | result |", "|---|---|---|---|"]
    ok = True
    cache: dict[str, list[Mutant]] = {}
    for rel, pattern, test in NAMED:
        if rel not in cache:
            cache[rel] = list_mutants((ROOT / rel).read_text(encoding="utf-8"))[1]
        matches = [m for m in cache[rel] if re.search(pattern, m.key)]
        if not matches:
            rows.append(f"| `{rel}` | `{pattern}` | `{test}` | no such mutant (the code changed?) |")
            ok = False
            continue
        for m in matches:
            code, _, _ = run_child(rel, m.index, [test], timeout=600)
            result = "killed" if code in (1, 2) else ("timed out" if code is None else f"NOT killed (exit {code})")
            ok = ok and result in {"killed", "timed out"}
            label = m.label().replace("|", "\\|")
            rows.append(f"| `{rel}` | {label} | `{test}` | {result} |")
            log(f"{result}: {m.label()} by {test}")
    return rows, ok


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--serve"]:
        return serve(argv[1], argv[argv.index("--") + 1 :])
    if argv[:1] == ["--child"]:
        rel, index = argv[1], int(argv[2])
        rest = argv[argv.index("--") + 1 :]
        return child(rel, index, rest)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="rule modules (default: all in MODULES)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="mutants run side by side (default 1)")
    parser.add_argument("--survivors", action="store_true", help="rerun only last run's survivors")
    parser.add_argument("--fresh", action="store_true", help="ignore earlier results")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--record", action="store_true", help="write bench/RESULTS-mutation.md (default: all modules)")
    parser.add_argument("--check-named", action="store_true", help="only check the issue's named survivors")
    parser.add_argument("--stale", action="store_true", help="list EQUIVALENT and NAMED entries matching no mutant")
    args = parser.parse_args(argv)
    modules = args.modules or list(MODULES)
    for rel in modules:
        if rel not in MODULES:
            parser.error(f"{rel} is not in MODULES (add it with its test files)")

    def log(text: str) -> None:
        print(text, flush=True)

    if args.stale:
        stale = stale_entries()
        for entry in stale:
            log(entry)
        return 1 if stale else 0
    if args.list:
        for rel in modules:
            for m in list_mutants((ROOT / rel).read_text(encoding="utf-8"))[1]:
                log(f"{rel}#{m.index} {m.label()}\n    key: {m.key}")
        return 0
    if args.check_named:
        _SLOTS.put(0)
        _, ok = check_named(log)
        return 0 if ok else 1
    started = time.monotonic()
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    for slot in range(max(1, args.jobs)):
        for suffix in ("", "-wal", "-shm"):
            (STATE_DIR / f"test-{slot}.sqlite3{suffix}").unlink(missing_ok=True)
        _SLOTS.put(slot)
    runs = [
        run_module(rel, jobs=args.jobs, survivors_only=args.survivors, fresh=args.fresh, log=log) for rel in modules
    ]
    for run in runs:
        s = summarise(run)
        log(f"{run['module']}: {s['score']:.1f} % ({s['killed'] + s['timeout']} killed of {s['total']}, "
            f"{s['equivalent']} equivalent, {len(s['survivors'])} left)")  # fmt: skip
    if args.record or not args.modules:
        named, _ = check_named(log)
        command = os.environ.get("LUOSHI_MUTATION_COMMAND") or " ".join([".venv/bin/python bench/mutation.py", *argv])
        write_results(runs, command, time.monotonic() - started, named)
        log(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
