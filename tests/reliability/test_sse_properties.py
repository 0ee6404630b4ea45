"""Properties of the whole stream stack: SSE decoder + StreamState + typed parsing, behind a client.

tests/test_sse.py checks the decoder alone. Here bodies go through `client.<resource>.stream()` over
a mock httpx transport that delivers them in arbitrary chunks, and the result the caller sees (typed
events, text, error class and message, partial text, skipped frames) must not depend on the
chunking. Arbitrary bytes must end in typed events or an llmwise error: never another exception,
never a hang (the mock body is finite, and each run is bounded by the number of `data` fields).
Every property holds for a strict client (the suite's default) and a lenient one; in lenient mode
every JSON object frame is an event, or an error frame raised as `ServerStreamError`.
"""

from __future__ import annotations

import codecs
import faulthandler
import gzip
import itertools
import json
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llmwise import LLMWiseError, ServerStreamError
from llmwise._streaming._frames import is_error_kind, says_error
from llmwise.sandbox import Sandbox
from llmwise.types.shared import StreamEventBase
from support import ChunkedBody, collect_stream, mock_client, run

from .reliability_support import MSG

PROPERTY_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        # `served` (one client per test) is meant to be shared by the examples.
        HealthCheck.function_scoped_fixture,
    ],
)
SSE = {"content-type": "text/event-stream"}


@pytest.fixture(autouse=True)
def _hang_guard() -> Iterator[None]:
    # A hang must fail the run, not stall CI: dump every thread's stack and exit after 5 minutes.
    faulthandler.dump_traceback_later(300, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


# --- the mock server -------------------------------------------------------------------------------


class Body:
    """What the mock server answers next: a status, headers and body chunks (or one pre-read body)."""

    def __init__(self) -> None:
        self.status = 200
        self.headers: dict[str, str] = dict(SSE)
        self.chunks: list[bytes] = []
        self.error: Exception | None = None
        self.preread = False

    def set(
        self,
        chunks: list[bytes],
        *,
        error: Exception | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        preread: bool = False,
    ) -> None:
        self.chunks, self.error, self.status, self.preread = chunks, error, status, preread
        self.headers = {**SSE, **(headers or {})}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.preread:
            # As httpx.MockTransport / respx users write it: the whole body given as `content=`,
            # which httpx reads at once (the response is already closed when the SDK gets it).
            return httpx.Response(self.status, headers=self.headers, content=b"".join(self.chunks))
        return httpx.Response(self.status, headers=self.headers, stream=ChunkedBody(self.chunks, self.error))


@pytest.fixture(params=["sync", "async", "sync-lenient", "async-lenient"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Body]]:
    """One client per test (max_retries=0: a retried failure would only replay the same body)."""
    body = Body()
    mode, _, lenient = request.param.partition("-")
    client: Any = mock_client(mode, body, max_retries=0, strict_responses=not lenient)
    yield client, body
    if mode == "sync":
        client.close()
        client._http.close()
    else:
        run(client.aclose())
        run(client._http.aclose())


def outcome(client: Any, body: Body, method: str, kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Everything the caller can observe of one stream."""
    events, error, stream = collect_stream(client, method, **kwargs)
    assert stream.response is None or stream.response.is_closed
    return (
        [(type(e).__name__, e.to_dict()) for e in events],
        type(error).__name__ if error is not None else None,
        str(error) if error is not None else None,
        getattr(error, "partial_text", None),
        getattr(error, "status_code", None),
        stream.text,
        list(stream.skipped_frames),
    )


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted({c % (len(data) + 1) for c in cuts}), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds) if b > a]


# --- a corpus of real streams: what the sandbox sends for each endpoint ----------------------------

A, B, C = "gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash"


def _recorded(path: str, body: dict[str, Any], setup: Callable[[Sandbox], object] | None = None) -> bytes:
    sb = Sandbox()
    if setup is not None:
        setup(sb)
    response = sb.request("POST", path, json={**body, "stream": True})
    assert response.status == 200 and response.frames is not None
    return b"".join(frame.data for frame in response.frames if not frame.cut)


def _failover(sb: Sandbox) -> None:
    sb.set_model(B, fail_status=503, fail_after_chunks=2)


def _all_fail(sb: Sandbox) -> None:
    for model in (B, A):
        sb.set_model(model, fail_status=503)


CHAT: dict[str, Any] = {"model": A, "messages": MSG}
ROUTED: dict[str, Any] = {"model": B, "messages": MSG, "routing": {"fallback": [A]}}
CORPUS: dict[str, tuple[str, dict[str, Any], bytes]] = {
    "chat": ("chat", CHAT, _recorded("/chat", CHAT)),
    "chat-auto": (
        "chat",
        {"model": "auto", "messages": MSG},
        _recorded("/chat", {"model": "auto", "messages": MSG}),
    ),
    "chat-failover": ("chat", ROUTED, _recorded("/chat", ROUTED, _failover)),
    "chat-all-failing": ("chat", ROUTED, _recorded("/chat", ROUTED, _all_fail)),
    "chat-error-mid-stream": (
        "chat",
        CHAT,
        _recorded("/chat", CHAT, lambda sb: sb.set_model(A, fail_status=500, fail_after_chunks=3)),
    ),
    "chat-malformed-and-unknown": (
        "chat",
        CHAT,
        _recorded(
            "/chat", CHAT, lambda sb: (sb.malformed_frame(after_events=2), sb.unknown_event(after_events=4))
        ),
    ),
    "compare": (
        "compare",
        {"models": [A, B, C], "messages": MSG},
        _recorded("/compare", {"models": [A, B, C], "messages": MSG}),
    ),
    "blend-moa": (
        "blend",
        {"models": [A, B], "messages": MSG, "strategy": "moa", "layers": 2},
        _recorded("/blend", {"models": [A, B], "messages": MSG, "strategy": "moa", "layers": 2}),
    ),
    "judge": (
        "judge",
        {"contestants": [A, B], "judge": C, "messages": MSG},
        _recorded("/judge", {"contestants": [A, B], "judge": C, "messages": MSG}),
    ),
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_real_streams_one_byte_at_a_time_and_preread(served: tuple[Any, Body], name: str) -> None:
    client, body = served
    method, kwargs, data = CORPUS[name]
    body.set([data])
    reference = outcome(client, body, method, kwargs)
    assert reference[0], "the recorded stream has events"
    body.set([data[i : i + 1] for i in range(len(data))])
    assert outcome(client, body, method, kwargs) == reference
    body.set([data], preread=True)
    assert outcome(client, body, method, kwargs) == reference


@PROPERTY_SETTINGS
@given(
    name=st.sampled_from(sorted(CORPUS)), cuts=st.lists(st.integers(min_value=0), max_size=40), data=st.data()
)
def test_real_streams_any_chunking(
    served: tuple[Any, Body], name: str, cuts: list[int], data: st.DataObject
) -> None:
    client, body = served
    method, kwargs, raw = CORPUS[name]
    # Optionally the connection breaks somewhere: what arrived before must not depend on the chunking.
    end = data.draw(st.one_of(st.just(len(raw)), st.integers(min_value=0, max_value=len(raw))), label="end")
    error = None if end == len(raw) else httpx.RemoteProtocolError("peer closed connection")
    body.set([raw[:end]], error=error)
    reference = outcome(client, body, method, kwargs)
    body.set(split(raw[:end], cuts), error=error)
    assert outcome(client, body, method, kwargs) == reference


# --- generated chat streams: every SSE feature the decoder handles ---------------------------------

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
chat_payloads = st.one_of(
    st.builds(lambda d, m: {"model": m, "delta": d, "done": False}, texts, st.sampled_from([A, B])),
    st.builds(lambda d: {"event": "chunk", "model": A, "delta": d, "tokens": 1}, texts),
    st.builds(
        lambda s: {"event": "route", "model": A, "status": s}, st.sampled_from(["trying", "ok", "failed"])
    ),
    st.builds(lambda k, v: {"event": k, "value": v}, st.sampled_from(["brand_new", "usage", "x"]), texts),
    st.just({"model": A, "delta": "", "done": True, "content_length": 3}),
    st.just({"model": A, "delta": 5, "done": False}),  # a known kind with a wrong type
    st.just({"event": "done", "credits_charged": "2", "extra": {"x": [1]}}),
    st.just({"delta": "no model "}),
    st.just({"event": "text_delta", "delta": "new kind "}),
    st.just({"event": "route", "model": A, "status": "failed", "error": {"message": "busy"}}),
)
# A payload, then how it is framed: plain data, split over two data lines, with event/id/retry
# fields, or as a non-JSON / non-object frame, or a comment.
frame_kinds = st.sampled_from(["data", "two-lines", "fields", "malformed", "comment", "empty-data"])
eols = st.sampled_from(["\n", "\r\n", "\r"])


def frame(payload: dict[str, Any], kind: str, eol: str) -> str:
    text = json.dumps(payload, ensure_ascii=False)
    if kind == "two-lines":
        # Valid JSON split at the first comma; the decoder joins data lines with a newline.
        head, sep, tail = text.partition(",")
        lines = [f"data: {head}{sep}", f"data:{tail}"] if sep else [f"data: {text}"]
    elif kind == "fields":
        lines = [": keep-alive", "event: message", "id: 7", "retry: 1500", f"data: {text}"]
    elif kind == "malformed":
        lines = [f"data: {text[:-1]}" if len(text) > 2 else "data: {", "data: [1, 2]"]
    elif kind == "comment":
        lines = [f": {text}"]
    elif kind == "empty-data":
        lines = ["data:", "data"]
    else:
        lines = [f"data: {text}"]
    return eol.join(lines) + eol + eol


@st.composite
def chat_streams(draw: st.DrawFn) -> bytes:
    eol = draw(eols)
    frames = [frame(p, k, eol) for p, k in draw(st.lists(st.tuples(chat_payloads, frame_kinds), max_size=12))]
    ending = draw(st.sampled_from(["done", "done+[DONE]", "[DONE]", "error", "nothing"]))
    if ending.startswith("done"):
        frames.append(frame({"event": "done", "model": A, "credits_charged": 1}, "data", eol))
    if ending == "error":
        frames.append(
            frame({"event": "error", "error": "boom", "status_code": 502, "refunded": True}, "data", eol)
        )
    if ending.endswith("[DONE]"):
        frames.append(f"data: [DONE]{eol}{eol}")
    text = "".join(frames)
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text.encode("utf-8")


@PROPERTY_SETTINGS
@given(stream=chat_streams(), cuts=st.lists(st.integers(min_value=0), max_size=30), cut_short=st.booleans())
def test_any_chat_stream_any_chunking(
    served: tuple[Any, Body], stream: bytes, cuts: list[int], cut_short: bool
) -> None:
    client, body = served
    error = httpx.ReadError("reset") if cut_short else None
    body.set([stream], error=error)
    reference = outcome(client, body, "chat", CHAT)
    body.set(split(stream, cuts), error=error)
    assert outcome(client, body, "chat", CHAT) == reference
    if error is None:
        body.set([stream], preread=True)
        assert outcome(client, body, "chat", CHAT) == reference


# --- arbitrary bytes ------------------------------------------------------------------------------

FRAGMENTS = [
    b"data:",
    b"data: ",
    b"event:",
    b"id:",
    b"retry:",
    b": ",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\xef\xbb\xbf",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b'"',
    b'"event"',
    b'"done"',
    b'"error"',
    b'"delta"',
    b'"model"',
    b'"status_code"',
    b'"refunded"',
    b'"route"',
    b'"trace"',
    b'"chunk"',
    b'"attempts"',
    b"[DONE]",
    b"null",
    b"true",
    b"1e999",
    b"-0",
    b"12345678901234567890",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"\\u0000",
    b"\\ud800",
    b'{"event":"error","status_code":"x"}',
    b'{"event":"done"}',
    b'{"delta":"hi"}',
    b'{"event":"trace","attempts":[1]}',
    b'{"event":"route","status":7}',
]
soup = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=6)), max_size=150).map(b"".join)
arbitrary_bodies = st.one_of(st.binary(max_size=2000), soup)
# How the body ends: completely, or with a transport error (a fresh exception each time).
endings = st.sampled_from(["", "", "RemoteProtocolError", "ReadTimeout", "ReadError", "WriteError"])
DEEP = b"data: " + b"[" * 100_000 + b"\n\n"
DEEP_OBJECT = b'data: {"event":"done","x":' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"}\n\n"
# Parses, but too deep for pydantic to serialise (the error event's body is built from it).
DEEP_ERROR = b'data: {"event":"error","status_code":500,"x":' + b"[" * 600 + b"]" * 600 + b"}\n\n"


def _encode(data: bytes, encoding: str | None) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data)
    if encoding == "deflate":
        return zlib.compress(data)
    return data


def _check_stream_result(client: Any, raw: bytes, bound_events: bool) -> None:
    events, error, stream = collect_stream(client, "chat", **CHAT)
    assert error is None or isinstance(error, LLMWiseError), f"foreign exception {error!r}"
    assert all(isinstance(e, StreamEventBase) for e in events)
    if bound_events:
        # Each event needs its own `data` field: more events would mean the SDK invented some.
        assert len(events) <= raw.count(b"data")
    assert stream.response is None or stream.response.is_closed


@PROPERTY_SETTINGS
@given(
    raw=arbitrary_bodies,
    cuts=st.lists(st.integers(min_value=0), max_size=20),
    ending=endings,
    status=st.sampled_from([200, 200, 200, 400, 429, 500]),
    encoding=st.sampled_from([None, None, None, "gzip", "deflate", "gzip-garbage"]),
)
@example(raw=DEEP, cuts=[], ending="", status=200, encoding=None)
@example(raw=DEEP_OBJECT, cuts=[], ending="", status=200, encoding=None)
@example(raw=DEEP_ERROR, cuts=[], ending="", status=200, encoding=None)
@example(raw=DEEP[6:], cuts=[], ending="", status=200, encoding=None)
@example(raw=b"data: {}\n\n", cuts=[], ending="", status=200, encoding="gzip-garbage")
@example(raw=b'{"error": {"message": [1]}}', cuts=[3], ending="", status=500, encoding="gzip-garbage")
def test_arbitrary_bytes_end_in_events_or_our_error(
    served: tuple[Any, Body],
    raw: bytes,
    cuts: list[int],
    ending: str,
    status: int,
    encoding: str | None,
) -> None:
    client, body = served
    if encoding == "gzip-garbage":
        headers, payload = {"content-encoding": "gzip"}, raw  # says gzip, is not
    else:
        headers, payload = ({"content-encoding": encoding} if encoding else {}), _encode(raw, encoding)

    def error() -> Exception | None:  # a fresh exception for each use
        return getattr(httpx, ending)("broken") if ending else None

    # Streamed...
    body.set(split(payload, cuts), error=error(), status=status, headers=headers)
    _check_stream_result(client, raw, bound_events=encoding is None)
    # ... and the same bytes as the answer to a plain request.
    body.set(split(payload, cuts), error=error(), status=status, headers=headers)
    try:
        run(client.chat.create(**CHAT))
    except LLMWiseError:
        pass


@PROPERTY_SETTINGS
@given(raw=arbitrary_bodies, cuts=st.lists(st.integers(min_value=0), max_size=20))
def test_arbitrary_bytes_do_not_depend_on_chunking(
    served: tuple[Any, Body], raw: bytes, cuts: list[int]
) -> None:
    client, body = served
    body.set([raw])
    reference = outcome(client, body, "chat", CHAT)
    body.set(split(raw, cuts))
    assert outcome(client, body, "chat", CHAT) == reference


def test_utf8_decoding_matches_an_incremental_decoder(served: tuple[Any, Body]) -> None:
    """Text split inside multi-byte characters at every position reads as the whole would."""
    client, body = served
    delta = "héllo → wörld 🎉 ✓ 漢字"
    data = (
        "data: " + json.dumps({"model": A, "delta": delta, "done": False}, ensure_ascii=False) + "\n\n"
        'data: {"event":"done"}\n\n'
    ).encode()
    decoder = codecs.getincrementaldecoder("utf-8")()
    assert "".join(decoder.decode(data[i : i + 1]) for i in range(len(data))) == data.decode()
    for cut in range(len(data)):
        body.set([data[:cut], data[cut:]])
        events, error, stream = collect_stream(client, "chat", **CHAT)
        assert error is None and stream.text == delta and len(events) == 2


# --- lenient mode: every JSON object is an event ------------------------------------------------------

FRAME_KEYS = ["event", "delta", "model", "done", "error", "status_code", "status", "refunded", "credits_charged", "x"]
frame_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 600),
    st.sampled_from(["done", "error", "ERROR", "route", "chunk", "trace", "summary", "", "x", "429", "true"]),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["message", "code", "a"]), st.one_of(st.text(max_size=3), st.integers()), max_size=2),
)
object_frames = st.dictionaries(st.sampled_from(FRAME_KEYS), frame_values, max_size=5)
ENDPOINTS = {
    "chat": CHAT,
    "compare": {"models": [A, B], "messages": MSG},
    "blend": {"models": [A, B], "messages": MSG},
    "judge": {"contestants": [A, B], "judge": C, "messages": MSG},
}


def _is_error_frame(frame: dict[str, Any], method: str) -> bool:
    """Whether the rules of `llmwise._streaming` make the frame an error frame."""
    kind, error = frame.get("event"), frame.get("error")
    if is_error_kind(kind):
        return True
    known = {"chat": {"route", "chunk", "trace"}, "compare": {"summary"}, "judge": {"verdict"}, "blend": set()}
    if kind == "done":
        return says_error(error)
    if isinstance(kind, str) and kind in known[method]:
        return False
    per_model = method != "chat" and isinstance(frame.get("model"), str)
    return says_error(error) and not per_model


@PROPERTY_SETTINGS
@given(
    method=st.sampled_from(sorted(ENDPOINTS)),
    frames=st.lists(object_frames, max_size=10),
    cuts=st.lists(st.integers(min_value=0), max_size=10),
)
def test_lenient_every_object_frame_is_an_event_or_raises_as_an_error_frame(
    method: str, frames: list[dict[str, Any]], cuts: list[int]
) -> None:
    body = Body()
    client: Any = mock_client("sync", body, max_retries=0, strict_responses=False)
    raw = "".join(f"data: {json.dumps(f)}\n\n" for f in [*frames, {"event": "done"}]).encode()
    body.set(split(raw, cuts))
    events, error, stream = collect_stream(client, method, **ENDPOINTS[method])
    assert stream.skipped_frames == []
    sent = [*frames, {"event": "done"}]
    if error is None:
        assert len(events) == len(sent)
        assert not any(_is_error_frame(f, method) for f in sent)
    else:
        assert isinstance(error, ServerStreamError), repr(error)
        assert _is_error_frame(sent[len(events)], method)
        assert not any(_is_error_frame(f, method) for f in sent[: len(events)])
    assert all(isinstance(e, StreamEventBase) for e in events)
    # The stream's helpers read only what fits: they never crash on raw values.
    assert isinstance(stream.text, str)
    if method != "chat":
        assert all(isinstance(v.text, str) and isinstance(v.status, str) for v in stream.models.values())
    if error is None:
        result = run(stream.get_final_completion() if method == "chat" else stream.get_final_result())
        assert result is not None
    client.close()
    client._http.close()
