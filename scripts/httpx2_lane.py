"""Run the transport and stream test modules with httpx2 in place of httpx.

    python scripts/httpx2_lane.py            # the lane's modules (scripts/check.py runs this)
    python scripts/httpx2_lane.py tests/     # or any pytest arguments: here, the whole suite

`httpx2.alias_httpx()` makes every `import httpx` of this process (the SDK's `llmwise._http`, the
tests, the sandbox) give httpx2, and `import httpcore` give httpcore2, before anything imports them.
So the same tests that hold the SDK to its contract on httpx hold it there on httpx2's classes, its
connection pool and its error types. tests/test_httpx2.py covers the other case, both libraries
in one process (a caller's httpx2 client beside the SDK's httpx).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The modules that send requests and read streams; the rest (types, docs, the CLI, packaging) do
# not touch the HTTP library.
LANE = [
    "tests/test_transport.py",
    "tests/test_raw_response.py",
    "tests/test_sse.py",
    "tests/test_stream_frames.py",
    "tests/test_chat.py",
    "tests/test_compare.py",
    "tests/test_blend.py",
    "tests/test_judge.py",
    "tests/reliability",
    "tests/drift/test_drift_streams.py",
]


def main(argv: list[str]) -> int:
    try:
        import httpx2
    except ImportError:
        print('httpx2 is not installed: pip install -e ".[dev]" (Python 3.11+)', file=sys.stderr)
        return 1
    if "httpx" in sys.modules:
        print("httpx was imported before the alias: the lane would not run on httpx2", file=sys.stderr)
        return 1
    httpx2.alias_httpx()
    import httpx
    import pytest

    assert httpx is httpx2, "the alias did not take"
    print(f"==> httpx2 lane: httpx is httpx2 {httpx2.__version__}", flush=True)
    args = argv or ["-q", *LANE]
    # httpcore2 imported anyio before pytest could rewrite its assertions: nothing of ours.
    return int(pytest.main(["-W", "ignore::pytest.PytestAssertRewriteWarning", "--rootdir", str(ROOT), *args]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
