"""The transport core against a mock server: retries, backoff, Retry-After, errors, streams."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import llmwise
from llmwise import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    IncompleteStreamError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerStreamError,
    StreamTimeoutError,
    UnprocessableEntityError,
)
from llmwise._base_client import retry_delay
from llmwise.types.shared import MessageParam
from support import KEY, ChunkedBody, collect_stream, mock_client, run, sse

MSG: list[MessageParam] = [{"role": "user", "content": "hi"}]
OK_BODY = {"id": "req_1", "model": "gpt-5.2", "content": "hello", "credits_charged": 1, "credits_remaining": 9}
STREAM_OK = sse(
    '{"model":"gpt-5.2","delta":"Hel","done":false}',
    '{"model":"gpt-5.2","delta":"lo","done":false}',
    '{"event":"done","model":"gpt-5.2","credits_charged":1,"credits_remaining":9,"finish_reason":"stop"}',
    "[DONE]",
)


def create(client: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("model", "gpt-5.2")
    kwargs.setdefault("messages", MSG)
    return run(client.chat.create(**kwargs))


class Recorder:
    """A mock server answering from a script of responses, recording every request."""

    def __init__(self, *responses: Any) -> None:
        self.script = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(item, Exception):
            raise item
        if callable(item):
            result: httpx.Response = item(request)
            return result
        assert isinstance(item, httpx.Response)
        return item


def status(code: int, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    if body is None:
        body = {"error": f"failure {code}"}
    return httpx.Response(code, json=body, headers=headers or {})


def ok() -> httpx.Response:
    return httpx.Response(200, json=OK_BODY, headers={"x-request-id": "req_ok"})


def stream_response(chunks: list[bytes], error: Exception | None = None) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=ChunkedBody(chunks, error))


# --- what goes on the wire ---------------------------------------------------------------------


def test_request_on_the_wire(mode: str) -> None:
    server = Recorder(ok())
    client = mock_client(mode, server)
    result = create(client, temperature=0.3, routing={"fallback": ["gpt-5.2"], "strategy": "rate-limit"})
    assert result.content == "hello"
    request = server.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "http://test.local/api/v1/chat"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["user-agent"].startswith(f"llmwise-python-sdk/{llmwise.__version__}")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"].startswith("llmwise-")
    assert json.loads(request.content) == {
        "model": "gpt-5.2",
        "messages": MSG,
        "temperature": 0.3,
        "routing": {"fallback": ["gpt-5.2"], "strategy": "rate-limit"},
        "stream": False,
    }


def test_request_options_per_call(mode: str) -> None:
    server = Recorder(ok())
    client = mock_client(mode, server, default_headers={"X-Team": "a"})
    create(
        client,
        extra_headers={"X-Trace": "t1"},
        extra_query={"debug": True},
        extra_body={"new_field": 1},
        idempotency_key="idem-1",
    )
    request = server.requests[0]
    assert request.headers["x-team"] == "a"
    assert request.headers["x-trace"] == "t1"
    assert request.headers["idempotency-key"] == "idem-1"
    assert request.url.params["debug"] == "true"
    assert json.loads(request.content)["new_field"] == 1


def test_none_values_are_not_sent(mode: str) -> None:
    server = Recorder(ok())
    create(mock_client(mode, server), temperature=None, max_tokens=None)
    body = json.loads(server.requests[0].content)
    assert "temperature" not in body and "max_tokens" not in body


# --- retries ------------------------------------------------------------------------------------


def test_retry_after_is_honoured(mode: str, sleeps: list[float]) -> None:
    server = Recorder(status(429, headers={"Retry-After": "3"}), ok())
    result = create(mock_client(mode, server))
    assert result.content == "hello"
    assert len(server.requests) == 2
    assert sleeps == [3.0]


def test_retry_after_ms_wins(mode: str, sleeps: list[float]) -> None:
    server = Recorder(status(503, headers={"retry-after-ms": "250", "Retry-After": "9"}), ok())
    create(mock_client(mode, server))
    assert sleeps == [0.25]


def test_retry_after_beyond_cap_is_not_waited_for(mode: str, sleeps: list[float]) -> None:
    server = Recorder(status(429, headers={"Retry-After": "3600"}))
    with pytest.raises(RateLimitError) as info:
        create(mock_client(mode, server))
    assert len(server.requests) == 1
    assert sleeps == []
    assert info.value.retry_after == 3600.0


def test_5xx_retried_until_max_retries_then_raised(mode: str, sleeps: list[float]) -> None:
    server = Recorder(status(502, {"error": "upstream down"}))
    with pytest.raises(InternalServerError) as info:
        create(mock_client(mode, server, max_retries=3))
    assert len(server.requests) == 4
    assert len(sleeps) == 3
    # Exponential backoff with jitter: 0.5, 1, 2 seconds, each cut by at most 25 %.
    for wait, base in zip(sleeps, [0.5, 1.0, 2.0], strict=True):
        assert base * 0.75 <= wait <= base
    assert info.value.status_code == 502
    assert "upstream down" in str(info.value)


def test_backoff_is_capped() -> None:
    assert retry_delay(20, None) <= 8.0
    assert retry_delay(20, None) >= 6.0


@pytest.mark.parametrize("code", [408, 409, 429, 500, 503])
def test_retryable_statuses(mode: str, sleeps: list[float], code: int) -> None:
    server = Recorder(status(code), ok())
    assert create(mock_client(mode, server)).content == "hello"
    assert len(server.requests) == 2


@pytest.mark.parametrize("code", [400, 401, 402, 403, 404, 422])
def test_client_errors_not_retried(mode: str, sleeps: list[float], code: int) -> None:
    server = Recorder(status(code))
    with pytest.raises(APIStatusError):
        create(mock_client(mode, server))
    assert len(server.requests) == 1
    assert sleeps == []


def test_idempotency_key_is_kept_across_retries(mode: str, sleeps: list[float]) -> None:
    server = Recorder(status(500), status(500), ok())
    create(mock_client(mode, server))
    keys = {r.headers["idempotency-key"] for r in server.requests}
    assert len(server.requests) == 3 and len(keys) == 1


def test_per_call_max_retries(mode: str, sleeps: list[float]) -> None:
    server = Recorder(status(500))
    with pytest.raises(InternalServerError):
        create(mock_client(mode, server, max_retries=5), max_retries=0)
    assert len(server.requests) == 1


def test_with_options_max_retries(mode: str, sleeps: list[float]) -> None:
    server = Recorder(status(500))
    client = mock_client(mode, server)
    with pytest.raises(InternalServerError):
        create(client.with_options(max_retries=1))
    assert len(server.requests) == 2


def test_connection_errors_are_retried_then_raised(mode: str, sleeps: list[float]) -> None:
    server = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        create(mock_client(mode, server, max_retries=2))
    assert len(server.requests) == 3
    assert not isinstance(info.value, APITimeoutError)
    assert "refused" in str(info.value)


def test_connection_error_then_success(mode: str, sleeps: list[float]) -> None:
    server = Recorder(httpx.ConnectError("refused"), ok())
    assert create(mock_client(mode, server)).content == "hello"


def test_timeouts_raise_timeout_error(mode: str, sleeps: list[float]) -> None:
    server = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError):
        create(mock_client(mode, server, max_retries=1))
    assert len(server.requests) == 2


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, InsufficientCreditsError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_status_error_classes(mode: str, sleeps: list[float], code: int, cls: type[APIStatusError]) -> None:
    response = status(code, {"error": "the reason"}, {"x-request-id": "req_err"})
    server = Recorder(response)
    with pytest.raises(cls) as info:
        create(mock_client(mode, server, max_retries=0))
    err = info.value
    assert type(err) is cls
    assert err.status_code == code
    assert err.body == {"error": "the reason"}
    assert err.payload == {"error": "the reason"}
    assert err.request_id == "req_err"
    assert "the reason" in str(err) and "req_err" in str(err) and str(code) in str(err)
    assert err.headers["x-request-id"] == "req_err"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"error": "from error"}, "from error"),
        ({"detail": "from detail"}, "from detail"),
        ({"error": {"message": "nested"}}, "nested"),
        ({"detail": [{"loc": ["body", "model"], "msg": "field required"}]}, "model: field required"),
        ("plain text failure", "plain text failure"),
    ],
)
def test_error_message_sources(mode: str, body: Any, expected: str) -> None:
    if isinstance(body, str):
        response = httpx.Response(400, text=body)
    else:
        response = status(400, body)
    with pytest.raises(BadRequestError) as info:
        create(mock_client(mode, Recorder(response)))
    assert expected in info.value.message


def test_rate_limit_error_carries_headers(mode: str, sleeps: list[float]) -> None:
    headers = {"Retry-After": "7", "X-RateLimit-Limit": "90", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "42"}
    with pytest.raises(RateLimitError) as info:
        create(mock_client(mode, Recorder(status(429, headers=headers)), max_retries=0))
    err = info.value
    assert err.retry_after == 7.0
    assert (err.rate_limit.limit, err.rate_limit.remaining, err.rate_limit.reset) == (90, 0, 42.0)


def test_error_body_of_a_stream_request_is_read(mode: str) -> None:
    # The 0.1 client raised httpx.ResponseNotRead here instead of its own error.
    server = Recorder(status(401, {"error": "Invalid API key"}, {"x-request-id": "req_401"}))
    events, error, _ = collect_stream(mock_client(mode, server), model="gpt-5.2", messages=MSG)
    assert events == []
    assert isinstance(error, AuthenticationError)
    assert error.message.endswith("Invalid API key")
    assert error.request_id == "req_401"


def test_non_json_success_body(mode: str) -> None:
    server = Recorder(httpx.Response(200, text="<html>proxy page</html>"))
    with pytest.raises(APIResponseValidationError) as info:
        create(mock_client(mode, server))
    assert "proxy page" in str(info.value)


def test_wrong_shape_success_body(mode: str) -> None:
    server = Recorder(httpx.Response(200, json=["not", "an", "object"]))
    with pytest.raises(APIResponseValidationError):
        create(mock_client(mode, server))


# --- streams --------------------------------------------------------------------------------------


def test_stream_events_and_text(mode: str) -> None:
    server = Recorder(stream_response(STREAM_OK))
    client = mock_client(mode, server)
    events, error, stream = collect_stream(client, model="gpt-5.2", messages=MSG)
    assert error is None
    assert [type(e).__name__ for e in events] == ["TextChunkEvent", "TextChunkEvent", "ChatDoneEvent"]
    assert stream.text == "Hello"
    assert server.requests[0].headers["accept"] == "text/event-stream"
    assert json.loads(server.requests[0].content)["stream"] is True
    assert stream.response.is_closed


def test_stream_cut_before_first_event_is_retried(mode: str, sleeps: list[float]) -> None:
    server = Recorder(
        stream_response([b": keep-alive\n\n"], httpx.RemoteProtocolError("peer closed")),
        stream_response(STREAM_OK),
    )
    _events, error, stream = collect_stream(mock_client(mode, server), model="gpt-5.2", messages=MSG)
    assert error is None
    assert len(server.requests) == 2
    assert stream.text == "Hello"


def test_stream_cut_after_first_event_is_not_retried(mode: str, sleeps: list[float]) -> None:
    server = Recorder(stream_response(STREAM_OK[:1], httpx.RemoteProtocolError("peer closed")))
    events, error, stream = collect_stream(mock_client(mode, server), model="gpt-5.2", messages=MSG)
    assert len(server.requests) == 1
    assert isinstance(error, IncompleteStreamError)
    assert not isinstance(error, StreamTimeoutError)
    assert error.partial_text == "Hel"
    assert len(events) == 1 and stream.text == "Hel"
    assert isinstance(error.__cause__, httpx.RemoteProtocolError)


def test_stream_ending_without_done_is_an_error(mode: str) -> None:
    server = Recorder(stream_response(STREAM_OK[:2]))
    events, error, _ = collect_stream(mock_client(mode, server), model="gpt-5.2", messages=MSG)
    assert isinstance(error, IncompleteStreamError)
    assert error.partial_text == "Hello"
    assert len(events) == 2


def test_stream_done_marker_alone_ends_normally(mode: str) -> None:
    server = Recorder(stream_response([*STREAM_OK[:2], b"data: [DONE]\n\n"]))
    events, error, _ = collect_stream(mock_client(mode, server), model="gpt-5.2", messages=MSG)
    assert error is None and len(events) == 2


def test_stream_read_timeout(mode: str) -> None:
    server = Recorder(stream_response(STREAM_OK[:1], httpx.ReadTimeout("idle")))
    _events, error, _ = collect_stream(mock_client(mode, server), model="gpt-5.2", messages=MSG)
    assert isinstance(error, StreamTimeoutError)
    assert isinstance(error, APITimeoutError) and isinstance(error, IncompleteStreamError)
    assert error.partial_text == "Hel"


def test_in_stream_error_event(mode: str) -> None:
    chunks = sse(
        '{"model":"gpt-5.2","delta":"Par","done":false}',
        '{"event":"error","error":"All fallback models failed","status_code":503,"refunded":true}',
        "[DONE]",
    )
    events, error, _ = collect_stream(mock_client(mode, Recorder(stream_response(chunks))), model="gpt-5.2", messages=MSG)
    assert isinstance(error, ServerStreamError)
    assert error.status_code == 503 and error.refunded is True
    assert error.partial_text == "Par"
    assert "All fallback models failed" in str(error)
    assert len(events) == 1


def test_unknown_and_malformed_frames(mode: str) -> None:
    chunks = [
        *sse('{"model":"m","delta":"a","done":false}'),
        b"data: {not json\n\n",
        *sse('{"event":"brand_new_kind","x":1}', '{"model":"m","delta":"b","done":false}'),
        *STREAM_OK[2:],
    ]
    events, error, stream = collect_stream(mock_client(mode, Recorder(stream_response(chunks))), model="m", messages=MSG)
    assert error is None
    unknown = [e for e in events if type(e).__name__ == "UnknownEvent"]
    assert len(unknown) == 1 and unknown[0].event == "brand_new_kind" and unknown[0].raw["x"] == 1
    assert stream.text == "ab"
    assert stream.skipped_frames == ["{not json"]


def test_done_releases_connection_before_it_is_yielded(mode: str) -> None:
    body = ChunkedBody(STREAM_OK)
    server = Recorder(httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body))
    client = mock_client(mode, server)

    if mode == "sync":
        assert isinstance(client, llmwise.LLMWise)
        stream = client.chat.stream(model="m", messages=MSG)
        for event in stream:
            if event.event == "done":
                assert stream.response is not None and stream.response.is_closed
                break
    else:
        assert isinstance(client, llmwise.AsyncLLMWise)

        async def go() -> None:
            stream = client.chat.stream(model="m", messages=MSG)
            async for event in stream:
                if event.event == "done":
                    assert stream.response is not None and stream.response.is_closed
                    break

        run(go())
    assert body.closed


def test_break_mid_stream_releases_and_later_reads_say_so() -> None:
    body = ChunkedBody(STREAM_OK)
    server = Recorder(httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body))
    client = mock_client("sync", server)
    assert isinstance(client, llmwise.LLMWise)
    stream = client.chat.stream(model="m", messages=MSG)
    for _event in stream:
        break
    assert body.closed  # released by the break itself, not by the garbage collector
    with pytest.raises(IncompleteStreamError, match="closed"):
        stream.get_final_completion()


def test_next_works_on_a_stream(mode: str) -> None:
    server = Recorder(stream_response(STREAM_OK))
    client: Any = mock_client(mode, server)
    stream = client.chat.stream(model="m", messages=MSG)
    if mode == "sync":
        first = next(stream)
        rest = list(stream)
    else:

        async def go() -> tuple[Any, list[Any]]:
            first = await stream.__anext__()
            return first, [e async for e in stream]

        first, rest = run(go())
    assert first.delta == "Hel" and len(rest) == 2
