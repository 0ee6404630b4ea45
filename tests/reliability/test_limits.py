"""What the server sends is bounded: a decoded body (a compression bomb), an error body kept on an
exception, and (with the streams) one SSE line or event (issue #11, item 3)."""

from __future__ import annotations

import gzip

import httpx
import pytest

from llmwise import APIResponseValidationError, APIStatusError, AsyncLLMWise, LLMWise, ResponseTooLargeError
from support import KEY, ChunkedBody, run

MSG = [{"role": "user", "content": "Hi"}]


def client_for(mode: str, handler: httpx.MockTransport, **kwargs: object) -> LLMWise | AsyncLLMWise:
    if mode == "sync":
        return LLMWise(KEY, base_url="http://t", http_client=httpx.Client(transport=handler), **kwargs)  # type: ignore[arg-type]
    return AsyncLLMWise(KEY, base_url="http://t", http_client=httpx.AsyncClient(transport=handler), **kwargs)  # type: ignore[arg-type]


def test_the_limits_have_documented_defaults() -> None:
    client = LLMWise(KEY)
    assert client.max_response_bytes == 64 * 1024 * 1024
    assert client.max_event_bytes == 8 * 1024 * 1024
    smaller = client.with_options(max_response_bytes=1024, max_event_bytes=512)
    assert (smaller.max_response_bytes, smaller.max_event_bytes) == (1024, 512)
    assert client.max_response_bytes == 64 * 1024 * 1024


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "1MB"])
def test_a_limit_that_is_not_a_positive_int_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        LLMWise(KEY, max_response_bytes=value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_event_bytes"):
        LLMWise(KEY, max_event_bytes=value)  # type: ignore[arg-type]


def test_a_compression_bomb_stops_at_the_limit_and_is_not_retried(mode: str) -> None:
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))  # 8 KiB on the wire, 8 MiB decoded
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        headers = {"content-encoding": "gzip", "content-type": "application/json"}
        return httpx.Response(200, headers=headers, stream=ChunkedBody([bomb]))

    client = client_for(mode, httpx.MockTransport(handler), max_response_bytes=1024 * 1024)
    with pytest.raises(ResponseTooLargeError) as info:
        run(client.chat.create(model="gpt-5.2", messages=MSG))  # type: ignore[arg-type]
    assert info.value.limit == 1024 * 1024
    assert "1,048,576 bytes" in info.value.message and "max_response_bytes" in info.value.message
    assert info.value.body is None
    assert len(calls) == 1  # the same answer would come again: not retried


def test_a_body_within_the_limit_is_read(mode: str) -> None:
    body = b'{"id":"req_1","content":"' + b"x" * 5000 + b'"}'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-encoding": "gzip"}, stream=ChunkedBody([gzip.compress(body)]))

    client = client_for(mode, httpx.MockTransport(handler), max_response_bytes=len(body))
    answer = run(client.chat.create(model="gpt-5.2", messages=MSG))  # type: ignore[arg-type]
    assert answer.content == "x" * 5000


def test_a_huge_error_body_is_kept_only_as_an_excerpt(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text="<html>" + "oops " * 400_000)

    client = client_for(mode, httpx.MockTransport(handler), max_retries=0)
    with pytest.raises(APIStatusError) as info:
        run(client.chat.create(model="gpt-5.2", messages=MSG))  # type: ignore[arg-type]
    error = info.value
    assert isinstance(error.body, str) and error.body.startswith("<html>oops")
    assert len(error.body) < 3000 and "cut" in error.body
    assert error.response is not None and len(error.response.content) < 3000
    assert len(str(error)) < 1500


def test_a_huge_body_that_is_not_json_is_kept_only_as_an_excerpt(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="not json " * 100_000)

    client = client_for(mode, httpx.MockTransport(handler), max_retries=0)
    with pytest.raises(APIResponseValidationError) as info:
        run(client.chat.create(model="gpt-5.2", messages=MSG))  # type: ignore[arg-type]
    assert isinstance(info.value.body, str) and len(info.value.body) < 3000
