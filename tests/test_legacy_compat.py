"""The rest of 0.1: module paths, type names, argument coercion, payloads that name request options,
and dict-style reads that behave like the read-only dicts 0.1 returned (issue #12, item 8)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from typing import Any

import httpx
import pytest

from llmwise import AsyncLLMWise, LLMWise
from support import KEY, run


def recording_client(mode: str, body: Any, sent: list[httpx.Request]) -> LLMWise | AsyncLLMWise:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=body)

    transport = httpx.MockTransport(handler)
    if mode == "sync":
        return LLMWise(KEY, base_url="http://test.local", http_client=httpx.Client(transport=transport))
    return AsyncLLMWise(KEY, base_url="http://test.local", http_client=httpx.AsyncClient(transport=transport))


def legacy(client: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return run(getattr(client, name)(*args, **kwargs))


def test_the_0_1_module_paths_import() -> None:
    code = (
        "from llmwise.errors import LLMWiseError\n"
        "from llmwise.client import LLMWise, AsyncLLMWise\n"
        "from llmwise.types import Message, RoutingConfig, Role, TextBlock, ImageUrl, ImageBlock, "
        "ContentBlock, MessageContent, JsonDict\n"
        "import llmwise\n"
        "assert LLMWiseError is llmwise.LLMWiseError and LLMWise is llmwise.LLMWise\n"
        "m: Message = {'role': 'user', 'content': 'Hi'}\n"
        "r: RoutingConfig = {'fallback': ['gpt-5.2'], 'strategy': 'latency'}\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_errors_from_the_0_1_path_catch_1_x_errors(mode: str) -> None:
    from llmwise.errors import InsufficientCreditsError, LLMWiseError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(402, json={"error": "Not enough credits"})

    transport = httpx.MockTransport(handler)
    client: Any = (
        LLMWise(KEY, base_url="http://t", http_client=httpx.Client(transport=transport))
        if mode == "sync"
        else AsyncLLMWise(KEY, base_url="http://t", http_client=httpx.AsyncClient(transport=transport))
    )
    with pytest.raises(LLMWiseError) as info:
        legacy(client, "credits_balance")
    assert isinstance(info.value, InsufficientCreditsError) and info.value.status_code == 402


def test_arguments_are_coerced_as_0_1_did(mode: str) -> None:
    sent: list[httpx.Request] = []
    client = recording_client(mode, {"id": "req_1", "content": "Hi"}, sent)
    legacy(
        client,
        "chat",
        model="gpt-5.2",
        messages=[{"role": "user", "content": "Hi"}],
        max_tokens="50",
        temperature="0.5",
        semantic_top_k=3.0,
    )
    body = json.loads(sent[-1].content)
    assert body["max_tokens"] == 50 and body["temperature"] == 0.5 and body["semantic_top_k"] == 3
    client = recording_client(mode, {"conversations": [], "total": 0}, sent)
    legacy(client, "conversations", limit="5", offset="10")
    assert sent[-1].url.params["limit"] == "5" and sent[-1].url.params["offset"] == "10"


def test_a_value_that_cannot_be_coerced_names_the_argument(mode: str) -> None:
    client = recording_client(mode, {}, [])
    with pytest.raises(TypeError, match="max_tokens must be int"):
        legacy(client, "chat", model="gpt-5.2", messages=[{"role": "user", "content": "Hi"}], max_tokens="many")


def test_a_payload_field_named_like_a_request_option_stays_in_the_body(mode: str) -> None:
    sent: list[httpx.Request] = []
    client = recording_client(mode, {"max_fallbacks": 1}, sent)
    legacy(client, "optimization_update_policy", {"max_fallbacks": 1, "timeout": 5, "max_retries": 9})
    assert json.loads(sent[-1].content) == {"max_fallbacks": 1, "timeout": 5, "max_retries": 9}
    assert len(sent) == 1  # and it was not taken as the call's retry count or timeout


def test_dict_reads_behave_like_the_0_1_read_only_dict(mode: str) -> None:
    client = recording_client(mode, {"id": "req_1", "model": "gpt-5.2", "content": "Hi", "novel": 1}, [])
    resp = legacy(client, "chat", model="gpt-5.2", messages=[{"role": "user", "content": "Hi"}])
    # Only what the server sent is there, as in 0.1's dict.
    assert "resolved_model" not in resp and resp.get("resolved_model") is None
    with pytest.raises(KeyError):
        resp["resolved_model"]
    assert "content" in resp and "novel" in resp
    assert len(resp) == 4
    assert sorted(resp.keys()) == ["content", "id", "model", "novel"]
    assert dict(resp.items()) == {"id": "req_1", "model": "gpt-5.2", "content": "Hi", "novel": 1}
    assert sorted(map(str, resp.values())) == ["1", "Hi", "gpt-5.2", "req_1"]


def test_the_error_class_takes_0_1_arguments() -> None:
    from llmwise.errors import LLMWiseError

    by_keyword = LLMWiseError(status_code=402, message="Not enough credits", payload={"error": "x"})
    assert (by_keyword.status_code, by_keyword.message, by_keyword.payload) == (402, "Not enough credits", {"error": "x"})
    positional = LLMWiseError(502, "Unexpected response shape", [1, 2])
    assert (positional.status_code, positional.message, positional.payload) == (502, "Unexpected response shape", [1, 2])
    assert LLMWiseError(404, "Gone").payload is None
    with pytest.raises(TypeError):
        LLMWiseError("message", "stray", "arguments")


def test_message_is_the_server_s_message_as_in_0_1(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(402, json={"error": "Not enough credits"}, headers={"x-request-id": "req_9"})

    transport = httpx.MockTransport(handler)
    client: Any = (
        LLMWise(KEY, base_url="http://t", http_client=httpx.Client(transport=transport))
        if mode == "sync"
        else AsyncLLMWise(KEY, base_url="http://t", http_client=httpx.AsyncClient(transport=transport))
    )
    from llmwise.errors import LLMWiseError

    with pytest.raises(LLMWiseError) as info:
        legacy(client, "credits_balance")
    assert info.value.message == "Not enough credits"
    assert str(info.value) == "Error code: 402 - Not enough credits (request_id: req_9)"
