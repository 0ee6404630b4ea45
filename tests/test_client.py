"""Client configuration: API key, base URL, options, lifecycle, and the key never leaking."""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
from typing import Any

import httpx
import pytest

import llmwise
from llmwise import AsyncLLMWise, AuthenticationError, LLMWise, LLMWiseError
from llmwise.types.shared import MessageParam
from support import KEY, collect_stream, mock_client, run

MSG: list[MessageParam] = [{"role": "user", "content": "hi"}]


def test_missing_key_names_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    for cls in (LLMWise, AsyncLLMWise):
        with pytest.raises(LLMWiseError) as info:
            cls()
        assert "api_key" in str(info.value) and "LLMWISE_API_KEY" in str(info.value)


def test_key_positional_keyword_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert LLMWise(KEY).api_key == KEY
    assert LLMWise(api_key=KEY).api_key == KEY
    monkeypatch.setenv("LLMWISE_API_KEY", f"  {KEY}  ")
    assert LLMWise().api_key == KEY
    assert AsyncLLMWise().api_key == KEY


def test_wrong_key_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="api_key must be a string"):
        LLMWise(123)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "https://llmwise.ai/api/v1"),
        ("https://llmwise.ai", "https://llmwise.ai/api/v1"),
        ("https://llmwise.ai/api/v1/", "https://llmwise.ai/api/v1"),
        ("  http://127.0.0.1:8080  ", "http://127.0.0.1:8080/api/v1"),
        ("http://127.0.0.1:8080/api/v1", "http://127.0.0.1:8080/api/v1"),
    ],
)
def test_base_url_normalisation(given: str | None, expected: str) -> None:
    assert LLMWise(KEY, base_url=given).base_url == expected


def test_base_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMWISE_BASE_URL", "http://localhost:9000")
    assert LLMWise(KEY).base_url == "http://localhost:9000/api/v1"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://llmwise.ai", "scheme"),
        ("https://user:secret@llmwise.ai", "credentials"),
        ("file:///etc/passwd", "scheme"),
    ],
)
def test_bad_base_url_rejected(url: str, problem: str) -> None:
    with pytest.raises(LLMWiseError) as info:
        LLMWise(KEY, base_url=url)
    assert problem in str(info.value)
    assert "secret" not in str(info.value)


def test_bad_options_rejected() -> None:
    with pytest.raises(TypeError, match="timeout"):
        LLMWise(KEY, timeout="fast")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_retries"):
        LLMWise(KEY, max_retries=-1)
    with pytest.raises(TypeError, match="http_client"):
        LLMWise(KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="http_client"):
        AsyncLLMWise(KEY, http_client=httpx.Client())  # type: ignore[arg-type]


def test_repr_never_shows_the_key() -> None:
    client = LLMWise(KEY)
    assert KEY not in repr(client) and KEY not in str(client)
    assert KEY not in repr(client.with_options(timeout=1))
    assert KEY not in repr(AsyncLLMWise(KEY))


def test_with_options_shares_the_pool_and_keeps_settings() -> None:
    client = LLMWise(KEY, max_retries=4, default_headers={"X-A": "1"})
    other = client.with_options(timeout=5.0, default_headers={"X-B": "2"})
    assert other._http is client._http
    assert other.max_retries == 4 and other.timeout == 5.0
    assert other.default_headers == {"X-A": "1", "X-B": "2"}
    assert other.chat is not client.chat and other.chat._client is other
    other.close()
    assert not client.is_closed  # only the owner closes the shared pool
    client.close()
    assert client.is_closed


def test_context_managers_close() -> None:
    with LLMWise(KEY) as client:
        pass
    assert client.is_closed

    async def go() -> AsyncLLMWise:
        async with AsyncLLMWise(KEY) as aclient:
            pass
        return aclient

    assert run(go()).is_closed


def test_user_http_client_is_not_closed_by_us() -> None:
    http = httpx.Client()
    client = LLMWise(KEY, http_client=http)
    client.close()
    assert not http.is_closed
    http.close()


def test_resources_load_lazily() -> None:
    code = (
        "import sys, llmwise\n"
        "assert 'httpx' not in sys.modules and 'pydantic' not in sys.modules, 'eager import'\n"
        "c = llmwise.LLMWise('mm_sk_x')\n"
        "assert 'llmwise.resources.chat' not in sys.modules\n"
        "assert 'pydantic' not in sys.modules\n"
        "c.chat\n"
        "assert 'llmwise.resources.chat' in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_unknown_attribute_of_package() -> None:
    with pytest.raises(AttributeError):
        _ = llmwise.NoSuchThing  # type: ignore[attr-defined]  # what the test is about


def test_argument_checks_before_sending(mode: str) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={})

    client: Any = mock_client(mode, handler)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'temprature'.*'temperature'"):
        run(client.chat.create(model="m", messages=MSG, temprature=0.1))
    with pytest.raises(TypeError, match=r"missing required keyword argument: 'messages'"):
        run(client.chat.create(model="m"))
    with pytest.raises(TypeError, match=r"'max_tokens' must be int, got str '100'"):
        run(client.chat.create(model="m", messages=MSG, max_tokens="100"))
    with pytest.raises(TypeError, match=r"'messages' item 0 must be a dict with 'content'"):
        run(client.chat.create(model="m", messages=[{"role": "user"}]))
    with pytest.raises(TypeError, match=r"'routing' key 'fallback' must be list"):
        run(client.chat.create(model="m", messages=MSG, routing={"fallback": "gpt-5.2"}))
    assert calls == []


# --- the key never leaks -----------------------------------------------------------------------


def _failing(request: httpx.Request) -> httpx.Response:
    return httpx.Response(401, json={"error": "bad key"}, headers={"x-request-id": "req_1"})


def test_key_absent_from_errors_and_pickles(mode: str) -> None:
    client = mock_client(mode, _failing)
    with pytest.raises(AuthenticationError) as info:
        run(client.chat.create(model="m", messages=MSG))
    err = info.value
    for text in (str(err), repr(err), repr(err.args)):
        assert KEY not in text
    assert err.request is not None and KEY in err.request.headers["authorization"]  # kept in memory only
    restored = pickle.loads(pickle.dumps(err))
    assert type(restored) is AuthenticationError
    assert restored.status_code == 401 and restored.message == err.message and restored.request_id == "req_1"
    assert restored.request is None
    assert KEY.encode() not in pickle.dumps(err)


def test_debug_logs_redact_the_key(mode: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("LLMWISE_LOG", "debug")
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/chat") and b'"stream":true' in request.content:
            body = b'data: {"model":"m","delta":"x","done":false}\n\ndata: {"event":"done"}\n\ndata: [DONE]\n\n'
            return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})
        return httpx.Response(500, json={"error": "boom"})

    client = mock_client(mode, handler, max_retries=1)
    with pytest.raises(LLMWiseError):
        run(client.chat.create(model="m", messages=MSG))
    collect_stream(client, model="m", messages=MSG)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Request POST" in text and "Retrying" in text and "<redacted>" in text
    assert KEY not in text
    assert logging.getLogger("llmwise").level == logging.DEBUG
