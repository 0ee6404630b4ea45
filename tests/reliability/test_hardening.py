"""Hardening of the transport (issue #11): fork safety, typed failures, early argument checks,
Retry-After edge cases, an overall deadline, and a key that stays out of `vars(client)`.

Every failure here is one a user could hit in production: a preforked worker reading another
process's answer, a server header that crashed error construction, an argument that was accepted
and then broke every request. Nothing asserts a duration: time is a fake clock where it matters,
and real servers (127.0.0.1, port 0) only show what went over the wire.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
import os
import select
import signal
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

import llmwise._base_client as base_client
from llmwise import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncLLMWise,
    InternalServerError,
    LLMWise,
    LLMWiseError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
)
from llmwise._base_client import Operation
from llmwise._exceptions import (
    ClientClosedError,
    DeadlineExceededError,
    InvalidRequestError,
    StreamDeadlineExceededError,
)
from llmwise.types.shared import MessageParam
from support import ChunkedBody, collect_stream, run, sse

from .reliability_support import HANG_GUARD, KEY, key_leaks

MSG: list[MessageParam] = [{"role": "user", "content": "hi"}]
OK_BODY = {"id": "req_1", "model": "gpt-5.2", "content": "hello", "credits_charged": 1, "credits_remaining": 9}
STREAM_EVENTS = sse(
    '{"model":"gpt-5.2","delta":"Hel","done":false}',
    '{"model":"gpt-5.2","delta":"lo","done":false}',
    '{"event":"done","model":"gpt-5.2","credits_charged":1,"credits_remaining":9,"finish_reason":"stop"}',
    "[DONE]",
)
# A value that must never be echoed: it stands for a secret put in a custom header.
HEADER_SECRET = "tok_" + "HeaderS3cret" * 3


Client = LLMWise | AsyncLLMWise


# --- helpers ------------------------------------------------------------------------------------


class Script:
    """A mock server answering from a list of responses (or exceptions to raise), recording requests."""

    def __init__(self, *items: Any) -> None:
        self.items = list(items)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.items.pop(0) if len(self.items) > 1 else self.items[0]
        if isinstance(item, BaseException):
            raise item
        if callable(item):
            result: httpx.Response = item(request)
            return result
        assert isinstance(item, httpx.Response)
        return item


def ok() -> httpx.Response:
    return httpx.Response(200, json=OK_BODY)


def status(code: int, headers: dict[str, str] | None = None, body: Any = None) -> httpx.Response:
    return httpx.Response(code, json=body if body is not None else {"error": f"failure {code}"}, headers=headers)


def make_client(mode: str, handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> Any:
    """A client on a MockTransport; `http_kwargs` go to the httpx client."""
    http_kwargs = kwargs.pop("http_kwargs", {})
    transport = httpx.MockTransport(handler)
    kwargs.setdefault("base_url", "http://test.local")
    if mode == "sync":
        return LLMWise(KEY, http_client=httpx.Client(transport=transport, **http_kwargs), **kwargs)
    return AsyncLLMWise(KEY, http_client=httpx.AsyncClient(transport=transport, **http_kwargs), **kwargs)


def chat(client: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("model", "gpt-5.2")
    kwargs.setdefault("messages", MSG)
    return run(client.chat.create(**kwargs))


def raised(call: Callable[[], Any]) -> BaseException:
    """The exception `call()` raised (running it if it returns a coroutine)."""
    try:
        run(call())
    except BaseException as exc:  # the test checks its class
        return exc
    raise AssertionError("nothing was raised")


def echo_op() -> Operation[Any]:
    return Operation("GET", "/echo", parse=lambda data: data)


class FakeClock:
    """The transport's monotonic clock, advanced only by (fake) retry waits and by hand."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    # raising=False: on a transport without a clock seam the test fails on its assertions, not here.
    monkeypatch.setattr(base_client, "_clock", fake, raising=False)
    monkeypatch.setattr(base_client, "_sleep", fake.sleep)
    monkeypatch.setattr(base_client, "_async_sleep", fake.async_sleep)
    return fake


# --- a real server on 127.0.0.1 -----------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(dict(self.headers))
        if self.path.endswith("/silent"):
            self.server.stop.wait(HANG_GUARD)  # never answers (until the server stops)
            return
        # One handler per connection: the client's port names the connection.
        body = json.dumps({"conn": self.client_address[1], "who": self.headers.get("X-Who")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stop = threading.Event()
        self.requests: list[dict[str, str]] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v1"


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.stop.set()
        srv.shutdown()
        srv.server_close()
        thread.join(HANG_GUARD)


def real_client(mode: str, base_url: str, **kwargs: Any) -> Any:
    kwargs.setdefault("timeout", 10.0)
    return LLMWise(KEY, base_url=base_url, **kwargs) if mode == "sync" else AsyncLLMWise(KEY, base_url=base_url, **kwargs)


def close(client: Any) -> None:
    if isinstance(client, LLMWise):
        client.close()
    else:
        run(client.aclose())


# --- 2. a client used before os.fork() ------------------------------------------------------------


def _in_child(client: Any, who: str) -> dict[str, Any]:
    op = echo_op()
    op.options = {"extra_headers": {"X-Who": who}}
    if isinstance(client, LLMWise):
        result: dict[str, Any] = client.request(op)
        return result
    # A forked child runs its own event loop: the parent's is not running here.
    return asyncio.run(client.request(op))


def _fork_and_call(client: Any, who: str) -> dict[str, Any]:
    """Call the echo endpoint in a forked child; what the child got (or its error)."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a process with threads (the server's): the child
        # here only makes one call and leaves through os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_end)
            try:
                result: dict[str, Any] = _in_child(client, who)
            except BaseException as exc:
                result = {"error": f"{type(exc).__name__}: {exc}"}
            os.write(write_end, json.dumps(result).encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        # Bounded: a child that hangs is killed (it has a 10 s client timeout anyway).
        ready, _, _ = select.select([read_end], [], [], HANG_GUARD)
        if not ready:
            os.kill(pid, signal.SIGKILL)
        data = b""
        while ready:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    assert data, "the forked child reported nothing"
    child: dict[str, Any] = json.loads(data)
    return child


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone(mode: str, server: _Server) -> None:
    client = real_client(mode, server.base_url, max_retries=0)
    try:
        op = echo_op()
        op.options = {"extra_headers": {"X-Who": "parent"}}
        first = run(client.request(op))
        assert first["who"] == "parent"

        child = _fork_and_call(client, "child")
        assert "error" not in child, child
        assert child["who"] == "child"
        # The child must not reuse the parent's keep-alive connection: on a shared socket, parent
        # and child each read whichever answer arrived first (each other's, under load).
        assert child["conn"] != first["conn"]

        op = echo_op()
        op.options = {"extra_headers": {"X-Who": "parent-again"}}
        again = run(client.request(op))
        assert again["who"] == "parent-again"
        # ...and the parent's pooled connection was not disturbed by the child (not shut down).
        assert again["conn"] == first["conn"]
    finally:
        close(client)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_safety_covers_a_given_http_client_and_with_options_copies(mode: str, server: _Server) -> None:
    http: Any = httpx.Client(timeout=10) if mode == "sync" else httpx.AsyncClient(timeout=10)
    client = (LLMWise if mode == "sync" else AsyncLLMWise)(KEY, base_url=server.base_url, http_client=http)
    copy = client.with_options(max_retries=0)
    try:
        first = run(copy.request(echo_op()))
        child = _fork_and_call(copy, "child")
        assert "error" not in child, child
        assert child["conn"] != first["conn"]
        assert run(client.request(echo_op()))["conn"] == first["conn"]
    finally:
        run(http.close() if mode == "sync" else http.aclose())


# --- 4. failures that escaped untyped -------------------------------------------------------------


@pytest.mark.parametrize("loc", [3, None, "body", [], ["body", 0, None, "messages"]])
def test_422_detail_with_odd_loc(mode: str, loc: Any) -> None:
    body = {"detail": [{"loc": loc, "msg": "field required", "type": "missing"}, "plain text", {"x": 1}]}
    err = raised(lambda: chat(make_client(mode, Script(status(422, body=body)))))
    assert isinstance(err, UnprocessableEntityError)
    assert "field required" in err.message


@pytest.mark.parametrize(
    "value",
    ["Fri, 01 Jan 10000 00:00:00 GMT", "Mon, 01 Jan 0001 00:00:00", "Thu, 01 Jan 1970 00:00:00 +9999", "1e999"],
)
def test_unreadable_retry_after_is_ignored(mode: str, value: str, sleeps: list[float]) -> None:
    server = Script(status(429, {"Retry-After": value}), ok())
    assert chat(make_client(mode, server)).content == "hello"
    assert len(server.requests) == 2
    err = raised(lambda: chat(make_client(mode, Script(status(429, {"Retry-After": value}))), max_retries=0))
    assert isinstance(err, RateLimitError)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e999", "-1e999", "12abc"])
def test_rate_limit_headers_out_of_range(mode: str, value: str) -> None:
    headers = {"x-ratelimit-limit": value, "x-ratelimit-remaining": value, "x-ratelimit-reset": value}
    err = raised(lambda: chat(make_client(mode, Script(status(400, headers))), max_retries=0))
    assert isinstance(err, APIError)
    info = err.rate_limit  # type: ignore[attr-defined]
    assert (info.limit, info.remaining, info.reset) == (None, None, None)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.DecodingError("bad gzip"),
        httpx.TooManyRedirects("too many"),
        httpx.StreamConsumed(),
        RuntimeError("transport bug"),
        KeyError("missing"),
        ValueError("bad value"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_anything_send_raises_is_an_sdk_error(mode: str, exc: Exception, sleeps: list[float]) -> None:
    err = raised(lambda: chat(make_client(mode, Script(exc)), max_retries=1))
    assert isinstance(err, APIError), repr(err)
    assert type(exc).__name__ in err.message or str(exc) in err.message


def test_an_error_quoting_the_key_is_not_echoed(mode: str, sleeps: list[float]) -> None:
    def leaky(request: httpx.Request) -> httpx.Response:
        raise RuntimeError(f"proxy refused {request.headers['authorization']}")

    err = raised(lambda: chat(make_client(mode, leaky), max_retries=0))
    assert isinstance(err, APIConnectionError) and "RuntimeError" in err.message
    text = "".join(traceback.format_exception(err))
    assert key_leaks(text) == [] and key_leaks(repr(err)) == []


def test_redirect_loop_of_a_following_http_client(mode: str, sleeps: list[float]) -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": str(request.url)})

    server = Script(loop)
    client = make_client(mode, server, http_kwargs={"follow_redirects": True, "max_redirects": 3})
    err = raised(lambda: chat(client))
    assert isinstance(err, APIError) and "redirect" in err.message.lower()
    assert sleeps == []  # a redirect loop does not go away by retrying


def test_raise_for_status_in_a_response_hook_gives_the_status_error(mode: str, sleeps: list[float]) -> None:
    def hook(response: httpx.Response) -> None:
        response.raise_for_status()

    async def async_hook(response: httpx.Response) -> None:
        response.raise_for_status()

    hooks = {"response": [hook if mode == "sync" else async_hook]}
    err = raised(lambda: chat(make_client(mode, Script(status(404)), http_kwargs={"event_hooks": hooks})))
    assert isinstance(err, NotFoundError) and err.message.endswith("failure 404")
    server = Script(status(503), ok())
    assert chat(make_client(mode, server, http_kwargs={"event_hooks": hooks})).content == "hello"
    assert len(server.requests) == 2


def test_a_huge_id_fails_before_sending(mode: str) -> None:
    server = Script(ok())
    client = make_client(mode, server)
    err = raised(lambda: client.conversations.retrieve("a" * 100_000))
    assert isinstance(err, InvalidRequestError) and isinstance(err, ValueError)
    assert "too long" in err.message
    assert server.requests == []


@pytest.mark.parametrize("own_pool", [True, False])
def test_a_call_after_close_says_the_client_is_closed(mode: str, own_pool: bool, sleeps: list[float]) -> None:
    if own_pool:
        client = real_client(mode, "http://127.0.0.1:9")
    else:
        client = make_client(mode, Script(ok()))
    copy = client.with_options(timeout=5)
    close(client)
    if not own_pool:  # the pool given as http_client is closed by its owner
        http = client._http
        if mode == "sync":
            http.close()
        else:
            run(http.aclose())
    for each in (client, copy):
        err = raised(functools.partial(chat, each))
        assert isinstance(err, ClientClosedError) and isinstance(err, RuntimeError)
        assert "closed" in err.message
    assert sleeps == []


# --- 5. bad arguments are refused at once ---------------------------------------------------------


BAD_TIMEOUTS = [-1, 0, math.nan, math.inf, -math.inf, httpx.Timeout(5.0, read=-1), httpx.Timeout(math.nan)]


@pytest.mark.parametrize("timeout", BAD_TIMEOUTS, ids=repr)
def test_bad_timeouts_are_refused_where_given(mode: str, timeout: Any) -> None:
    cls = LLMWise if mode == "sync" else AsyncLLMWise
    with pytest.raises(ValueError, match="timeout"):
        cls(KEY, timeout=timeout)
    server = Script(ok())
    client = make_client(mode, server)
    with pytest.raises(ValueError, match="timeout"):
        client.with_options(timeout=timeout)
    err = raised(lambda: chat(client, timeout=timeout))
    assert isinstance(err, ValueError) and "timeout" in str(err)
    assert server.requests == []


def test_good_timeouts_are_kept(mode: str) -> None:
    server = Script(ok())
    client = make_client(mode, server, timeout=httpx.Timeout(5.0, pool=0))
    chat(client, timeout=httpx.Timeout(None))
    chat(client.with_options(timeout=7))
    assert [r.extensions["timeout"]["read"] for r in server.requests] == [None, 7]


@pytest.mark.parametrize(
    "url", ["http://h.test/api/v1?region=eu", "http://h.test/?x", "http://h.test/api/v1#frag", "http://h.test#"]
)
def test_base_url_with_query_or_fragment_is_refused(mode: str, url: str) -> None:
    cls = LLMWise if mode == "sync" else AsyncLLMWise
    with pytest.raises(LLMWiseError, match=r"query|fragment"):
        cls(KEY, base_url=url)
    with pytest.raises(LLMWiseError, match=r"query|fragment"):
        cls(KEY, base_url="http://h.test").with_options(base_url=url)


BAD_VALUES = [f"{HEADER_SECRET}\r\nX-Injected: 1", f"{HEADER_SECRET}\n", f"\0{HEADER_SECRET}", f" {HEADER_SECRET}", f"{HEADER_SECRET}é"]


@pytest.mark.parametrize("value", BAD_VALUES, ids=range(len(BAD_VALUES)))
@pytest.mark.parametrize("where", ["extra_headers", "idempotency_key", "default_headers", "with_options"])
def test_unsendable_header_values_fail_at_once_without_echo(
    mode: str, where: str, value: str, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="llmwise")
    server = Script(ok())
    client = make_client(mode, server)
    if where == "extra_headers":
        err = raised(lambda: chat(client, extra_headers={"X-Secret": value}))
    elif where == "idempotency_key":
        err = raised(lambda: chat(client, idempotency_key=value))
    elif where == "default_headers":
        err = raised(lambda: make_client(mode, server, default_headers={"X-Secret": value}))
    else:
        err = raised(lambda: client.with_options(default_headers={"X-Secret": value}))
    assert isinstance(err, InvalidRequestError) and isinstance(err, ValueError), repr(err)
    assert server.requests == [] and sleeps == []
    for text in (str(err), repr(err), caplog.text):
        assert "HeaderS3cret" not in text


def test_unsendable_header_names_fail_at_once(mode: str) -> None:
    server = Script(ok())
    client = make_client(mode, server)
    for name in ("X Bad", "X-Bad:", "X-Bad\r\n", ""):
        err = raised(functools.partial(chat, client, extra_headers={name: "v"}))
        assert isinstance(err, InvalidRequestError), repr(err)
    assert server.requests == []


def test_header_broken_after_construction_is_not_retried_nor_echoed_over_a_socket(
    mode: str, server: _Server, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # default_headers is a plain dict: a value set after construction is only caught by httpx.
    caplog.set_level(logging.INFO, logger="llmwise")
    client = real_client(mode, server.base_url)
    try:
        client.default_headers["X-Secret"] = f"{HEADER_SECRET}\r\nX-Injected: 1"
        err = raised(lambda: client.request(echo_op()))
        assert isinstance(err, InvalidRequestError), repr(err)
        assert sleeps == [] and server.requests == []
        for text in (str(err), repr(err), caplog.text):
            assert "HeaderS3cret" not in text
    finally:
        close(client)


# --- 6. Retry-After that asks for no wait --------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "-1"},
        {"Retry-After": "0"},
        {"Retry-After": "Thu, 01 Jan 2004 00:00:00 GMT"},
        {"retry-after-ms": "-5"},
        {"retry-after-ms": "0"},
    ],
)
def test_non_positive_retry_after_uses_backoff(mode: str, headers: dict[str, str], sleeps: list[float]) -> None:
    server = Script(status(503, headers), status(503, headers), ok())
    assert chat(make_client(mode, server)).content == "hello"
    assert len(sleeps) == 2
    assert sleeps[0] >= base_client.INITIAL_RETRY_DELAY * 0.75
    assert sleeps[1] >= base_client.INITIAL_RETRY_DELAY * 2 * 0.75


# --- 8. an overall deadline -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-1, 0, math.nan, math.inf, "5", True])
def test_bad_deadlines_are_refused_where_given(mode: str, value: Any) -> None:
    cls = LLMWise if mode == "sync" else AsyncLLMWise
    assert cls(KEY, deadline=2.5).with_options(deadline=1).deadline == 1  # the good ones are taken
    with pytest.raises((ValueError, TypeError), match="deadline"):
        cls(KEY, deadline=value)
    server = Script(ok())
    client = make_client(mode, server)
    with pytest.raises((ValueError, TypeError), match="deadline"):
        client.with_options(deadline=value)
    err = raised(lambda: chat(client, deadline=value))
    assert isinstance(err, (ValueError, TypeError)) and "deadline" in str(err)
    assert server.requests == []


def test_deadline_is_a_timeout_error() -> None:
    assert issubclass(DeadlineExceededError, APITimeoutError)
    assert issubclass(DeadlineExceededError, APIConnectionError)


def test_deadline_caps_the_timeout_of_each_attempt(mode: str, clock: FakeClock) -> None:
    server = Script(status(503, {"Retry-After": "1"}), ok())
    client = make_client(mode, server, timeout=httpx.Timeout(60.0, connect=2.0), deadline=5)
    assert client.deadline == 5
    assert chat(client).content == "hello"
    first, second = (r.extensions["timeout"] for r in server.requests)
    assert first == {"connect": 2.0, "read": 5.0, "write": 5.0, "pool": 5.0}
    assert second == {"connect": 2.0, "read": 4.0, "write": 4.0, "pool": 4.0}


@pytest.mark.parametrize("where", ["client", "with_options", "call"])
def test_deadline_bounds_all_attempts_and_waits(mode: str, where: str, clock: FakeClock) -> None:
    server = Script(status(503, {"Retry-After": "4"}))
    client = make_client(mode, server, max_retries=5, deadline=10 if where == "client" else None)
    if where == "with_options":
        client = client.with_options(deadline=10)
    err = raised(lambda: chat(client, **({"deadline": 10} if where == "call" else {})))
    assert isinstance(err, DeadlineExceededError), repr(err)
    # Attempts at t=0, 4, 8; the third wait would end past t=10, so it is not waited.
    assert len(server.requests) == 3 and clock.sleeps == [4.0, 4.0]
    assert isinstance(err.last_error, InternalServerError) and err.__cause__ is err.last_error
    assert "deadline" in err.message.lower()


def test_a_wait_past_the_deadline_is_not_waited(mode: str, clock: FakeClock) -> None:
    server = Script(status(429, {"Retry-After": "30"}), ok())
    err = raised(lambda: chat(make_client(mode, server), deadline=5))
    assert isinstance(err, DeadlineExceededError)
    assert isinstance(err.last_error, RateLimitError) and err.last_error.retry_after == 30
    assert len(server.requests) == 1 and clock.sleeps == []


def test_per_call_deadline_none_turns_the_clients_off(mode: str, clock: FakeClock) -> None:
    server = Script(status(503, {"Retry-After": "4"}), status(503, {"Retry-After": "4"}), ok())
    client = make_client(mode, server, deadline=5)
    assert chat(client, deadline=None).content == "hello"
    assert clock.sleeps == [4.0, 4.0]


def test_deadline_passing_while_the_body_arrives(mode: str, clock: FakeClock) -> None:
    class SlowBody(ChunkedBody):
        def __iter__(self) -> Iterator[bytes]:
            yield b'{"id": "req_1", '
            clock.now += 10
            yield b'"model": "gpt-5.2", "content": "hello"}'

        async def __aiter__(self) -> Any:
            for chunk in SlowBody.__iter__(self):
                yield chunk

    server = Script(lambda request: httpx.Response(200, stream=SlowBody([])))
    err = raised(lambda: chat(make_client(mode, server), deadline=5))
    assert isinstance(err, DeadlineExceededError), repr(err)
    assert len(server.requests) == 1


def test_deadline_bounds_a_streams_whole_life(mode: str, clock: FakeClock) -> None:
    class SlowStream(ChunkedBody):
        def __iter__(self) -> Iterator[bytes]:
            yield STREAM_EVENTS[0]
            clock.now += 10
            yield from STREAM_EVENTS[1:]

        async def __aiter__(self) -> Any:
            for chunk in SlowStream.__iter__(self):
                yield chunk

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=SlowStream([]))

    client = make_client(mode, Script(respond))
    events, err, stream = collect_stream(client, model="gpt-5.2", messages=MSG, deadline=5)
    assert isinstance(err, DeadlineExceededError), repr(err)
    assert len(events) == 1
    # A stream error too: what arrived before the deadline is on it, and on the stream.
    assert isinstance(err, StreamDeadlineExceededError), repr(err)
    assert err.partial_text == "Hel" == stream.text
    assert isinstance(err.__cause__, DeadlineExceededError)


def test_the_deadline_is_on_the_operation_for_the_stream_to_check(mode: str, clock: FakeClock) -> None:
    # A stream checks `deadline_at` (the `_clock()` time it passes) as it reads.
    client = make_client(mode, Script(ok()))
    op = echo_op()
    seen: list[float | None] = []
    for caller, options in ((client, {}), (client, {"deadline": 5}), (client.with_options(deadline=7), {})):
        op.options = options  # type: ignore[assignment]
        run(caller.request(op))
        seen.append(op.deadline_at)
    assert seen == [None, 1005.0, 1007.0]


def test_no_deadline_by_default(mode: str) -> None:
    server = Script(ok())
    client = make_client(mode, server)
    assert client.deadline is None
    chat(client)
    assert server.requests[0].extensions["timeout"]["read"] == 60.0


def test_deadline_on_a_silent_server(mode: str, server: _Server) -> None:
    # The server never answers; without a deadline this call would wait 3 x 60 s.
    client = real_client(mode, server.base_url, timeout=60.0, deadline=0.3)
    try:
        op = Operation("GET", "/silent", parse=lambda data: data)
        err = raised(lambda: client.request(op))
        assert isinstance(err, DeadlineExceededError), repr(err)
    finally:
        close(client)


# --- 9. the key stays out of vars(client) ---------------------------------------------------------


def test_the_key_is_not_in_the_clients_attributes(mode: str) -> None:
    cls = LLMWise if mode == "sync" else AsyncLLMWise
    client = cls(KEY, base_url="http://h.test")
    for c in (client, client.with_options(timeout=5), client.with_options(api_key=KEY + "2")):
        for text in (repr(vars(c)), repr(c), str(c.__dict__.values())):
            assert key_leaks(text) == [], text
    assert client.api_key == KEY
    assert client.with_options(max_retries=1).api_key == KEY
