"""The rate limiter under concurrency (issue #11): its headers stay within the window.

A loaded run once saw `X-RateLimit-Reset: 61` with a 60 s window: the reset was computed as
`ceil(start + 60 - now)`, which floating point can round above 60, and which a thread holding an
older `now` than the window's start pushed further.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from llmwise.sandbox import Sandbox, SandboxServer
from llmwise.sandbox._state import RATE_LIMITS, RATE_WINDOW_SECONDS, RateLimiter

from .reliability_support import HANG_GUARD, KEY

AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(Sandbox()) as running:
        yield running


def test_the_reset_header_never_exceeds_the_window() -> None:
    # (100.3 + 60) - 100.3 == 60.000000000000014 in floating point: ceil() made that 61.
    limiter = RateLimiter(clock=lambda: 100.3)
    assert limiter.hit("chat").reset_seconds == 60


def test_concurrent_hits_keep_the_counters_and_headers_consistent() -> None:
    ticks = [1000.0]
    tick_lock = threading.Lock()

    def clock() -> float:
        with tick_lock:
            ticks[0] += 0.001
            now = ticks[0]
        time.sleep(0)  # let another thread in between reading the clock and counting
        return now

    limiter = RateLimiter(enforce=True, clock=clock)
    limit = RATE_LIMITS["default"]
    threads, per_thread = 8, 25  # 200 hits, within one 60 s window of the fake clock
    results: list[Any] = []
    results_lock = threading.Lock()
    start = threading.Barrier(threads)

    def hammer() -> None:
        start.wait(timeout=HANG_GUARD)
        for _ in range(per_thread):
            info = limiter.hit("default")
            with results_lock:
                results.append(info)

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=HANG_GUARD)
    assert len(results) == threads * per_thread
    for info in results:
        assert 0 <= info.reset_seconds <= RATE_WINDOW_SECONDS
        assert info.limit == limit and 0 <= info.remaining < limit
    # Every hit was counted exactly once: the n-th hit saw remaining = limit - n (floored at 0)...
    remaining = sorted((info.remaining for info in results), reverse=True)
    assert remaining == [max(0, limit - n) for n in range(1, threads * per_thread + 1)]
    # ...and exactly the hits beyond the limit were refused.
    assert sum(info.exceeded for info in results) == threads * per_thread - limit


def test_concurrent_requests_to_the_server_get_consistent_rate_limit_headers(server: SandboxServer) -> None:
    seen: list[httpx.Headers] = []
    lock = threading.Lock()

    def run_requests() -> None:
        with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=HANG_GUARD) as client:
            for _ in range(10):
                response = client.get("/models")
                with lock:
                    seen.append(response.headers)

    workers = [threading.Thread(target=run_requests) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=HANG_GUARD)
    assert len(seen) == 40
    for headers in seen:
        assert 0 <= int(headers["x-ratelimit-reset"]) <= 60
    limit = int(seen[0]["x-ratelimit-limit"])
    assert sorted(int(h["x-ratelimit-remaining"]) for h in seen) == list(range(limit - 40, limit))
