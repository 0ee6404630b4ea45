"""The contenders of each benchmark: what is timed, written the way a user of each library would.

Every factory takes the server's base URL and returns a zero-argument callable that does one unit of
work (one call, one whole stream, one batch) and returns a count, so the runner can time it. The
openai SDK and httpx2 are imported only inside the factories that use them: this module (and the
smoke test) works without them.

The floors take `lib`, the HTTP library's module name: "httpx" or "httpx2" (pydantic's fork of
httpx: the same API under another name). The llmwise contenders take `lib` too: None is the SDK's
own pool (what a user gets by default), "httpx2" an `httpx2.Client` / `httpx2.AsyncClient` passed
in as `http_client` (an SDK that does not support httpx2 raises TypeError there).

Run as a script it measures memory in a fresh process and prints one JSON line:

    python benchmarks/tasks.py memory-stream <url> <contender> <events>
    python benchmarks/tasks.py memory-async <url> <contender> <streams> <events>
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import sys
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from llmwise import LLMWise

API_KEY = "mm_sk_benchmark"
MODEL = "bench-model"
MESSAGES = [{"role": "user", "content": "Explain circuit breakers in one paragraph."}]
CALL_PIECES = 50  # words in a non-streamed answer (~300 bytes of content)

Call = Callable[[], int]
AsyncCall = Callable[[], Awaitable[int]]
Close = Callable[[], Awaitable[None]]


def _lib(name: str) -> Any:
    """The HTTP library's module: httpx, or httpx2 (imported only when asked for)."""
    return httpx if name == "httpx" else importlib.import_module(name)


def _sdk_limits() -> dict[str, Any]:
    """The limits of the pool `AsyncLLMWise()` / `LLMWise()` makes itself (1,000 connections, 100
    kept alive), for an httpx2 pool that mirrors it."""
    fallback: dict[str, Any] = {"max_connections": 1000, "max_keepalive_connections": 100, "keepalive_expiry": 5.0}
    try:
        from llmwise._base_client import DEFAULT_CONNECTION_LIMITS as limits
    except ImportError:  # a private name: if it moves, the figures it had when this was written
        return fallback
    return {name: getattr(limits, name, default) for name, default in fallback.items()}


def _llmwise_payload(pieces: int, stream: bool) -> dict[str, Any]:
    return {"model": MODEL, "messages": MESSAGES, "max_tokens": pieces, "stream": stream}


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}


# --- per-call overhead: one non-streamed chat ---------------------------------------------------------


def call_floor(url: str, lib: str = "httpx") -> Call:
    """Raw httpx (or httpx2) + json: the least any client must do (encode, send, read, decode)."""
    client = _lib(lib).Client(timeout=60)
    endpoint = f"{url}/api/v1/chat"
    headers = _headers()

    def run() -> int:
        payload = _llmwise_payload(CALL_PIECES, False)
        response = client.post(endpoint, content=json.dumps(payload).encode(), headers=headers)
        if response.status_code != 200:
            raise RuntimeError(response.text)
        data = json.loads(response.content)
        return len(data["content"])

    return run


def _sync_sdk(url: str, lib: str | None) -> LLMWise:
    """`LLMWise()` on its own pool: made on httpx, or on `lib` (`http_library="httpx2"`, the SDK's
    defaults on httpx2, as a user who picks httpx2 gets them)."""
    from llmwise import LLMWise

    if lib is None:
        return LLMWise(api_key=API_KEY, base_url=url)
    return LLMWise(api_key=API_KEY, base_url=url, http_library=lib)  # type: ignore[arg-type]


def call_llmwise(url: str, lib: str | None = None) -> Call:
    client = _sync_sdk(url, lib)

    def run() -> int:
        answer = client.chat.create(model=MODEL, messages=MESSAGES, max_tokens=CALL_PIECES)  # type: ignore[arg-type]
        return len(answer.content)

    return run


def call_openai(url: str) -> Call:
    from openai import OpenAI

    client = OpenAI(api_key=API_KEY, base_url=f"{url}/v1")

    def run() -> int:
        answer = client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=CALL_PIECES)  # type: ignore[arg-type]
        return len(answer.choices[0].message.content or "")

    return run


# --- stream throughput: one long chat stream -----------------------------------------------------------


def _floor_stream(client: Any, endpoint: str, payload: dict[str, Any]) -> int:
    events = 0
    with client.stream("POST", endpoint, content=json.dumps(payload).encode(), headers=_headers()) as response:
        if response.status_code != 200:
            raise RuntimeError(response.read().decode())
        for line in response.iter_lines():
            if line.startswith("data: "):
                data = line[6:]
                if data == "[DONE]":
                    break
                json.loads(data)
                events += 1
    return events


def stream_floor(url: str, pieces: int, lib: str = "httpx") -> Call:
    """A plain `iter_lines` + `json.loads` loop over the LLMWise stream: parsing, no types."""
    client = _lib(lib).Client(timeout=60)
    endpoint = f"{url}/api/v1/chat"
    return lambda: _floor_stream(client, endpoint, _llmwise_payload(pieces, True))


def stream_floor_openai_shape(url: str, pieces: int) -> Call:
    """The same loop over the OpenAI-shaped stream (its events are about twice as large)."""
    client = httpx.Client(timeout=60)
    endpoint = f"{url}/v1/chat/completions"
    return lambda: _floor_stream(client, endpoint, _llmwise_payload(pieces, True))


def stream_llmwise(url: str, pieces: int, lib: str | None = None) -> Call:
    client = _sync_sdk(url, lib)

    def run() -> int:
        events = 0
        with client.chat.stream(model=MODEL, messages=MESSAGES, max_tokens=pieces) as stream:  # type: ignore[arg-type]
            for _event in stream:
                events += 1
        return events

    return run


def stream_openai(url: str, pieces: int) -> Call:
    from openai import OpenAI

    client = OpenAI(api_key=API_KEY, base_url=f"{url}/v1")

    def run() -> int:
        events = 0
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=pieces, stream=True)  # type: ignore[arg-type]
        with stream:
            for _chunk in stream:
                events += 1
        return events

    return run


def check_stream_text(url: str, pieces: int, lib: str | None = None) -> str:
    """The text llmwise assembles from a stream (the runner checks it against the server's)."""
    with _sync_sdk(url, lib) as client:
        stream = client.chat.stream(model=MODEL, messages=MESSAGES, max_tokens=pieces)  # type: ignore[arg-type]
        return stream.get_final_completion().content


# --- async: 1,000 requests at concurrency 100 ------------------------------------------------------------


async def _fan_out(total: int, concurrency: int, one: Callable[[], Awaitable[int]]) -> int:
    counts = [0]
    remaining = [total]

    async def worker() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            done = await one()  # not `counts[0] += await one()`: that reads counts[0] before awaiting
            counts[0] += done

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return counts[0]


def async_floor(url: str, total: int, concurrency: int, lib: str = "httpx") -> tuple[AsyncCall, Close]:
    """Raw `httpx.AsyncClient` (or `httpx2.AsyncClient`) + json, on a pool with the limits of the
    SDK's own (1,000 connections, 100 kept alive): with httpx's default (20 kept alive), the floor
    would reopen connections at 100 in flight and the comparison would favour the SDK."""
    module = _lib(lib)
    client = module.AsyncClient(timeout=60, limits=module.Limits(**_sdk_limits()))
    endpoint = f"{url}/api/v1/chat"
    headers = _headers()

    async def one() -> int:
        payload = _llmwise_payload(CALL_PIECES, False)
        response = await client.post(endpoint, content=json.dumps(payload).encode(), headers=headers)
        if response.status_code != 200:
            raise RuntimeError(response.text)
        return len(json.loads(response.content)["content"])

    return (lambda: _fan_out(total, concurrency, one)), client.aclose


def async_llmwise(url: str, total: int, concurrency: int, lib: str | None = None) -> tuple[AsyncCall, Close]:
    """`AsyncLLMWise()` on its own pool, made on httpx or on `lib` (`http_library="httpx2"`)."""
    from llmwise import AsyncLLMWise

    if lib is None:
        client = AsyncLLMWise(api_key=API_KEY, base_url=url)
    else:
        client = AsyncLLMWise(api_key=API_KEY, base_url=url, http_library=lib)  # type: ignore[arg-type]
    close = client.aclose

    async def one() -> int:
        answer = await client.chat.create(model=MODEL, messages=MESSAGES, max_tokens=CALL_PIECES)  # type: ignore[arg-type]
        return len(answer.content)

    return (lambda: _fan_out(total, concurrency, one)), close


# --- memory (run in a fresh process each) ----------------------------------------------------------------


# Resident memory, Linux only (None elsewhere). Not `getrusage().ru_maxrss`: Linux keeps that
# high-water mark across exec, so in a child it is the runner's size at fork. /proc/self/status's
# VmHWM is this process's own, and writing "5" to /proc/self/clear_refs resets it to the current
# resident size (Linux 4.0+), so the high-water mark of one stretch of work can be read.


def _proc_status_bytes(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024  # "VmHWM:   12345 kB"
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_rss_high_water() -> int | None:
    """Reset the resident high-water mark; the resident size now, or None if it cannot be done."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return None
    return _proc_status_bytes("VmRSS")


def _rss_growth(baseline: int | None) -> int | None:
    """How far the resident high-water mark rose above `baseline` (from `_reset_rss_high_water`)."""
    high = _proc_status_bytes("VmHWM")
    return None if baseline is None or high is None else high - baseline


def memory_stream(url: str, contender: str, events: int) -> dict[str, Any]:
    """Peak memory while reading one stream of `events` text events to the end (and keeping it):
    the resident high-water mark's rise over the resident size before it (a first read, untraced,
    as tracemalloc's own bookkeeping is resident too), then tracemalloc's peak (a second read)."""
    factory = {"floor": stream_floor, "llmwise": stream_llmwise}[contender]
    run = factory(url, events)
    factory(url, 10)()  # warm up: imports, pydantic schemas, the connection
    gc.collect()
    baseline = _reset_rss_high_water()
    run()
    rss_growth = _rss_growth(baseline)
    gc.collect()
    tracemalloc.start()
    count = run()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "events": count,
        "traced_peak_bytes": peak,
        "traced_retained_bytes": current,
        "rss_growth_bytes": rss_growth,
        "peak_rss_bytes": _proc_status_bytes("VmHWM"),
    }


async def _async_streams(url: str, contender: str, streams: int, events: int) -> int:
    limits = httpx.Limits(max_connections=streams, max_keepalive_connections=streams)
    payload = _llmwise_payload(events, True)
    if contender == "floor":
        client = httpx.AsyncClient(timeout=120, limits=limits)
        endpoint = f"{url}/api/v1/chat"

        async def one() -> int:
            count = 0
            body = json.dumps(payload).encode()
            async with client.stream("POST", endpoint, content=body, headers=_headers()) as response:
                async for line in response.aiter_lines():
                    if line.startswith("data: "):
                        data = line[6:]
                        if data == "[DONE]":
                            break
                        json.loads(data)
                        count += 1
            return count

        close = client.aclose
    else:
        from llmwise import AsyncLLMWise

        http = httpx.AsyncClient(timeout=120, limits=limits)
        sdk = AsyncLLMWise(api_key=API_KEY, base_url=url, http_client=http)

        async def one() -> int:
            count = 0
            async with sdk.chat.stream(model=MODEL, messages=MESSAGES, max_tokens=events) as stream:  # type: ignore[arg-type]
                async for _event in stream:
                    count += 1
            return count

        close = http.aclose
    await one()  # warm up
    gc.collect()
    baseline = _reset_rss_high_water()
    tracemalloc.start()
    counts = await asyncio.gather(*(one() for _ in range(streams)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = _rss_growth(baseline)  # tracemalloc's own bookkeeping included
    await close()
    print(
        json.dumps(
            {
                "events": sum(counts),
                "traced_peak_bytes": peak,
                "rss_growth_bytes": rss_growth,
                "peak_rss_bytes": _proc_status_bytes("VmHWM"),
            }
        )
    )
    return sum(counts)


async def open_streams(url: str, contender: str, streams: int, hold_s: float) -> int:
    """How many of `streams` concurrent streams, each started with the contender's *default* client
    and held after its first event until every stream has one (or `hold_s` passes), were open at
    once: a pool smaller than `streams` makes the rest queue."""
    state = {"open": 0, "most": 0}
    everyone = asyncio.Event()
    payload = _llmwise_payload(10, True)

    async def held() -> None:
        state["open"] += 1
        state["most"] = max(state["most"], state["open"])
        if state["open"] >= streams:
            everyone.set()
        try:
            await asyncio.wait_for(everyone.wait(), hold_s)
        except asyncio.TimeoutError:
            everyone.set()  # the pool holds fewer: let every stream finish
        state["open"] -= 1

    if contender == "floor":
        client = httpx.AsyncClient(timeout=120)  # httpx's default pool
        body = json.dumps(payload).encode()

        async def one() -> None:
            async with client.stream("POST", f"{url}/api/v1/chat", content=body, headers=_headers()) as response:
                lines = response.aiter_lines()
                async for line in lines:
                    if line.startswith("data: "):
                        break
                await held()
                async for _line in lines:
                    pass

        close = client.aclose
    else:
        from llmwise import AsyncLLMWise

        sdk = AsyncLLMWise(api_key=API_KEY, base_url=url, timeout=120)  # the SDK's default pool

        async def one() -> None:
            async with sdk.chat.stream(model=MODEL, messages=MESSAGES, max_tokens=10) as stream:  # type: ignore[arg-type]
                iterator = stream.__aiter__()
                await iterator.__anext__()
                await held()
                async for _event in iterator:
                    pass

        close = sdk.aclose
    await asyncio.gather(*(one() for _ in range(streams)))
    await close()
    return state["most"]


def main(argv: list[str]) -> int:
    task, url, contender, *rest = argv
    if task == "memory-stream":
        print(json.dumps(memory_stream(url, contender, int(rest[0]))))
    elif task == "memory-async":
        asyncio.run(_async_streams(url, contender, int(rest[0]), int(rest[1])))
    else:
        raise SystemExit(f"unknown task {task!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
