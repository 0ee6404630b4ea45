"""Fan-out (`chat.create_many`, `chat.iter_many`) against the sandbox, with both clients: input
order, isolated failures, bounded concurrency, a 429 pausing every worker, budgets, progress."""

from __future__ import annotations

import asyncio
import io
import sys
import threading
from typing import Any

import httpx
import pytest

import llmwise._base_client as base_client
from llmwise import AsyncLLMWise, BadRequestError, BudgetExceededError, LLMWise, RateLimitError
from llmwise._fanout import Progress
from llmwise.sandbox import Sandbox
from llmwise.types.chat import ChatCompletion
from support import KEY, SandboxEnv, run


def ask(i: int) -> list[Any]:
    return [{"role": "user", "content": f"Question number {i}?"}]


def requests(n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"model": "gpt-5.2", "messages": ask(i), **extra} for i in range(n)]


def iter_all(client: Any, reqs: list[dict[str, Any]], **kwargs: Any) -> list[tuple[int, Any]]:
    iterator = client.chat.iter_many(reqs, **kwargs)
    if isinstance(client, LLMWise):
        return list(iterator)

    async def go() -> list[tuple[int, Any]]:
        return [pair async for pair in iterator]

    result: list[tuple[int, Any]] = run(go())
    return result


def posts(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.method == "POST")


def test_results_in_input_order_and_failures_isolated(env: SandboxEnv) -> None:
    sb = env.sandbox
    reqs = requests(12)
    reqs[4]["model"] = "no-such-model"
    reqs[9]["model"] = "claude-sonnet-4.5"
    results = env.call(env.client.chat.create_many(reqs, concurrency=4))
    assert len(results) == 12
    assert isinstance(results[4], BadRequestError)
    for i, result in enumerate(results):
        if i == 4:
            continue
        assert isinstance(result, ChatCompletion)
        assert result.content == sb.model_text(reqs[i]["model"], reqs[i]["messages"])
    assert posts(sb) == 12


def test_iter_many_yields_each_index_once_as_completed(env: SandboxEnv) -> None:
    reqs = requests(7)
    pairs = iter_all(env.client, reqs, concurrency=3)
    assert sorted(i for i, _ in pairs) == list(range(7))
    for i, result in pairs:
        assert result.content == env.sandbox.model_text("gpt-5.2", ask(i))


def test_requests_are_checked_before_any_is_sent(env: SandboxEnv) -> None:
    bad = [*requests(3), {"model": "gpt-5.2", "mesages": ask(3)}]
    with pytest.raises(TypeError, match=r"chat.create_many\[3\]\(\) got an unexpected keyword argument 'mesages'"):
        env.call(env.client.chat.create_many(bad))
    with pytest.raises(TypeError, match="stream=True"):
        env.call(env.client.chat.create_many(requests(2, stream=True)))
    with pytest.raises(ValueError, match="timeout"):
        env.call(env.client.chat.create_many(requests(2, timeout=-1)))
    with pytest.raises(ValueError, match="concurrency"):
        env.call(env.client.chat.create_many(requests(2), concurrency=0))
    with pytest.raises(TypeError, match="dict"):
        env.call(env.client.chat.create_many(["hi"]))
    assert posts(env.sandbox) == 0
    assert env.call(env.client.chat.create_many([])) == []


def test_budgets_cover_every_call(env: SandboxEnv) -> None:
    with env.client.budget(max_credits=3) as budget:
        results = env.call(env.client.chat.create_many(requests(6), concurrency=3))
    assert sum(isinstance(r, ChatCompletion) for r in results) == 3
    assert sum(isinstance(r, BudgetExceededError) for r in results) == 3
    assert budget.spent == 3 and posts(env.sandbox) == 3


class HoldOthers(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The sandbox, except that every request after the first waits until `release` is set: the
    first one (which a scripted 429 hits) is answered before any other reaches the server."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sync = sandbox.transport()
        self.async_ = sandbox.async_transport()
        self.first = True
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.async_release = asyncio.Event()

    def _is_first(self) -> bool:
        with self.lock:
            first, self.first = self.first, False
        return first

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._is_first():
            assert self.release.wait(10), "the fan-out never paused"
        return self.sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._is_first():
            await asyncio.wait_for(self.async_release.wait(), 10)
        return await self.async_.handle_async_request(request)


def held_client(mode: str, sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[float]]:
    """A client whose requests go through `HoldOthers`; waits are recorded (never slept) and the
    first one releases the held requests."""
    transport = HoldOthers(sb)
    waits: list[float] = []

    def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        transport.release.set()

    async def fake_async_sleep(seconds: float) -> None:
        waits.append(seconds)
        transport.async_release.set()

    monkeypatch.setattr(base_client, "_sleep", fake_sleep)
    monkeypatch.setattr(base_client, "_async_sleep", fake_async_sleep)
    if mode == "sync":
        return LLMWise(KEY, base_url="http://sandbox", http_client=httpx.Client(transport=transport)), waits
    return AsyncLLMWise(KEY, base_url="http://sandbox", http_client=httpx.AsyncClient(transport=transport)), waits


def test_a_429_pauses_every_worker(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sb = Sandbox()
    client, waits = held_client(mode, sb, monkeypatch)
    sb.rate_limit(times=1, retry_after=30)
    reqs = requests(4)
    results = run(client.chat.create_many(reqs, concurrency=2))
    assert [r.content for r in results] == [sb.model_text("gpt-5.2", r["messages"]) for r in reqs]
    assert [r.status for r in sb.requests] == [429, 200, 200, 200, 200]
    # The rate-limited request waited its Retry-After before its retry; the two requests sent after
    # it (one by each worker) each waited out the rest of the same pause first.
    # The rate-limited request waited its Retry-After before its retry. Every request that could
    # only start after the 429 (the two after the first two) waited out the rest of the same pause
    # first; the other first request may have started before the 429 or after it.
    assert waits[0] == 30.0
    assert 1 + 2 <= len(waits) <= 1 + 3 and all(25 < w < 30 for w in waits[1:])


def test_a_429_that_is_not_retried_pauses_the_others_too(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sb = Sandbox()
    client, waits = held_client(mode, sb, monkeypatch)
    sb.rate_limit(times=1, retry_after=30)
    results = run(client.chat.create_many(requests(4, max_retries=0), concurrency=2))
    assert isinstance(results[0], RateLimitError) or isinstance(results[1], RateLimitError)
    assert sum(isinstance(r, ChatCompletion) for r in results) == 3
    assert 2 <= len(waits) <= 3 and all(25 < w <= 30 for w in waits)


def test_a_429_storm(env: SandboxEnv, sleeps: list[float]) -> None:
    # More 429s than one request's retries: the storm is shared out, every request ends answered
    # or rate limited (in its place), and every wait is the server's Retry-After or what is left of it.
    env.sandbox.rate_limit(times=6, retry_after=20)
    reqs = requests(8)
    results = env.call(env.client.chat.create_many(reqs, concurrency=4))
    answered = [i for i, r in enumerate(results) if isinstance(r, ChatCompletion)]
    limited = [i for i, r in enumerate(results) if isinstance(r, RateLimitError)]
    assert sorted(answered + limited) == list(range(8)) and len(answered) >= 6
    for i in answered:
        assert results[i].content == env.sandbox.model_text("gpt-5.2", reqs[i]["messages"])
    assert sleeps and all(0 < s <= 20 for s in sleeps)
    assert sum(1 for r in env.sandbox.requests if r.status == 429) == 6


class CountInFlight(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The sandbox, counting the requests in flight; sync requests meet at a barrier of `parties`."""

    def __init__(self, sandbox: Sandbox, parties: int) -> None:
        self.sync = sandbox.transport()
        self.async_ = sandbox.async_transport()
        self.barrier = threading.Barrier(parties, timeout=10)
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def _enter(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def _leave(self) -> None:
        with self.lock:
            self.now -= 1

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._enter()
        try:
            self.barrier.wait()  # every worker has a request in flight at once
            return self.sync.handle_request(request)
        finally:
            self._leave()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._enter()
        try:
            for _ in range(5):
                await asyncio.sleep(0)  # let the other workers start theirs
            return await self.async_.handle_async_request(request)
        finally:
            self._leave()


def test_at_most_concurrency_in_flight(mode: str) -> None:
    sb = Sandbox()
    transport = CountInFlight(sb, parties=3)
    client: Any
    if mode == "sync":
        client = LLMWise(KEY, base_url="http://sandbox", http_client=httpx.Client(transport=transport))
    else:
        client = AsyncLLMWise(KEY, base_url="http://sandbox", http_client=httpx.AsyncClient(transport=transport))
    results = run(client.chat.create_many(requests(9), concurrency=3))
    assert all(isinstance(r, ChatCompletion) for r in results)
    assert transport.most == 3


def test_leaving_iter_many_early_sends_no_more(mode: str) -> None:
    sb = Sandbox()
    transport = HoldOthers(sb)  # the second request waits until the first answer was taken
    reqs = requests(10)
    if mode == "sync":
        client = LLMWise(KEY, base_url="http://sandbox", http_client=httpx.Client(transport=transport))
        iterator = client.chat.iter_many(reqs, concurrency=1)
        for _pair in iterator:
            break
        iterator.close()  # type: ignore[attr-defined]
        transport.release.set()
        # The worker finishes the request it has on its way, and starts no other.
        for thread in threading.enumerate():
            if thread.name.startswith("llmwise-fanout-"):
                thread.join(10)
        assert posts(sb) <= 2
    else:
        async_client = AsyncLLMWise(KEY, base_url="http://sandbox", http_client=httpx.AsyncClient(transport=transport))

        async def go() -> None:
            iterator = async_client.chat.iter_many(reqs, concurrency=1)
            async for _pair in iterator:
                break
            await iterator.aclose()  # type: ignore[attr-defined]  # cancels the request on its way
            transport.async_release.set()
            await asyncio.sleep(0)

        run(go())
        assert posts(sb) == 1


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal(env: SandboxEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTTY()
    monkeypatch.setattr(sys, "stderr", terminal)
    reqs = requests(5)
    reqs[2]["model"] = "no-such-model"
    env.call(env.client.chat.create_many(reqs, concurrency=2, progress=True))
    out = terminal.getvalue()
    last = out.rstrip("\n").split("\r")[-1]
    assert last.startswith("[" + "#" * 24 + "] 5/5  errors 1  credits 4  ")
    assert last.endswith("/s\x1b[K") and out.endswith("\n")


def test_progress_is_silent_when_stderr_is_not_a_terminal(env: SandboxEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    env.call(env.client.chat.create_many(requests(3), progress=True))
    assert iter_all(env.client, requests(2), progress=True)
    assert pipe.getvalue() == ""


def test_progress_line() -> None:
    bar = Progress(4, enabled=False)
    assert bar.stream is None  # not enabled: never draws
    bar.started = 0.0
    bar.done, bar.errors, bar.credits = 2, 1, 3.5
    assert bar.line(now=4.0) == "[" + "#" * 12 + "-" * 12 + "] 2/4  errors 1  credits 3.5  0.5/s"
