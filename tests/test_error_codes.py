"""No refusal code is a free string (issue 15): every ``code=`` given to an error is a member of
``core.errors.ErrorCode`` or of its app's ``error_codes`` enum, so one condition has one spelling
and a typo cannot invent a new code.

The check reads the source (no import): an error is a call that is raised, or whose callee is
named like one (``…Error``, ``…Failed``, ``Forbidden``, ``Conflict``, ``NotFound`` …); a
``default_code = "…"`` in a class body counts too. ``code="CD"`` given to a query or a demo
helper is a unit's or a project's code, not an error's, and is left alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "luoshi"
ERROR_NAMES = ("Error", "Failed", "Forbidden", "Conflict", "NotFound", "NotAuthenticated", "Unavailable")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _free_codes(source: str, label: str) -> list[str]:
    tree = ast.parse(source)
    raised = {id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc is not None}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (id(node) in raised or _name(node.func).endswith(ERROR_NAMES)):
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    found.append(f"{label}:{node.lineno}: code={kw.value.value!r}")
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and any(isinstance(t, ast.Name) and t.id == "default_code" for t in node.targets)
        ):
            found.append(f"{label}:{node.lineno}: default_code={node.value.value!r}")
    return found


def _sources() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py")) if "tests" not in p.parts and "migrations" not in p.parts]


def test_no_error_code_is_a_free_string() -> None:
    free = [hit for p in _sources() for hit in _free_codes(p.read_text(encoding="utf-8"), str(p.relative_to(ROOT)))]
    assert free == [], "use the app's error_codes enum (or core.errors.ErrorCode):\n" + "\n".join(free)


def test_the_check_finds_a_free_code() -> None:
    sample = 'raise Conflict(_("No."), code="wrong_state")\nValidationFailed("x", code="oops")\n'
    sample += 'Unit.objects.filter(code="CD")\nraise Conflict(code=TaskErrorCode.WRONG_STATE)\n'
    sample += 'class E(LuoshiError):\n    default_code = "gone"\n'
    assert _free_codes(sample, "sample.py") == [
        "sample.py:1: code='wrong_state'",
        "sample.py:2: code='oops'",
        "sample.py:6: default_code='gone'",
    ]
