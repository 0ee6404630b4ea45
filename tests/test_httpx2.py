"""The SDK on httpx2 beside httpx: a caller's `httpx2` client, or `http_library="httpx2"`.

httpx stays the SDK's dependency and default; these tests run with both libraries imported, as an
application that moves to httpx2 has them: every error an httpx2 client raises must still be an
`LLMWiseError`, every retry and deadline must still hold, and nothing httpx-specific may reach the
httpx2 client (it refuses an `httpx.Timeout`). The rest of the transport and stream suites also run
with httpx2 in place of httpx (scripts/httpx2_lane.py, in scripts/check.py).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("httpx2", reason="httpx2 needs Python 3.11+")

import httpx2

import llmwise._base_client as base_client
from llmwise import (
    APIConnectionError,
    APITimeoutError,
    AsyncLLMWise,
    DeadlineExceededError,
    IncompleteStreamError,
    InternalServerError,
    LLMWise,
)
from llmwise import _http as net
from llmwise.sandbox import SandboxServer
from support import KEY, collect_stream, run

MSG: Any = [{"role": "user", "content": "Say hello"}]
SRC = Path(__file__).resolve().parent.parent / "src" / "llmwise"

if httpx.__name__ == "httpx2":  # the httpx2 lane aliases httpx to httpx2: nothing to mix then
    pytest.skip("httpx is httpx2 in this run (scripts/httpx2_lane.py)", allow_module_level=True)


def chat_body(content: str = "hello") -> dict[str, Any]:
    return {"id": "req_1", "model": "gpt-5.2", "content": content, "prompt_tokens": 3, "completion_tokens": 1}


STREAM = [
    b'data: {"delta": "Hel", "done": false}\n\n',
    b'data: {"delta": "lo", "done": false}\n\n',
    b'data: {"event": "done", "credits_charged": 1, "done": true}\n\n',
    b"data: [DONE]\n\n",
]


class Body(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """An httpx2 response body in the given chunks; `between` runs before each chunk after the
    first; `error` is raised after the last."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None, between: Callable[[], None] | None = None):
        self.chunks, self.error, self.between = chunks, error, between

    def __iter__(self) -> Iterator[bytes]:
        for i, chunk in enumerate(self.chunks):
            if i and self.between is not None:
                self.between()
            yield chunk
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> Any:
        for chunk in self.__iter__():
            yield chunk


class Script:
    """An httpx2 MockTransport handler answering from a list (the last answer repeats)."""

    def __init__(self, *answers: Callable[[Any], Any]) -> None:
        self.answers = list(answers)
        self.requests: list[Any] = []

    def __call__(self, request: Any) -> Any:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests) - 1, len(self.answers) - 1)]
        return answer(request)


def ok(request: Any) -> Any:
    return httpx2.Response(200, json=chat_body())


def client_on(mode: str, handler: Callable[[Any], Any], **kwargs: Any) -> Any:
    transport = httpx2.MockTransport(handler)
    kwargs.setdefault("base_url", "http://test.local")
    if mode == "sync":
        return LLMWise(KEY, http_client=httpx2.Client(transport=transport), **kwargs)
    return AsyncLLMWise(KEY, http_client=httpx2.AsyncClient(transport=transport), **kwargs)


def chat(client: Any, **kwargs: Any) -> Any:
    return run(client.chat.create(model="gpt-5.2", messages=MSG, **kwargs))


def raised(call: Callable[[], Any]) -> BaseException:
    try:
        run(call())
    except BaseException as exc:  # the test checks its class
        return exc
    raise AssertionError("nothing was raised")


@pytest.fixture
def served() -> Iterator[SandboxServer]:
    from llmwise.sandbox import Sandbox

    with SandboxServer(Sandbox()) as server:
        yield server


# --- against a real server, over httpcore2 ----------------------------------------------------------


def test_an_httpx2_client_calls_and_streams_over_a_real_connection(mode: str, served: SandboxServer) -> None:
    http: Any = httpx2.Client() if mode == "sync" else httpx2.AsyncClient()
    client: Any = (LLMWise if mode == "sync" else AsyncLLMWise)(KEY, base_url=served.base_url, http_client=http)
    completion = chat(client)
    assert completion.content and completion.credits_charged is not None
    events, error, stream = collect_stream(client, model="gpt-5.2", messages=MSG)
    assert error is None and stream.text and len(events) > 2
    compare_events, error, _ = collect_stream(client, "compare", models=["gpt-5.2", "claude-sonnet-4.5"], messages=MSG)
    assert error is None and compare_events
    raw = run(client.chat.with_raw_response.create(model="gpt-5.2", messages=MSG))
    assert isinstance(raw.http_response, httpx2.Response) and run(raw.parse()).content
    sent = served.sandbox.requests
    assert all(r.headers["user-agent"].endswith(f"httpx2/{httpx2.__version__}") for r in sent), sent[-1].headers
    # The caller's client stays the caller's: close() leaves it open.
    run(client.close() if mode == "sync" else client.aclose())
    assert not http.is_closed
    run(http.close() if mode == "sync" else http.aclose())


def test_http_library_httpx2_makes_the_sdks_own_pool_on_httpx2(mode: str, served: SandboxServer) -> None:
    cls = LLMWise if mode == "sync" else AsyncLLMWise
    client: Any = cls(KEY, base_url=served.base_url, http_library="httpx2")
    assert chat(client).content
    _, error, stream = collect_stream(client, model="gpt-5.2", messages=MSG)
    assert error is None and stream.text
    pool: Any = client._http
    assert isinstance(pool, httpx2.AsyncClient if mode == "async" else httpx2.Client)
    # The SDK's defaults, on httpx2 too: 1,000 connections, no redirects, its timeout.
    transport: Any = pool._transport
    assert transport._pool._max_connections == 1000
    assert pool.follow_redirects is False and pool.timeout == httpx2.Timeout(60.0, connect=10.0)
    assert served.sandbox.requests[0].headers["user-agent"].endswith(f"httpx2/{httpx2.__version__}")
    run(client.close() if mode == "sync" else client.aclose())
    assert client.is_closed and pool.is_closed


# --- errors, retries, timeouts and deadlines from httpx2's classes ------------------------------


def test_httpx2_connection_errors_are_retried_then_raised_as_sdk_errors(mode: str, sleeps: list[float]) -> None:
    def refuse(request: Any) -> Any:
        raise httpx2.ConnectError("connection refused", request=request)

    server = Script(refuse)
    err = raised(lambda: chat(client_on(mode, server, max_retries=2)))
    assert type(err) is APIConnectionError and "connection refused" in str(err)
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_an_httpx2_read_timeout_is_an_api_timeout_error(mode: str, sleeps: list[float]) -> None:
    def slow(request: Any) -> Any:
        raise httpx2.ReadTimeout("timed out", request=request)

    server = Script(slow)
    err = raised(lambda: chat(client_on(mode, server, max_retries=1)))
    assert isinstance(err, APITimeoutError) and len(server.requests) == 2


def test_a_5xx_then_success_is_retried(mode: str, sleeps: list[float]) -> None:
    server = Script(lambda r: httpx2.Response(503, json={"error": "busy"}), ok)
    assert chat(client_on(mode, server)).content == "hello"
    assert len(server.requests) == 2 and len(sleeps) == 1
    err = raised(lambda: chat(client_on(mode, Script(lambda r: httpx2.Response(500, json={"error": "boom"})), max_retries=0)))
    assert isinstance(err, InternalServerError) and err.message == "boom"


def test_a_stream_broken_by_httpx2_keeps_what_arrived(mode: str) -> None:
    def respond(request: Any) -> Any:
        body = Body(STREAM[:2], error=httpx2.RemoteProtocolError("peer closed connection"))
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    events, err, stream = collect_stream(client_on(mode, Script(respond)), model="gpt-5.2", messages=MSG)
    assert isinstance(err, IncompleteStreamError), repr(err)
    assert err.partial_text == "Hello" == stream.text and len(events) == 2


def test_httpx_timeouts_are_given_to_httpx2_as_httpx2_timeouts(mode: str, sleeps: list[float]) -> None:
    # The client's and the call's `timeout` may be httpx's (or a number): httpx2 gets its own class.
    server = Script(ok)
    client = client_on(mode, server, timeout=httpx.Timeout(30.0, connect=3.0))
    chat(client)
    chat(client, timeout=httpx.Timeout(7.0))
    chat(client, timeout=httpx2.Timeout(8.0, read=2.0))
    chat(client, timeout=9)
    assert [r.extensions["timeout"] for r in server.requests] == [
        {"connect": 3.0, "read": 30.0, "write": 30.0, "pool": 30.0},
        {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0},
        {"connect": 8.0, "read": 2.0, "write": 8.0, "pool": 8.0},
        {"connect": 9, "read": 9, "write": 9, "pool": 9},
    ]


def test_an_httpx2_timeout_works_on_the_default_httpx_pool(mode: str) -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json=chat_body())

    transport = httpx.MockTransport(handler)
    timeout = httpx2.Timeout(12.0, connect=1.0)
    if mode == "sync":
        client: Any = LLMWise(KEY, base_url="http://t", timeout=timeout, http_client=httpx.Client(transport=transport))
    else:
        client = AsyncLLMWise(KEY, base_url="http://t", timeout=timeout, http_client=httpx.AsyncClient(transport=transport))
    chat(client)
    assert seen == [{"connect": 1.0, "read": 12.0, "write": 12.0, "pool": 12.0}]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_deadline_stops_an_httpx2_stream_that_trickles_past_it(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(base_client, "_clock", clock)

    def later() -> None:
        clock.now += 10

    def respond(request: Any) -> Any:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=Body(STREAM, between=later))

    server = Script(respond)
    events, err, stream = collect_stream(client_on(mode, server), model="gpt-5.2", messages=MSG, deadline=5)
    assert isinstance(err, DeadlineExceededError), repr(err)
    assert stream.text == "Hel" and len(events) == 1
    # The deadline capped the attempt's timeouts, in httpx2's class.
    assert server.requests[0].extensions["timeout"] == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


# --- what the caller may pass -------------------------------------------------------------------


def test_the_wrong_kind_of_client_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"httpx\.Client or httpx2\.Client, got AsyncClient \(the sync client needs"):
        LLMWise(KEY, http_client=httpx2.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"httpx\.AsyncClient or httpx2\.AsyncClient, got Client"):
        AsyncLLMWise(KEY, http_client=httpx2.Client())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got object"):
        LLMWise(KEY, http_client=object())  # type: ignore[arg-type]


def test_http_library_is_checked() -> None:
    with pytest.raises(ValueError, match="http_library must be one of 'httpx', 'httpx2', got 'requests'"):
        LLMWise(KEY, http_library="requests")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="http_library='httpx2' but http_client is an httpx client"):
        LLMWise(KEY, http_client=httpx.Client(), http_library="httpx2")
    # "httpx" is the default, and what it says.
    client = LLMWise(KEY, http_library="httpx")
    assert isinstance(client._http, httpx.Client)
    client.close()


def test_a_missing_httpx2_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(net, "_LIBRARIES", {"httpx": net.HTTPX})
    monkeypatch.setitem(sys.modules, "httpx2", None)  # makes `import httpx2` fail
    with pytest.raises(ImportError, match=r'pip install "llmwise\[httpx2\]"'):
        AsyncLLMWise(KEY, http_library="httpx2")


def test_the_http_library_is_named_in_one_module_only() -> None:
    # The client's code reaches httpx (or httpx2) through llmwise._http only. The sandbox and the
    # testing helpers are servers and fixtures built on httpx, not the client.
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel == "_http.py" or rel.startswith(("sandbox/", "testing/")):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            if any(name.split(".")[0] in ("httpx", "httpx2", "httpcore", "httpcore2") for name in names):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []


# --- the sandbox in-process, for an httpx2 client -------------------------------------------------


def test_the_sandbox_answers_an_httpx2_client_in_process(mode: str, sleeps: list[float]) -> None:
    from llmwise.sandbox import Sandbox

    sandbox = Sandbox()
    if mode == "sync":
        http: Any = httpx2.Client(transport=sandbox.transport("httpx2"))
        client: Any = LLMWise(KEY, base_url="http://sandbox/api/v1", http_client=http)
    else:
        http = httpx2.AsyncClient(transport=sandbox.async_transport("httpx2"))
        client = AsyncLLMWise(KEY, base_url="http://sandbox/api/v1", http_client=http)
    assert chat(client).content
    events, error, stream = collect_stream(client, model="gpt-5.2", messages=MSG)
    assert error is None and len(events) > 2 and stream.text
    # A cut connection is httpx2's own RemoteProtocolError inside, an IncompleteStreamError outside.
    sandbox.cut_stream(after_events=2)
    events, error, stream = collect_stream(client, model="gpt-5.2", messages=MSG)
    assert isinstance(error, IncompleteStreamError), repr(error)
    assert isinstance(error.__cause__, httpx2.RemoteProtocolError)
    assert len(events) == 2 and error.partial_text == stream.text != ""
    # A retried 503 comes back through the same transport.
    sandbox.server_error(503, times=1)
    assert chat(client).content and len(sleeps) == 1
    assert [r.status for r in sandbox.requests][-2:] == [503, 200]


def test_the_sandbox_transport_refuses_an_unknown_library() -> None:
    from llmwise.sandbox import Sandbox

    with pytest.raises(ValueError, match="library must be 'httpx' or 'httpx2', got 'requests'"):
        Sandbox().transport("requests")  # type: ignore[call-overload]


def test_a_0_1_style_injected_httpx2_client_supplies_url_and_key(mode: str) -> None:
    # 0.1's `client=` (deprecated) with an httpx2 client: its base URL and Authorization header are
    # the configuration, as with an httpx one.
    from llmwise.sandbox import Sandbox

    sandbox = Sandbox()
    headers = {"Authorization": f"Bearer {KEY}"}
    if mode == "sync":
        http: Any = httpx2.Client(transport=sandbox.transport("httpx2"), base_url="http://sandbox/api/v1", headers=headers)
    else:
        http = httpx2.AsyncClient(
            transport=sandbox.async_transport("httpx2"), base_url="http://sandbox/api/v1", headers=headers
        )
    cls: Any = LLMWise if mode == "sync" else AsyncLLMWise
    with pytest.warns(DeprecationWarning):
        client = cls(client=http)
    assert (client.api_key, client.base_url) == (KEY, "http://sandbox/api/v1")
    assert run(client.keys.info()).has_key is True
