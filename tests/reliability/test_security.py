"""The API key never leaks; unsafe base URLs and unsendable keys are refused clearly.

With `LLMWISE_LOG=debug` and every logger (llmwise, httpx, httpcore) at DEBUG, requests that
succeed, fail, retry, stream, break and time out must leave no trace of the key in: log records,
what the SDK's stderr handler writes, error str/repr/tracebacks, the errors' causes, pickled errors,
or the repr of clients, streams and responses. tests/test_client.py has the basic cases; this goes
through every error class and every logger, in-process and over a real socket, and a subprocess
checks the real stderr.
"""

from __future__ import annotations

import functools
import io
import logging
import pickle
import socket
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from llmwise import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncLLMWise,
    AuthenticationError,
    BadRequestError,
    IncompleteStreamError,
    InsufficientCreditsError,
    InternalServerError,
    LLMWise,
    LLMWiseError,
    RateLimitError,
    ServerStreamError,
    StreamTimeoutError,
)
from llmwise.sandbox import Sandbox, SandboxServer
from support import ChunkedBody, collect_stream, run, sse

from .reliability_support import KEY, MSG, key_leaks

MODEL = "gpt-5.2"
# A dashboard session token: what the sandbox wants for generating a key.
DASHBOARD = {"Authorization": "Bearer eyJsandbox-session"}
LOGGERS = ("llmwise", "httpx", "httpcore")


# --- where a key could show up -----------------------------------------------------------------


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [err]
    while todo:
        exc = todo.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        yield exc
        todo += [exc.__cause__, exc.__context__]


def error_exposure(err: BaseException) -> dict[str, str | bytes]:
    """Every text a user, a log or an error tracker could get from an error."""
    out: dict[str, str | bytes] = {"traceback": "".join(traceback.format_exception(err))}
    for i, exc in enumerate(_chain(err)):
        out[f"str[{i}]"] = str(exc)
        out[f"repr[{i}]"] = repr(exc)
        out[f"args[{i}]"] = repr(exc.args)
    if isinstance(err, LLMWiseError):
        state = {k: v for k, v in vars(err).items() if k not in ("request", "response")}
        out["state"] = repr(state)
        out["request"] = repr(err.request)
        out["response"] = repr(err.response)
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
            data = pickle.dumps(err, protocol=protocol)
            out[f"pickle-{protocol}"] = data
            restored = pickle.loads(data)
            assert type(restored) is type(err) and restored.message == err.message
            out[f"unpickled-{protocol}"] = repr(vars(restored)) + str(restored)
    return out


def assert_clean(where: str, exposure: dict[str, str | bytes]) -> None:
    leaks = {name: key_leaks(text) for name, text in exposure.items() if key_leaks(text)}
    assert not leaks, f"the key leaks from {where}: {leaks}"


class Capture:
    """Log records of every logger at DEBUG, and what the SDK's own stderr handler writes."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog
        self.stderr = io.StringIO()
        self._restore: list[Callable[[], object]] = []

    def start(self) -> None:
        self.caplog.set_level(logging.DEBUG)
        for name in LOGGERS:
            self.caplog.set_level(logging.DEBUG, logger=name)
        LLMWise(KEY).close()  # installs the SDK's stderr handler (LLMWISE_LOG is read by the client)
        for handler in logging.getLogger("llmwise").handlers:
            if getattr(handler, "_llmwise", False) and isinstance(handler, logging.StreamHandler):
                old = handler.setStream(self.stderr)
                if old is not None:
                    self._restore.append(functools.partial(handler.setStream, old))

    def stop(self) -> None:
        for restore in self._restore:
            restore()

    def exposure(self) -> dict[str, str | bytes]:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        out: dict[str, str | bytes] = {"stderr handler": self.stderr.getvalue()}
        for i, record in enumerate(self.caplog.records):
            out[f"record[{i}] {record.name}"] = (
                formatter.format(record) + repr(record.args) + repr(record.__dict__)
            )
        return out

    def names(self) -> set[str]:
        return {record.name.split(".")[0] for record in self.caplog.records}

    def text(self) -> str:
        return "\n".join(record.getMessage() for record in self.caplog.records)


@pytest.fixture
def capture(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> Iterator[Capture]:
    # caplog puts the levels back afterwards; the SDK's handler is taken away here, so that later
    # tests do not log every request.
    handlers = list(logging.getLogger("llmwise").handlers)
    monkeypatch.setenv("LLMWISE_LOG", "debug")
    cap = Capture(caplog)
    cap.start()
    yield cap
    cap.stop()
    logging.getLogger("llmwise").handlers[:] = handlers


# --- scenarios against the sandbox ---------------------------------------------------------------


def _client(mode: str, sandbox: Sandbox, base_url: str | None, **kwargs: Any) -> Any:
    cls: Any = LLMWise if mode == "sync" else AsyncLLMWise
    if base_url is not None:
        return cls(KEY, base_url=base_url, **kwargs)
    http: Any = (
        httpx.Client(transport=sandbox.transport())
        if mode == "sync"
        else httpx.AsyncClient(transport=sandbox.async_transport())
    )
    return cls(KEY, base_url="http://sandbox", http_client=http, **kwargs)


@pytest.fixture(params=["loopback", "inprocess"])
def where(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, str | None]]:
    if request.param == "inprocess":
        yield Sandbox(), None
        return
    with SandboxServer(Sandbox()) as server:
        yield server.sandbox, server.base_url


def test_key_absent_everywhere_with_debug_logging(
    mode: str, where: tuple[Sandbox, str | None], capture: Capture, sleeps: list[float]
) -> None:
    sandbox, base_url = where
    client = _client(mode, sandbox, base_url)
    errors: list[BaseException] = []
    shown: dict[str, str | bytes] = {}

    def fails(call: Callable[[], Any], expected: type[BaseException]) -> None:
        with pytest.raises(expected) as info:
            call()
        assert type(info.value) is expected
        errors.append(info.value)

    def stream(**kwargs: Any) -> tuple[list[Any], BaseException | None, Any]:
        events, error, s = collect_stream(client, model=MODEL, messages=MSG, **kwargs)
        if error is not None:
            errors.append(error)
        shown[f"stream {len(shown)}"] = repr(s) + repr(s.response) + repr(events) + repr(s.headers)
        return events, error, s

    # success: plain, raw, streamed (read to the end, and abandoned)
    completion = run(client.chat.create(model=MODEL, messages=MSG))
    raw = run(client.chat.with_raw_response.create(model=MODEL, messages=MSG))
    shown["completion"] = repr(completion) + completion.to_json()
    shown["raw"] = repr(raw) + repr(raw.http_response) + repr(raw.http_response.request) + repr(raw.headers)
    _, error, s = stream()
    assert error is None
    shown["final"] = repr(run(s.get_final_completion()))
    # failures: validation, credits, rate limit and server errors (retried), broken streams
    fails(lambda: run(client.chat.create(model=MODEL, messages=MSG, temperature=3.5)), BadRequestError)
    sandbox.rate_limit(times=3, retry_after=1)
    fails(lambda: run(client.chat.create(model=MODEL, messages=MSG)), RateLimitError)
    sandbox.server_error(status=502, times=3)
    fails(lambda: run(client.chat.create(model=MODEL, messages=MSG)), InternalServerError)
    sandbox.cut_stream(after_events=2)
    assert isinstance(stream()[1], IncompleteStreamError)
    sandbox.malformed_frame(after_events=1)
    assert stream()[1] is None
    sandbox.set_model(MODEL, fail_status=500, fail_after_chunks=1)
    assert isinstance(stream()[1], ServerStreamError)
    sandbox.set_model(MODEL)
    sandbox.credits = 0
    fails(lambda: run(client.chat.create(model=MODEL, messages=MSG)), InsufficientCreditsError)
    sandbox.credits = 1000
    # our key refused: the account now only accepts a newly generated key
    assert sandbox.request("POST", "/keys/generate", json={}, headers=DASHBOARD).status == 200
    fails(lambda: run(client.chat.create(model=MODEL, messages=MSG)), AuthenticationError)
    assert isinstance(stream()[1], AuthenticationError)

    shown["client"] = repr(client) + str(client) + repr(client.with_options(timeout=1)) + repr(client.chat)
    if mode == "sync":
        client.close()
    else:
        run(client.aclose())

    # The checks would pass vacuously if nothing had been logged or raised.
    assert len(errors) == 8 and len(sleeps) == 4
    text = capture.text()
    assert "Request POST" in text and "<redacted>" in text and "Retrying" in text
    assert "Skipping a malformed stream frame" in text
    assert capture.stderr.getvalue().count("Request POST") >= 10
    if base_url is not None:
        # Real connections: httpx and httpcore logged at DEBUG too (headers sent, headers received);
        # under the httpx2 lane (scripts/httpx2_lane.py) they are httpx2 and httpcore2.
        library = httpx.__name__
        assert {"llmwise", library, library.replace("httpx", "httpcore")} <= capture.names()
        assert "send_request_headers" in text and "HTTP Request: POST" in text
    for err in errors:
        assert_clean(repr(err), error_exposure(err))
    assert_clean("reprs", shown)
    assert_clean("logs", capture.exposure())


# --- scenarios only a mock transport produces (no timing) ---------------------------------------


def _mock(mode: str, handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    transport = httpx.MockTransport(handler)
    if mode == "sync":
        return LLMWise(KEY, base_url="http://test.local", http_client=httpx.Client(transport=transport))
    return AsyncLLMWise(KEY, base_url="http://test.local", http_client=httpx.AsyncClient(transport=transport))


def _raise(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


def _stream_then(
    chunks: list[bytes], exc: Exception | None, headers: dict[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        all_headers = {"content-type": "text/event-stream", **(headers or {})}
        return httpx.Response(200, headers=all_headers, stream=ChunkedBody(chunks, exc))

    return handler


FIRST = sse('{"model":"m","delta":"Hel","done":false}')
MOCK_CASES: list[tuple[str, Callable[[httpx.Request], httpx.Response], bool, type[LLMWiseError]]] = [
    ("timeout", _raise(httpx.ReadTimeout("timed out")), False, APITimeoutError),
    ("connect error", _raise(httpx.ConnectError("refused")), False, APIConnectionError),
    (
        "html body",
        lambda r: httpx.Response(200, text="<html>proxy login</html>"),
        False,
        APIResponseValidationError,
    ),
    ("stream idle", _stream_then(FIRST, httpx.ReadTimeout("idle")), True, StreamTimeoutError),
    ("stream reset", _stream_then(FIRST, httpx.ReadError("")), True, IncompleteStreamError),
    ("bad gzip", _stream_then([b"x" * 20], None, {"content-encoding": "gzip"}), False, APIConnectionError),
]


@pytest.mark.parametrize(
    ("name", "handler", "streamed", "expected"), MOCK_CASES, ids=[c[0] for c in MOCK_CASES]
)
def test_key_absent_from_transport_errors(
    mode: str,
    capture: Capture,
    sleeps: list[float],
    name: str,
    handler: Callable[[httpx.Request], httpx.Response],
    streamed: bool,
    expected: type[LLMWiseError],
) -> None:
    client = _mock(mode, handler)
    if streamed:
        events, error, s = collect_stream(client, model=MODEL, messages=MSG)
        assert len(events) == 1
        assert_clean("stream", {"stream": repr(s) + repr(s.response) + repr(s.response.request)})
    else:
        try:
            run(client.chat.create(model=MODEL, messages=MSG))
        except Exception as exc:
            error = exc
        else:
            error = None
    assert type(error) is expected, repr(error)
    assert str(error).strip()[-1:] not in (":", ""), "the message says what went wrong"
    assert_clean(name, error_exposure(error))
    assert_clean("logs", capture.exposure())
    assert "Request POST" in capture.text()


def test_key_absent_when_the_server_is_unreachable(mode: str, capture: Capture, sleeps: list[float]) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cls: Any = LLMWise if mode == "sync" else AsyncLLMWise
    client = cls(KEY, base_url=f"http://127.0.0.1:{port}", max_retries=1)
    with pytest.raises(APIConnectionError) as info:
        run(client.chat.create(model=MODEL, messages=MSG))
    assert len(sleeps) == 1
    assert_clean("connection error", error_exposure(info.value))
    assert_clean("logs", capture.exposure())
    assert "Retrying" in capture.text()


def test_debug_logs_on_a_real_stderr() -> None:
    """In a fresh interpreter, as an application would run it: LLMWISE_LOG=debug plus
    logging.basicConfig(DEBUG) for httpx/httpcore, tracebacks printed; nothing shows the key."""
    script = textwrap.dedent(
        f"""
        import logging, traceback
        logging.basicConfig(level=logging.DEBUG)
        from llmwise import LLMWise, LLMWiseError
        from llmwise.sandbox import Sandbox, SandboxServer
        KEY, MSG = {KEY!r}, [{{"role": "user", "content": "hi"}}]
        with SandboxServer(Sandbox()) as server:
            sb = server.sandbox
            client = LLMWise(KEY, base_url=server.base_url)
            client.chat.create(model="gpt-5.2", messages=MSG)
            sb.rate_limit(times=1, retry_after=0)
            print("".join(client.chat.stream(model="gpt-5.2", messages=MSG).text_stream))
            sb.cut_stream(after_events=1)
            try:
                client.chat.stream(model="gpt-5.2", messages=MSG).until_done()
            except LLMWiseError as exc:
                traceback.print_exc()
                print(repr(exc), exc.__cause__)
            sb.server_error(status=503, times=1)  # retried after a (real, short) backoff
            client.chat.create(model="gpt-5.2", messages=MSG)
            sb.request("POST", "/keys/generate", json={{}}, headers={DASHBOARD!r})
            try:
                client.chat.create(model="gpt-5.2", messages=MSG)
            except LLMWiseError:
                traceback.print_exc()
            print(repr(client))
        """
    )
    env = {"LLMWISE_LOG": "debug", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    assert not key_leaks(out.stdout) and not key_leaks(out.stderr), "the key is in the output"
    for line in ("DEBUG:httpcore", "INFO:httpx:HTTP Request: POST", "Request POST", "<redacted>", "Retrying"):
        assert line in out.stderr, f"expected {line!r} on stderr"
    assert "IncompleteStreamError" in out.stderr and "AuthenticationError" in out.stderr


# --- base URLs and keys refused before anything is sent -----------------------------------------

PASSWORD = "hunter2hunter2"
BAD_BASE_URLS = [
    # credentials, in every spelling
    (f"https://user:{PASSWORD}@llmwise.ai/api/v1", "credentials"),
    (f"http://:{PASSWORD}@127.0.0.1:8080", "credentials"),
    (f"https://user%40corp:{PASSWORD}@llmwise.ai", "credentials"),
    (f"https://{PASSWORD}@llmwise.ai", "credentials"),
    (f"https://{KEY}@llmwise.ai", "API key"),
    (f"https://user:{KEY}@llmwise.ai", "API key"),
    # credentials together with another fault: the message still must not show them
    (f"ftp://user:{PASSWORD}@llmwise.ai", "credentials"),
    (f"https://user:{PASSWORD}@", "credentials"),
    (f"https://user:{PASSWORD}@llmwise.ai:port", "port"),
    # not http(s)
    ("ws://llmwise.ai", "scheme"),
    ("wss://llmwise.ai/api/v1", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("data:text/plain,hello", "scheme"),
    ("unix:///var/run/llmwise.sock", "scheme"),
    ("llmwise.ai", "scheme"),
    ("//llmwise.ai/api/v1", "scheme"),
    ("http://", "host"),
    # the key where the URL goes (LLMWise(url, key): the positional order is api_key, base_url)
    (KEY, "API key"),
]


def _construct(how: str, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "sync":
        LLMWise(KEY, base_url=url)
    elif how == "async":
        AsyncLLMWise(KEY, base_url=url)
    elif how == "env":
        monkeypatch.setenv("LLMWISE_BASE_URL", url)
        LLMWise(KEY)
    elif how == "with_options":
        LLMWise(KEY).with_options(base_url=url)
    else:  # the 0.1 way: an httpx client carrying base URL and key
        with pytest.warns(DeprecationWarning):
            LLMWise(client=httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}))


@pytest.mark.parametrize("how", ["sync", "async", "env", "with_options", "legacy-client"])
@pytest.mark.parametrize(("url", "problem"), BAD_BASE_URLS)
def test_unsafe_base_url_rejected_clearly(
    url: str, problem: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "legacy-client":
        try:
            httpx.Client(base_url=url)
        except Exception:
            pytest.skip("httpx itself refuses this URL")
    with pytest.raises(LLMWiseError) as info:
        _construct(how, url, monkeypatch)
    message = str(info.value)
    assert type(info.value) is LLMWiseError
    assert message.startswith("Invalid base_url") and problem in message, message
    assert PASSWORD not in message and not key_leaks(message)
    assert_clean("base_url error", error_exposure(info.value))
    assert PASSWORD.encode() not in pickle.dumps(info.value)


def test_http_and_https_in_any_case_are_accepted() -> None:
    assert LLMWise(KEY, base_url="HTTPS://LLMWise.ai").base_url.lower() == "https://llmwise.ai/api/v1"
    assert LLMWise(KEY, base_url="http://[::1]:8080/").base_url == "http://[::1]:8080/api/v1"


UNSENDABLE_KEYS = [
    KEY[:20] + "\n" + KEY[20:],
    KEY[:20] + "\r\n" + KEY[20:],
    KEY[:20] + "\x00" + KEY[20:],
    KEY[:20] + "\t" + KEY[20:],
    KEY + "é",
    KEY[:20] + "\u200b" + KEY[20:],  # a zero-width space from a copy-paste
]


@pytest.mark.parametrize("how", ["argument", "env", "with_options"])
@pytest.mark.parametrize("bad", UNSENDABLE_KEYS, ids=["LF", "CRLF", "NUL", "TAB", "non-ascii", "zero-width"])
def test_unsendable_key_rejected_without_showing_it(
    bad: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sent as is, httpx fails with an error quoting the whole header ("Illegal header value
    # b'Bearer mm_sk_...'"), retried and logged, or with a bare UnicodeEncodeError.
    if how == "env" and "\x00" in bad:
        pytest.skip("an environment variable cannot hold a NUL")
    with pytest.raises(LLMWiseError) as info:
        if how == "argument":
            LLMWise(bad)
        elif how == "env":
            monkeypatch.setenv("LLMWISE_API_KEY", bad)
            AsyncLLMWise()
        else:
            LLMWise(KEY).with_options(api_key=bad)
    assert "cannot be sent in an HTTP header" in str(info.value)
    assert_clean("key error", error_exposure(info.value))


def test_surrounding_whitespace_is_not_a_problem() -> None:
    assert LLMWise(f"  {KEY}\r\n").api_key == KEY
