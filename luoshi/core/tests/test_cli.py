from __future__ import annotations

import subprocess
import sys


def test_luoshi_help_lists_the_project_commands():
    result = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "--help"], capture_output=True, text=True, check=True, timeout=60
    )
    for command in ("demo", "loaddemo", "serve", "createadmin"):
        assert f"  {command} " in result.stdout
    assert "luoshi migrate" in result.stdout
