"""Run every check the project has: ruff, the generated-code checks, mypy --strict, pyright's type
completeness of the public API, the transport and stream tests on httpx2 (scripts/httpx2_lane.py),
then pytest.

    python scripts/check.py            # everything (what CI runs)
    python scripts/check.py -k chat    # extra arguments go to pytest
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINTED = [p for p in ("src", "tests", "examples", "scripts", "benchmarks") if (ROOT / p).exists()]


def main(argv: list[str]) -> int:
    py = sys.executable
    static = [
        ("ruff", [py, "-m", "ruff", "check", *LINTED]),
        ("generated sync code is current", [py, "scripts/unasync.py", "--check"]),
        ("generated 0.1 stubs and migration table are current", [py, "scripts/gen_legacy.py", "--check"]),
        ("mypy --strict", [py, "-m", "mypy"]),
        ("type completeness (pyright --verifytypes)", [py, "scripts/type_completeness.py"]),
    ]
    failed = []
    for name, cmd in static:
        print(f"==> {name}: {' '.join(cmd[1:])}", flush=True)
        if subprocess.run(cmd, cwd=ROOT, check=False).returncode != 0:
            failed.append(name)
    if not argv:
        # The transport and stream tests again, with httpx2 in place of httpx (httpx2 needs 3.11+).
        if sys.version_info >= (3, 11):
            print("==> httpx2 lane: python scripts/httpx2_lane.py", flush=True)
            if subprocess.run([py, "scripts/httpx2_lane.py"], cwd=ROOT, check=False).returncode != 0:
                failed.append("httpx2 lane")
        else:
            print("==> httpx2 lane: not run (httpx2 needs Python 3.11+)", flush=True)
    if failed:
        print(f"==> FAILED: {', '.join(failed)}", flush=True)
    print("==> pytest", flush=True)
    # pytest runs last so that its summary line closes the output.
    tests = subprocess.run([py, "-m", "pytest", "-q", *argv], cwd=ROOT, check=False).returncode
    return 1 if failed or tests != 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
