"""Clients answered by a fixed body, and the checks every drifted answer must pass."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from llmwise import LLMWise
from llmwise._models import BaseModel
from llmwise._pagination import BasePage
from support import KEY

from .perturb import SECRET


def client_for(body: Any, *, strict: bool, stream: bool = False) -> LLMWise:
    """A client whose every request is answered with `body` (JSON, or SSE payloads when `stream`)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if stream:
            text = "".join(f"data: {payload}\n\n" for payload in body)
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, text=text)
        return httpx.Response(200, headers={"x-request-id": "req_drift"}, content=json.dumps(body).encode())

    return LLMWise(
        KEY,
        base_url="http://drift.test",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        strict_responses=strict,
        max_retries=0,
    )


def issues_of(value: Any) -> list[str]:
    """Everything the lenient reader kept as sent, described: the issues of models, and list entries
    that are not models (where an object was expected)."""
    if isinstance(value, BaseModel):
        return [str(issue) for issue in value.response_issues]
    if isinstance(value, BasePage):
        value = value.data
    if isinstance(value, list):
        found: list[str] = []
        for i, item in enumerate(value):
            found.extend(issues_of(item) if isinstance(item, BaseModel) else [f"[{i}]: {type(item).__name__}"])
        return found
    return []


def same(sent: Any, got: Any) -> bool:
    """The value the server sent, as the SDK gives it back (numbers may have been read from text)."""
    if sent == got and type(sent) is type(got):
        return True
    try:
        return not isinstance(sent, bool) and float(sent) == float(got)
    except (TypeError, ValueError):
        return False


def first_list(body: Any, key: str | None) -> list[Any] | None:
    """The items of a listing, wherever a server would put them."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for name in (key, "data", "items"):
            if name is not None and isinstance(body.get(name), list):
                return list(body[name])
    return None


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """The messages the `llmwise` logger emits inside the block."""
    handler = _Capture()
    logger = logging.getLogger("llmwise")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        assert SECRET not in str(text), f"a value was quoted: {str(text)[:300]}"
