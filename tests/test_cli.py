"""The `llmwise` command line, run as a subprocess against the shared sandbox server.

Every command runs in a real child process (`python -m llmwise ...`), as a user would run it: exit
status, stdout and stderr are what is checked. The layout functions are pure and tested directly.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from llmwise import LLMWise
from llmwise._cli._common import event_json
from llmwise._cli._console import terminal_size
from llmwise._cli._parser import BLEND_STRATEGIES, CHAT_STRATEGIES, command_index
from llmwise._cli._render import cell_width, number, side_by_side, table, wrap
from llmwise._streaming.compare import parse_compare_event
from llmwise.sandbox import Sandbox, SandboxServer, model_text
from llmwise.types.blend import BlendStrategy
from llmwise.types.chat import RoutingParam
from llmwise.types.judge import Verdict
from llmwise.types.shared import MessageParam

KEY = "mm_sk_cli_test_key_0123456789"
PROMPT = "Explain backpressure in one paragraph"
USER: list[MessageParam] = [{"role": "user", "content": PROMPT}]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ERROR_LINE = re.compile(r"^error: .+ \(status (\d{3}), request_id req_[0-9a-f]+\)$")


class Run(NamedTuple):
    """One command to run: its arguments, the exit status expected, environment changes."""

    args: list[str]
    code: int = 0
    env: dict[str, str] = {}
    script: str | None = None
    """Run this executable instead of `python -m llmwise`."""


class Cli:
    """Runs `python -m llmwise` against the shared sandbox server."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.sb: Sandbox = server.sandbox
        self.url = server.base_url

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LLMWISE_", "COLUMNS", "LINES"))}
        env.update({"LLMWISE_API_KEY": KEY, "LLMWISE_BASE_URL": self.url, "PYTHONUNBUFFERED": "1"})
        env.update(extra)
        return {k: v for k, v in env.items() if v}  # "" removes a variable

    def start(self, run: Run) -> subprocess.Popen[str]:
        command = [run.script] if run.script else [sys.executable, "-m", "llmwise"]
        return subprocess.Popen(
            [*command, *run.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(**run.env),
        )

    def run(self, *args: str, code: int = 0, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        """Run one command; check its exit status and that nothing printed a traceback."""
        (proc,) = self.run_all(Run([*args], code, env), stdin=stdin)
        return proc

    def run_all(self, *runs: Run, stdin: str = "") -> list[subprocess.CompletedProcess[str]]:
        """Run several commands at once (each one spends ~0.5 s importing), checking each as `run` does."""
        started = [(self.start(run), run) for run in runs]
        done = []
        for proc, run in started:
            out, err = proc.communicate(stdin, timeout=30)
            assert proc.returncode == run.code, (run.args, proc.returncode, out, err)
            assert "Traceback" not in out + err
            done.append(subprocess.CompletedProcess(run.args, run.code, out, err))
        return done

    def sdk(self) -> LLMWise:
        return LLMWise(KEY, base_url=self.url)


@pytest.fixture
def cli(sandbox_server: SandboxServer) -> Iterator[Cli]:
    sandbox_server.sandbox.reset()
    yield Cli(sandbox_server)
    sandbox_server.sandbox.reset()  # model failures set here must not leak into other tests


def stderr_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return proc.stderr.splitlines()


def read_pty(master: int) -> str:
    """Everything written to a pseudo-terminal until the child closes it."""
    raw = b""
    while select.select([master], [], [], 30)[0]:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        raw += data
    os.close(master)
    return raw.decode()


def screen_lines(output: str) -> list[str]:
    """The lines a terminal shows for `output`: what follows the last carriage return of each line,
    without escape sequences (the waiting indicator redraws and erases its line with `\r\x1b[2K`)."""
    return [ANSI.sub("", line).split("\r")[-1] for line in output.replace("\r\n", "\n").split("\n")]


# --- chat ----------------------------------------------------------------------------------------


def test_chat_streams_the_model_text_and_a_summary_line(cli: Cli) -> None:
    proc = cli.run("--timeout", "20", "chat", "-m", "gpt-5.2", "--system", "Be brief", "--temperature", "0.3", PROMPT)
    sent: list[MessageParam] = [{"role": "system", "content": "Be brief"}, *USER]
    assert proc.stdout == model_text("gpt-5.2", sent) + "\n"
    assert stderr_lines(proc) == [
        f"-- gpt-5.2, {len(proc.stdout.split()) + 7} tokens (7 prompt + {len(proc.stdout.split())} completion),"
        " 1 credit charged, 999 left"
    ]
    body = cli.sb.requests[-1].json
    assert body["messages"] == sent and body["model"] == "gpt-5.2" and body["temperature"] == 0.3


def test_chat_failover_reports_each_attempt_on_stderr(cli: Cli) -> None:
    cli.sb.set_model("claude-sonnet-4.5", fail_status=429)
    cli.sb.set_model("gemini-3-flash", fail_status=503, fail_after_chunks=2)  # fails mid-answer
    proc = cli.run(
        "chat", "-m", "claude-sonnet-4.5", "--fallback", "gemini-3-flash", "--fallback", "gpt-5.2",
        "--strategy", "latency", PROMPT,
    )  # fmt: skip
    # Not a terminal: gemini's partial answer is held back and dropped, stdout is exactly the answer.
    assert proc.stdout == model_text("gpt-5.2", USER) + "\n"
    lines = stderr_lines(proc)
    assert lines[:5] == [
        "-> trying claude-sonnet-4.5",
        "x claude-sonnet-4.5 failed (429)",
        "-> trying gemini-3-flash",
        "x gemini-3-flash failed (503)",
        "-> trying gpt-5.2",
    ]
    assert lines[5].startswith("-- gpt-5.2, ") and len(lines) == 6
    assert cli.sb.requests[-1].json["routing"] == {"fallback": ["gemini-3-flash", "gpt-5.2"], "strategy": "latency"}


def test_json_prints_one_event_per_line(cli: Cli) -> None:
    # The default model is auto; '-' reads the prompt from stdin (without its final newline);
    # global options work after the command too, and --api-key replaces the environment variable.
    proc = cli.run("chat", "--json", "--api-key", KEY, "-", stdin=PROMPT + "\n", LLMWISE_API_KEY="")
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all(isinstance(e.get("event"), str) for e in events)
    done = events[-1]
    assert done["event"] == "done" and done["credits_remaining"] == 999
    text = "".join(e["delta"] for e in events if e["event"] == "chunk")
    assert text == model_text(done["resolved_model"], USER)
    assert cli.sb.requests[-1].json["model"] == "auto" and proc.stderr == ""


def test_json_names_every_event() -> None:
    # Per-model frames have no `event` on the wire: the command line names them.
    assert event_json(parse_compare_event({"model": "a", "delta": "x", "done": False})) == {
        "event": "chunk", "model": "a", "delta": "x", "done": False,
    }  # fmt: skip
    done = parse_compare_event({"model": "a", "delta": "", "done": True, "latency_ms": 3})
    assert event_json(done)["event"] == "model_done"
    assert event_json(parse_compare_event({"model": "a", "error": "boom", "status_code": 429}))["event"] == "model_error"
    assert event_json(parse_compare_event({"event": "summary", "fastest": "a"}))["event"] == "summary"
    assert event_json(parse_compare_event({"surprise": 1})) == {"event": "unknown", "surprise": 1}


# --- compare -------------------------------------------------------------------------------------


def test_compare_prints_one_block_per_model_when_not_a_terminal(cli: Cli) -> None:
    cli.sb.set_model("claude-sonnet-4.5", fail_status=429)
    proc = cli.run("compare", "-m", "gpt-5.2", "-m", "claude-sonnet-4.5,gemini-3-flash", PROMPT)
    lines = proc.stdout.splitlines()
    texts = {}
    for i, line in enumerate(lines):
        match = re.fullmatch(r"== (\S+) \((\d+) ms, (\d+) tokens\) ==", line)
        if match:
            texts[match[1]] = lines[i + 1]
            assert int(match[3]) == len(lines[i + 1].split())
    assert texts == {m: model_text(m, USER) for m in ("gpt-5.2", "gemini-3-flash")}
    assert any(re.fullmatch(r"== claude-sonnet-4\.5 failed \(429: .+\) ==", line) for line in lines)
    longest = max(texts, key=lambda m: len(texts[m]))
    assert lines[-1] == f"fastest: gpt-5.2, longest: {longest}"
    assert stderr_lines(proc) == ["-- 1 credit charged, 999 left"]  # 2 reserved, settled at 1


def test_side_by_side_layout() -> None:
    left, right = model_text("gpt-5.2", USER), model_text("deepseek-v3", USER)
    lines = side_by_side({"gpt-5.2": left, "deepseek-v3 ...": right}, 60)
    column = (60 - 3) // 2
    assert lines[0] == "gpt-5.2".ljust(column) + " | deepseek-v3 ..."
    assert lines[1] == "-" * column + "-+-" + "-" * column
    assert all(cell_width(line) <= 60 for line in lines)
    # Reading each column top to bottom gives back its text.
    assert " ".join(row[:column].strip() for row in lines[2:]).split() == left.split()
    assert " ".join(row[column + 3 :].strip() for row in lines[2:] if len(row) > column).split() == right.split()

    # A live view fits in `height` lines and shows the end of each text, where new words arrive.
    live = side_by_side({"a": left, "b": right}, 60, height=5)
    assert len(live) == 5 and live[-1][:column].split()[-1] == left.split()[-1]

    # Too narrow for columns: stacked blocks instead.
    stacked = side_by_side([("a", "one two"), ("b", "three")], 30)
    assert stacked == ["== a ==", "one two", "", "== b ==", "three"]

    # Wide characters take two cells, control characters never reach the terminal, lines keep breaks.
    assert cell_width("日本") == 4 and wrap("日本語のテキスト", 6) == ["日本語", "のテキ", "スト"]
    assert wrap("a\x1b[2Jb\nc", 10) == ["a[2Jb", "c"]
    assert side_by_side({}, 80) == []


def test_tables_and_numbers() -> None:
    lines = table(["rank", "model", "reasoning"], [("1", "m", "word " * 12)], align="><", width=40)
    assert lines[:2] == ["rank  model  reasoning", "----  -----  " + "-" * 27]
    assert lines[2:] == ["   1  m      " + "word " * 4 + "word", " " * 13 + "word " * 4 + "word", " " * 13 + "word word"]
    assert all(cell_width(line) <= 40 for line in lines)
    assert (number(2.0), number(0.5), number(None), number(7)) == ("2", "0.5", "?", "7")


def test_compare_side_by_side_in_a_terminal(cli: Cli) -> None:
    models = ("gpt-5.2", "claude-sonnet-4.5")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmwise", "compare", "--width", "100", "-m", models[0], "-m", models[1], PROMPT],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=cli.env(LINES="40"),
    )
    os.close(slave)
    output = read_pty(master)
    assert proc.wait(timeout=30) == 0
    assert proc.stderr is not None and proc.stderr.read() == b"-- 1 credit charged, 999 left\n"
    assert "\x1b[" in output  # redrawn in place while streaming
    lines = ANSI.sub("", output).replace("\r", "").splitlines()
    assert all(cell_width(line) <= 100 for line in lines)
    # The final layout: both headings on one line, then the two texts in columns.
    heading = max(i for i, line in enumerate(lines) if line.startswith("gpt-5.2 (0 ms"))
    assert " | claude-sonnet-4.5 (0 ms" in lines[heading]
    end = lines.index("", heading)
    rows = lines[heading + 2 : end]
    column = (100 - 3) // 2
    assert " ".join(r[:column].strip() for r in rows).split() == model_text(models[0], USER).split()
    assert " ".join(r[column + 3 :].strip() for r in rows).split() == model_text(models[1], USER).split()
    assert lines[-1].startswith("fastest: ")


# --- blend and judge -----------------------------------------------------------------------------


def test_blend_streams_the_synthesis_and_reports_sources(cli: Cli) -> None:
    args = ["-m", "gpt-5.2", "-m", "claude-sonnet-4.5", "--strategy", "moa", "--layers", "2"]
    proc = cli.run("blend", *args, "--synthesizer", "gemini-3-flash", PROMPT)
    with cli.sdk() as client:
        expected = client.blend.create(
            models=["gpt-5.2", "claude-sonnet-4.5"], strategy="moa", layers=2, synthesizer="gemini-3-flash",
            messages=USER,
        ).content  # fmt: skip
    assert proc.stdout == f"{expected}\n"
    lines = stderr_lines(proc)
    assert lines[0] == "-> blending gpt-5.2, claude-sonnet-4.5"
    assert {line.split(" (")[0] for line in lines if line.startswith("ok ")} == {
        f"ok {m}#layer{k}" for m in ("gpt-5.2", "claude-sonnet-4.5") for k in (1, 2)
    }
    assert "-> synthesizing with gemini-3-flash" in lines
    assert lines[-1] == "-- moa by gemini-3-flash, 6 credits charged, 994 left"  # settled above the 4 reserved


def test_judge_prints_a_table_ranked_best_first(cli: Cli) -> None:
    contestants = ["gpt-5.2", "claude-sonnet-4.5", "deepseek-v3"]
    proc = cli.run("judge", "-m", ",".join(contestants), "--criteria", "accuracy", "--criteria", "brevity", PROMPT)
    body = cli.sb.requests[-1].json
    assert body["judge"] == "gemini-3-flash"  # the first default judge that is not a contestant
    with cli.sdk() as client:
        verdict = client.judge.create(
            contestants=contestants, judge="gemini-3-flash", criteria=["accuracy", "brevity"], messages=USER
        ).verdict
    assert isinstance(verdict, Verdict) and verdict.scores is not None
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["rank", "model", "score", "reasoning"]
    rows = [line.split(maxsplit=3) for line in lines[2:] if re.match(r"\s*\d+  ", line)]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert [(r[1], float(r[2])) for r in rows] == [(s.model, s.score) for s in verdict.scores]
    assert f"winner: {verdict.winner}" in lines
    assert stderr_lines(proc)[-1] == "-- judged by gemini-3-flash, 3 credits charged, 997 left"  # 5 reserved


# --- account -------------------------------------------------------------------------------------


def test_models_and_credits(cli: Cli) -> None:
    cli.sb.credits = 123
    script = shutil.which("llmwise", path=str(Path(sys.executable).parent))
    runs = [Run(["models"]), Run(["credits", "--json"])]
    if script is not None:  # the console script (pip install) is `python -m llmwise`
        runs.append(Run(["models"], script=script))
    procs = cli.run_all(*runs)
    lines = procs[0].stdout.splitlines()
    assert lines[0].split() == ["id", "provider", "vision", "free"]
    assert [line.split()[0] for line in lines[2:]] == [m.id for m in cli.sb.models]
    assert lines[2].split()[-2:] in (["yes", "no"], ["no", "no"], ["yes", "yes"], ["no", "yes"])
    assert json.loads(procs[1].stdout)["credits"] == 123
    if script is not None:
        assert procs[2].stdout == procs[0].stdout


# --- errors --------------------------------------------------------------------------------------


def test_errors_are_one_line_with_status_and_request_id(cli: Cli) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cli.sb.credits = 0  # 402; a request that is invalid as well gets its 400 first
    no_key, no_credits, bad_model, unreachable, one_model, lone_strategy = cli.run_all(
        Run(["chat", PROMPT], 1, {"LLMWISE_API_KEY": ""}),
        Run(["chat", PROMPT], 1),
        Run(["chat", "-m", "no-such-model", PROMPT], 1),
        Run(["--base-url", f"http://127.0.0.1:{port}", "--max-retries", "0", "models"], 1),
        Run(["compare", "-m", "gpt-5.2", PROMPT], 2),
        Run(["chat", "--strategy", "cost", PROMPT], 2),
    )
    (line,) = stderr_lines(no_key)
    assert line == "error: No API key given: pass --api-key KEY, or set the LLMWISE_API_KEY environment variable."
    for proc, status in ((no_credits, "402"), (bad_model, "400")):
        (line,) = stderr_lines(proc)
        match = ERROR_LINE.match(line)
        assert match and match[1] == status and proc.stdout == "" and KEY not in line
    assert "no-such-model" in bad_model.stderr
    (line,) = stderr_lines(unreachable)
    assert line.startswith("error: Connection error") and f":{port}/" in line
    assert "llmwise compare: error: give at least 2 models" in one_model.stderr
    assert "--strategy orders a failover chain" in lone_strategy.stderr

    # Every model of the chain failing is an error inside the stream: its request id comes from
    # the response headers.
    cli.sb.credits = 100
    cli.sb.set_model("gpt-5.2", fail_status=503)
    cli.sb.set_model("deepseek-v3", fail_status=429)
    lines = stderr_lines(cli.run("chat", "-m", "gpt-5.2", "--fallback", "deepseek-v3", PROMPT, code=1))
    match = ERROR_LINE.match(lines[-1])
    assert match and match[1] == "503" and "refunded" in lines[-1]


def test_ctrl_c_exits_130_without_a_traceback(cli: Cli) -> None:
    cli.sb.set_model("gpt-5.2", latency=0.2)
    proc = cli.start(Run(["chat", "-m", "gpt-5.2", PROMPT]))
    assert proc.stdout is not None
    assert proc.stdout.read(1)  # the answer has started streaming
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err


def test_json_errors_are_one_object_on_stderr(cli: Cli) -> None:
    cli.sb.credits = 0
    no_credits, no_key, usage = cli.run_all(
        Run(["--json", "chat", PROMPT], 1),
        Run(["chat", "--json", PROMPT], 1, {"LLMWISE_API_KEY": ""}),
        Run(["--json", "compare", "-m", "gpt-5.2", PROMPT], 2),
    )
    for proc in (no_credits, no_key, usage):
        assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1
    error = json.loads(no_credits.stderr)
    assert error == {
        "type": "InsufficientCreditsError",
        "status_code": 402,
        "message": "Insufficient credits: this request needs 1 credits, balance is 0",
        "request_id": cli.sb.requests[-1].request_id,
    }
    assert json.loads(no_key.stderr) == {
        "type": "LLMWiseError",
        "status_code": None,
        "message": "No API key given: pass --api-key KEY, or set the LLMWISE_API_KEY environment variable.",
        "request_id": None,
    }
    usage_error = json.loads(usage.stderr)
    assert usage_error["type"] == "UsageError" and usage_error["status_code"] is None
    assert usage_error["message"].startswith("llmwise compare: give at least 2 models")

    # A stream failing after its first events: the events on stdout, then the error on stderr.
    cli.sb.credits = 100
    cli.sb.set_model("gpt-5.2", fail_status=503, fail_after_chunks=2)
    failed = cli.run("--json", "chat", "-m", "gpt-5.2", PROMPT, code=1)
    assert [json.loads(line)["event"] for line in failed.stdout.splitlines()] == ["chunk", "chunk"]
    error = json.loads(failed.stderr)
    assert (error["type"], error["status_code"]) == ("ServerStreamError", 503)
    assert error["request_id"] == cli.sb.requests[-1].request_id and "refunded" in error["message"]


def test_waiting_indicator_and_retry_notices_on_a_terminal(cli: Cli) -> None:
    cli.sb.rate_limit(times=1, retry_after=0)
    master, slave = pty.openpty()
    # stdout and stderr share the terminal, as in an interactive shell.
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmwise", "chat", "-m", "gpt-5.2", PROMPT],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=cli.env(),
    )
    os.close(slave)
    output = read_pty(master)
    assert proc.wait(timeout=30) == 0
    answer = model_text("gpt-5.2", USER)
    # The indicator was drawn, and erased before the answer's first character.
    last_frame = output.rindex("waiting for gpt-5.2")
    start = output.index(answer[:30])
    assert last_frame < start and "\r\x1b[2K" in output[last_frame:start]
    lines = screen_lines(output)
    assert re.fullmatch(r"429 rate limited, retrying in \d+\.\d s \(attempt 2 of 3\)", lines[0])
    assert lines[1] == answer
    assert lines[2].startswith("-- gpt-5.2, ") and lines[3:] == [""]


def test_progress_is_for_terminals_unless_forced(cli: Cli) -> None:
    cli.sb.rate_limit(times=1, retry_after=0, path="/chat")
    # Bytes, not text: universal newlines would turn the indicator's carriage returns into newlines.
    forced = subprocess.run(
        [sys.executable, "-m", "llmwise", "chat", "-m", "gpt-5.2", PROMPT],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=cli.env(LLMWISE_PROGRESS="1"),
        timeout=30,
    )
    assert forced.returncode == 0
    # Never on stdout, even when forced: the answer is byte for byte what a pipe gets without it.
    assert forced.stdout.decode() == model_text("gpt-5.2", USER) + "\n"
    err = forced.stderr.decode()
    assert err.startswith("\r\x1b[2K- waiting for gpt-5.2")
    lines = screen_lines(err)
    assert re.fullmatch(r"429 rate limited, retrying in \d+\.\d s \(attempt 2 of 3\)", lines[0])
    assert lines[1].startswith("-- gpt-5.2, ")

    # Not a terminal and not forced: nothing but the summary (and no retry notice).
    cli.sb.rate_limit(times=1, retry_after=0, path="/chat")
    plain = cli.run("chat", "-m", "gpt-5.2", PROMPT)
    assert plain.stdout == forced.stdout.decode() and len(plain.stderr.splitlines()) == 1
    assert [r.status for r in cli.sb.requests] == [429, 200, 429, 200]


def test_retry_notices_come_from_the_transport_log() -> None:
    import logging

    import httpx

    from llmwise._base_client import _log_retry
    from llmwise._cli._app import RetryNotices, retry_notice
    from llmwise._cli._console import Console
    from llmwise._exceptions import APIConnectionError, make_status_error

    request = httpx.Request("POST", "https://llmwise.test/api/v1/chat")
    limited = make_status_error(httpx.Response(429, json={"error": "slow down"}, request=request))
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("llmwise")
    keep, level = Keep(logging.INFO), logger.level
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)
    try:
        # The transport's own call: the first retry of 2 (max_retries=2) and the last of 3.
        _log_retry(request, limited, 2.0, 2)
        _log_retry(request, APIConnectionError("Connection error on POST ...: refused"), 0.5, 1)
        _log_retry(request, make_status_error(httpx.Response(503, request=request)), 1.25, 3)
        logger.info("POST %s -> %d", request.url, 429)
    finally:
        logger.removeHandler(keep)
        logger.setLevel(level)
    assert [retry_notice(r, 2) for r in records[:2]] == [
        "429 rate limited, retrying in 2.0 s (attempt 2 of 3)",
        "connection failed, retrying in 0.5 s (attempt 3 of 3)",
    ]
    assert retry_notice(records[2], 3) == "503 service unavailable, retrying in 1.2 s (attempt 2 of 4)"
    assert retry_notice(records[3], 2) is None  # other records are not notices

    # Through the handler: a note above the indicator, which keeps spinning below it.
    out, err = io.StringIO(), io.StringIO()
    console = Console(out=out, err=err, progress=True)
    console.wait("gpt-5.2")
    RetryNotices(console, 2).handle(records[0])
    console.text("Hi")
    assert screen_lines(err.getvalue()) == ["429 rate limited, retrying in 2.0 s (attempt 2 of 3)", ""]
    assert out.getvalue() == "Hi"
    # Warnings still reach stderr when nothing else would print them: the handler takes the place
    # of Python's last-resort one (pytest's own handlers sit on the root logger, so a logger that
    # does not propagate stands in for the command line's `llmwise` one).
    alone = logging.getLogger("llmwise_cli_test_alone")
    alone.propagate = False
    console.wait("gpt-5.2")
    warning = alone.makeRecord(alone.name, logging.WARNING, __file__, 1, "skipped a %s frame", ("malformed",), None)
    RetryNotices(console, 2).handle(warning)
    console.close()
    assert screen_lines(err.getvalue())[-2:] == ["skipped a malformed frame", ""]
    # Where another handler prints it (here pytest's), it is not printed twice.
    shown = err.getvalue()
    RetryNotices(console, 2).handle(logger.makeRecord("llmwise", logging.WARNING, __file__, 1, "elsewhere", (), None))
    assert err.getvalue() == shown
    quiet_err = io.StringIO()
    quiet = Console(out=io.StringIO(), err=quiet_err, progress=False)
    quiet.wait("gpt-5.2")
    RetryNotices(quiet, 2).handle(records[0])
    assert quiet_err.getvalue() == ""


# --- help, sandbox, entry points -----------------------------------------------------------------


def test_help_of_every_command(cli: Cli) -> None:
    commands = ["chat", "compare", "blend", "judge", "models", "credits", "sandbox"]
    *helps, main_help, bare = cli.run_all(*(Run([c, "--help"]) for c in commands), Run(["--help"]), Run([], 2))
    for command, proc in zip(commands, helps, strict=True):
        assert proc.stdout.startswith(f"usage: llmwise {command}") and "examples:" in proc.stdout
    assert all(command in main_help.stdout for command in commands)
    assert "--api-key" in main_help.stdout and "examples:" in main_help.stdout
    assert bare.stderr.startswith("usage: llmwise")


def test_sandbox_command_serves_until_terminated(cli: Cli) -> None:
    server = cli.start(Run(["sandbox", "--port", "0", "--fault", "credits:42"]))
    try:
        assert server.stdout is not None
        # The first line of stdout is the URL alone, so that scripts can read it.
        match = re.fullmatch(r"(http://127\.0\.0\.1:\d+/api/v1)\n", server.stdout.readline())
        assert match
        credits, bad_fault = cli.run_all(
            Run(["--base-url", match[1], "credits"]), Run(["sandbox", "--fault", "bogus"], 2)
        )
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0 and "Traceback" not in err
    assert err == ""
    assert credits.stdout.splitlines() == [
        "balance: 42 credits (paid 0, free 42)",
        "payment method: no",
        "lifetime purchased: $0",
        "auto top-up: off",
    ]
    assert "llmwise sandbox: error: --fault 'bogus'" in bad_fault.stderr


# --- in-process helpers --------------------------------------------------------------------------


def test_parser_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert command_index(["--api-key", "k", "--json", "sandbox", "--port", "0"]) == 3
    assert command_index(["--base-url=http://x", "chat", "sandbox"]) == 1
    assert command_index(["--json"]) is None
    monkeypatch.setenv("COLUMNS", "72")
    assert terminal_size()[0] == 72 and terminal_size(100)[0] == 100
    # The parser spells the SDK's choices out (so that --help does not import pydantic).
    hints: dict[str, Any] = typing.get_type_hints(RoutingParam)
    assert typing.get_args(hints["strategy"]) == CHAT_STRATEGIES
    assert typing.get_args(BlendStrategy) == BLEND_STRATEGIES
