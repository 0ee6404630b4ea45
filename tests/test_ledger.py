"""The cost ledger (`client.ledger`) against the sandbox, with both clients: one entry per billable
call, totals equal to what the server charged, summaries, CSV and JSON, a bounded size."""

from __future__ import annotations

import csv
import io
import json
import threading
from typing import Any

import httpx
import pytest

import llmwise
from llmwise import Ledger, LedgerEntry, LLMWise, ServerStreamError
from llmwise.sandbox import Sandbox
from support import KEY, SandboxEnv

MSG: list[Any] = [{"role": "user", "content": "What does a ledger record?"}]
MODELS = ["gpt-5.2", "claude-sonnet-4.5"]
JUDGE = "claude-haiku-4.5"


def every_kind_of_call(env: SandboxEnv) -> list[Any]:
    """Chat, compare, blend, judge, streamed and not, plus failures: the results the server sent."""
    client, sb = env.client, env.sandbox
    results: list[Any] = [
        env.call(client.chat.create(model="gpt-5.2", messages=MSG)),
        env.call(client.compare.create(models=MODELS, messages=MSG)),
        env.call(client.blend.create(models=MODELS, strategy="consensus", messages=MSG)),
        env.call(client.judge.create(contestants=MODELS, judge=JUDGE, messages=MSG)),
    ]
    for method, kwargs in (
        ("chat", {"model": "claude-sonnet-4.5"}),
        ("compare", {"models": MODELS}),
        ("judge", {"contestants": MODELS, "judge": JUDGE}),
    ):
        _events, error, stream = env.stream(method, messages=MSG, **kwargs)
        assert error is None
        results.append(stream._state.accumulator.done)
    sb.set_model("gpt-5.2", fail_status=503, fail_after_chunks=1)
    _events, error, _stream = env.stream(model="gpt-5.2", messages=MSG)
    assert isinstance(error, ServerStreamError) and error.refunded
    with pytest.raises(llmwise.BadRequestError):
        env.call(client.chat.create(model="no-such-model", messages=MSG))
    sb.set_model("gpt-5.2")
    return results


def test_every_billable_call_is_recorded_and_the_total_is_what_the_server_charged(env: SandboxEnv) -> None:
    env.call(env.client.models.list())  # not billable: not recorded
    results = every_kind_of_call(env)
    ledger = env.client.ledger
    entries = ledger.entries()
    assert [(e.operation, e.stream, e.outcome) for e in entries] == [
        ("chat", False, "ok"),
        ("compare", False, "ok"),
        ("blend", False, "ok"),
        ("judge", False, "ok"),
        ("chat", True, "ok"),
        ("compare", True, "ok"),
        ("judge", True, "ok"),
        ("chat", True, "refunded"),
        ("chat", False, "error"),
    ]
    reported = [r.credits_charged for r in results]
    assert [e.credits_charged for e in entries] == [*reported, 0, 0]
    assert ledger.total_credits == sum(reported) == 1000 - env.sandbox.credits
    assert [e.request_id for e in entries[: len(results)]] == [r.id for r in results]
    assert [e.credits_remaining for e in entries[: len(results)]] == [r.credits_remaining for r in results]
    assert all(e.request_id and e.request_id.startswith("req_") for e in entries)

    chat = entries[0]
    assert chat.models == ("gpt-5.2",) and chat.model == "gpt-5.2"
    assert (chat.prompt_tokens, chat.completion_tokens) == (results[0].prompt_tokens, results[0].completion_tokens)
    assert chat.latency >= 0 and chat.error is None and chat.retries == 0
    assert entries[1].models == tuple(MODELS) and entries[1].model is None
    assert entries[1].completion_tokens == sum(r.completion_tokens for r in results[1].responses)
    assert entries[3].models == (*MODELS, JUDGE) and entries[3].model == JUDGE
    assert entries[4].model == "claude-sonnet-4.5" and entries[4].completion_tokens == results[4].completion_tokens
    assert entries[7].error and entries[7].error.startswith("ServerStreamError")
    assert entries[8].error and entries[8].error.startswith("BadRequestError")


def test_summaries(env: SandboxEnv) -> None:
    every_kind_of_call(env)
    ledger = env.client.ledger
    total = ledger.total()
    assert (total.calls, total.ok, total.errors, total.refunded) == (9, 7, 1, 1)
    entries = ledger.entries()
    assert total.credits == ledger.total_credits == sum(e.credits_charged or 0 for e in entries)
    assert total.credits == 1000 - env.sandbox.credits  # what the server settled, not the reserves
    assert total.unknown_credits == 0 and total.completion_tokens > 0

    by_operation = ledger.by_operation()
    expected: dict[str, tuple[int, float]] = {}
    for e in entries:
        calls, credits = expected.get(e.operation, (0, 0))
        expected[e.operation] = (calls + 1, credits + (e.credits_charged or 0))
    assert {op: (s.calls, s.credits) for op, s in by_operation.items()} == expected
    assert {op: calls for op, (calls, _) in expected.items()} == {"chat": 4, "compare": 2, "blend": 1, "judge": 2}
    by_model = ledger.by_model()
    assert sum(s.credits for s in by_model.values()) == pytest.approx(ledger.total_credits)
    # A multi-model call's credits are shared equally by its models.
    judged = [e for e in entries if JUDGE in e.models]
    share = sum((e.credits_charged or 0) / len(e.models) for e in judged)
    assert by_model[JUDGE].calls == len(judged) == 2 and by_model[JUDGE].credits == pytest.approx(share)
    assert by_model["claude-sonnet-4.5"].calls == 6  # its own chat, and every multi-model call


def test_csv_and_json_exports(env: SandboxEnv) -> None:
    every_kind_of_call(env)
    ledger = env.client.ledger
    rows = list(csv.DictReader(io.StringIO(ledger.to_csv())))
    assert len(rows) == len(ledger) == 9
    assert rows[1]["operation"] == "compare" and rows[1]["models"] == " ".join(MODELS)
    assert sum(float(r["credits_charged"]) for r in rows) == ledger.total_credits
    assert rows[1]["model"] == ""  # unknown values are empty cells
    data = json.loads(ledger.to_json())
    assert [d["request_id"] for d in data] == [e.request_id for e in ledger]
    assert data[0]["models"] == ["gpt-5.2"] and data[0]["time_iso"].endswith("+00:00")
    written = io.StringIO()
    assert ledger.to_json(written, indent=2) == written.getvalue()


def test_a_stream_closed_early_has_an_unknown_charge(env: SandboxEnv) -> None:
    if env.mode == "sync":
        for _event in env.client.chat.stream(model="gpt-5.2", messages=MSG):
            break
    else:

        async def go() -> None:
            async with env.client.chat.stream(model="gpt-5.2", messages=MSG) as stream:
                await stream.__anext__()

        env.call(go())
    (entry,) = env.client.ledger.entries()
    assert (entry.outcome, entry.credits_charged, entry.stream) == ("error", None, True)
    assert entry.error == "IncompleteStreamError: The stream was closed before its end."
    assert env.client.ledger.total().unknown_credits == 1


def test_retries_are_one_entry(env: SandboxEnv, sleeps: list[float]) -> None:
    env.sandbox.rate_limit(times=2, retry_after=1)
    env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    (entry,) = env.client.ledger.entries()
    assert entry.retries == 2 and entry.outcome == "ok" and sleeps == [1.0, 1.0]


def test_bounded_and_off() -> None:
    sb = Sandbox()
    http = httpx.Client(transport=sb.transport())
    small = LLMWise(KEY, base_url="http://sandbox", http_client=http, ledger_size=3)
    off = LLMWise(KEY, base_url="http://sandbox", http_client=http, ledger_size=0)
    for i in range(5):
        small.chat.create(model="gpt-5.2", messages=[{"role": "user", "content": f"q{i}"}])
        off.chat.create(model="gpt-5.2", messages=MSG)
    assert len(small.ledger) == 3 and small.ledger.maxlen == 3 and small.ledger.dropped == 2
    assert [e.credits_remaining for e in small.ledger] == [995, 993, 991]  # the latest (the two clients alternate)
    assert len(off.ledger) == 0 and off.ledger.maxlen == 0
    small.ledger.clear()
    assert len(small.ledger) == 0
    with pytest.raises(ValueError, match="ledger_size"):
        LLMWise(KEY, http_client=http, ledger_size=-1)


def test_copies_share_the_ledger(env: SandboxEnv) -> None:
    copy = env.client.with_options(max_retries=0)
    env.call(copy.chat.create(model="gpt-5.2", messages=MSG))
    assert copy.ledger is env.client.ledger and len(env.client.ledger) == 1


def test_thread_safe() -> None:
    ledger = Ledger(maxlen=1000)
    entry = LedgerEntry(0.0, "chat", ("m",), "m", "req", 1, 0, 1, 1, 0.1, "ok")

    def write() -> None:
        for _ in range(2000):
            ledger.record(entry)

    def read() -> None:
        for _ in range(200):
            assert ledger.total().calls <= 1000
            ledger.to_csv()

    threads = [threading.Thread(target=write) for _ in range(4)] + [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ledger) == 1000 and ledger.dropped == 7000


def test_a_stream_dropped_unfinished_is_still_recorded() -> None:
    import gc

    sb = Sandbox()
    client = LLMWise(KEY, base_url="http://sandbox", http_client=httpx.Client(transport=sb.transport()))
    stream = client.chat.stream(model="gpt-5.2", messages=[{"role": "user", "content": "Hi"}])
    next(stream)  # the first event; then the caller walks away
    assert client.ledger.entries() == []
    del stream
    gc.collect()
    (entry,) = client.ledger.entries()
    assert entry.operation == "chat" and entry.stream and entry.outcome == "error"
    assert entry.error is not None and "dropped" in entry.error
    client.close()
