"""examples/smoke.py, the read-only health check the 0.1 README names, run as a user runs it
(`LLMWISE_API_KEY=mm_sk_... python examples/smoke.py`) against a sandbox server."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from llmwise.sandbox import SandboxServer

ROOT = Path(__file__).resolve().parent.parent
SMOKE = ROOT / "examples" / "smoke.py"


def read_only_endpoints() -> list[str]:
    """Every `GET` of docs/endpoints.tsv that needs no id."""
    with (ROOT / "docs" / "endpoints.tsv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    return [f"GET {r['path']}" for r in rows if r["http_method"] == "GET" and "{" not in r["path"]]


def smoke(server: SandboxServer | None, key: str | None = "mm_sk_...") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMWISE_")}
    if server is not None:
        env["LLMWISE_BASE_URL"] = server.base_url
    if key is not None:
        env["LLMWISE_API_KEY"] = key
    return subprocess.run(
        [sys.executable, str(SMOKE)], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_smoke_calls_every_read_only_endpoint_once(sandbox_server: SandboxServer) -> None:
    sb = sandbox_server.sandbox
    sb.reset()
    done = smoke(sandbox_server)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == f"smoke: {sandbox_server.base_url}"
    assert lines[-1] == f"smoke: {len(lines) - 2} calls, 0 failed"
    results = [line.split(None, 3) for line in lines[1:-1]]
    assert all(status == "OK" for status, *_ in results), done.stdout
    labels = [f"{method} {path}" for _, method, path, *_ in results]
    assert sorted(labels) == sorted(read_only_endpoints())
    # Read-only: one GET per line, nothing else sent, nothing charged.
    assert [f"{r.method} {r.path}" for r in sb.requests] == labels
    assert sb.credits == 1000


def test_smoke_reports_a_failing_call_and_exits_1(sandbox_server: SandboxServer) -> None:
    sb = sandbox_server.sandbox
    sb.reset()
    sb.server_error(status=500, times=3, path="/credits/wallet")  # the first try and both retries
    done = smoke(sandbox_server)
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and failed[0].split()[1:3] == ["GET", "/credits/wallet"]
    assert "InternalServerError" in failed[0]
    assert done.stdout.splitlines()[-1].endswith("calls, 1 failed")


def test_smoke_without_a_key_says_so() -> None:
    done = smoke(None, key=None)
    assert done.returncode == 2
    assert "LLMWISE_API_KEY" in done.stdout
