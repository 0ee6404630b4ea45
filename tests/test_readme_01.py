"""Every example of the 0.1 README runs unmodified on 1.x: each file of tests/readme_01 (the README's
```python blocks, byte for byte) runs as a script against a sandbox server, found through
`LLMWISE_BASE_URL` as a 0.1 user would point it, and prints what it means to print."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from llmwise import LLMWise
from llmwise.sandbox import Sandbox, SandboxServer
from readme_01 import extract
from support import KEY

EXAMPLES = sorted(extract.HERE.glob("readme01_*.py"))


def test_the_examples_are_the_readme_blocks_verbatim() -> None:
    expected = extract.expected()
    assert len(expected) == 8
    assert [p.name for p in EXAMPLES] == sorted(expected)
    for path in EXAMPLES:
        assert path.read_text(encoding="utf-8") == expected[path.name], (
            f"{path.name} differs from README-0.1.md: the examples must stay unmodified"
        )


def typed_client(sb: Sandbox) -> LLMWise:
    """A 1.x client on the server's sandbox, to prepare state and look at it."""
    return LLMWise(KEY, base_url="http://sandbox", http_client=httpx.Client(transport=sb.transport()))


def ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def chats(n: int) -> Callable[[Sandbox], None]:
    def prepare(sb: Sandbox) -> None:
        client = typed_client(sb)
        for i in range(n):
            client.chat.create(model="gpt-5.2", messages=[{"role": "user", "content": f"Question {i}"}])

    return prepare


def failing_primary(sb: Sandbox) -> None:
    # So the failover example really fails over (and sees route/trace events).
    sb.set_model("claude-sonnet-4.5", fail_status=429)


def check_quickstart(out: str, sb: Sandbox) -> None:
    messages = ask("Write a haiku about rate limits.")
    (sent,) = [r for r in sb.requests if r.path == "/chat"]
    assert sent.json == {"model": "auto", "messages": messages, "stream": False}
    assert out.endswith("\n") and out.count("\n") == 1
    assert out[:-1] in {sb.model_text(m.id, messages) for m in sb.models}, out


def check_streaming(out: str, sb: Sandbox) -> None:
    text = sb.model_text("claude-sonnet-4.5", ask("Explain recursion to a 10-year-old."))
    assert out == f"{text}\n\ncharged=1 remaining=999\n"


def check_failover(out: str, sb: Sandbox) -> None:
    assert out == sb.model_text("gpt-5.2", ask("Summarize this in 3 bullets: ..."))
    (sent,) = [r for r in sb.requests if r.path == "/chat"]
    assert sent.json["routing"] == {"fallback": ["gpt-5.2", "gemini-3-flash"], "strategy": "rate-limit"}


def check_compare(out: str, sb: Sandbox) -> None:
    models = ["gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash"]
    (line,) = out.splitlines()
    assert line.startswith("summary: event='summary' fastest=")
    assert all(f"'{m}': ModelStats(" in line for m in models)


def check_health(out: str, sb: Sandbox) -> None:
    lines = out.splitlines()
    assert lines[0] == f"models: {len(sb.models)}"
    assert lines[1].startswith("balance: credits=1000 ")
    assert lines[2].startswith("usage: days=7 requests=0 ")
    assert lines[3].startswith("conversations: <Page offset=0 items=0 total=0")
    assert len(lines) == 4


def check_lifecycle(out: str, sb: Sandbox) -> None:
    assert out == "history entries: 2\n"
    calls = [
        (r.method, r.path, r.query) for r in sb.requests if r.path.startswith(("/conversations", "/history"))
    ]
    assert [(m, re.sub(r"/conv_\w+", "/{id}", p), q) for m, p, q in calls] == [
        ("POST", "/conversations", {}),
        ("PATCH", "/conversations/{id}", {"title": "API smoke room"}),
        ("GET", "/history", {"limit": "10", "offset": "0"}),
        ("DELETE", "/conversations/{id}", {}),
    ]
    assert calls[1][1] == calls[3][1]


def check_credits(out: str, sb: Sandbox) -> None:
    lines = out.splitlines()
    assert lines[0].startswith("wallet: credits=999 ")
    assert re.match(r"recent usage: \[UsageRecord\(id='req_\w+', mode='chat'", lines[1]), lines[1]
    assert lines[2].startswith("packs: [CreditPack(id='pack_starter'")
    (recent,) = [r for r in sb.requests if r.path == "/usage/recent"]
    assert recent.query == {"limit": "5", "offset": "0", "days": "7"}


def check_settings(out: str, sb: Sandbox) -> None:
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["copilot", "privacy", "policy", "report"]
    assert "zero_retention_mode=False" in lines[1]
    assert lines[2].startswith("policy: goal='balanced'")
    assert lines[3].startswith("report: goal='balanced' days=1 ")


# Per example: how to prepare the sandbox, and what its output must be.
EXPECT: dict[str, tuple[Callable[[Sandbox], None], Callable[[str, Sandbox], None]]] = {
    "readme01_1_quickstart_chat.py": (chats(0), check_quickstart),
    "readme01_2_streaming_chat.py": (chats(0), check_streaming),
    "readme01_3_failover_chat_routing.py": (failing_primary, check_failover),
    "readme01_4_compare_2_models.py": (chats(0), check_compare),
    "readme01_5_dashboard_api_health_check_read_only.py": (chats(0), check_health),
    "readme01_6_conversation_lifecycle.py": (chats(2), check_lifecycle),
    "readme01_7_credits_cost.py": (chats(1), check_credits),
    "readme01_8_settings_and_optimization.py": (chats(0), check_settings),
}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_unmodified(path: Path, sandbox_server: SandboxServer) -> None:
    sb = sandbox_server.sandbox
    sb.reset()
    prepare, check = EXPECT[path.name]
    prepare(sb)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMWISE_")}
    # As the 0.1 README says: the key and the base URL come from the environment (the examples that
    # pass "mm_sk_..." themselves use it as the key: the sandbox takes any mm_sk_ key).
    env.update(LLMWISE_BASE_URL=sandbox_server.base_url, LLMWISE_API_KEY="mm_sk_...")
    done = subprocess.run(
        [sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    check(done.stdout, sb)
    # The 0.1 calls still work, and say what replaces them, pointing at the example's own lines.
    warned = re.findall(
        r"^(.*):\d+: DeprecationWarning: (\S+) is deprecated; use (client\.\S+)", done.stderr, re.M
    )
    assert warned and all(file == str(path) for file, _, _ in warned), done.stderr
