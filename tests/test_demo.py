"""examples/demo.py, the tour the README's first command runs, run as a user runs it (it starts its
own sandbox server on 127.0.0.1): every section, budgets, the fan-out and the ledger included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def test_the_demo_runs_and_its_progress_bar_is_silent_off_a_terminal() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMWISE_")}
    done = subprocess.run(
        [sys.executable, str(DEMO)], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""  # stderr is a pipe here: the fan-out's progress bar draws nothing
    out = done.stdout
    for title in ("== 10. Budgets", "== 11. Fan-out", "== 12. Judge bias controls", "== 13. The cost ledger"):
        assert title in out
    assert "refused: Budget exceeded, so nothing was sent: a blend call reserves 4 credits" in out
    assert "24 answered, 0 failed, in input order" in out
    # Credits as the sandbox settles them (reserve, then 1 credit a 100 tokens, at least 1 a call).
    assert "the same both ways: True (2 calls, 6 credits)" in out
    # 41 billable calls: the tour's 39 and section 6's parse, whose first answer is made invalid so
    # that its repair turn shows (two chat calls).
    assert "  total     41 calls     60 credits" in out
    assert out.rstrip().endswith("demo finished")
