"""Helpers of the account API tests (`test_account_*.py`): read pages and run chats with either client."""

from __future__ import annotations

from typing import Any

from llmwise.types.shared import MessageParam
from support import SandboxEnv, run


def msg(text: str) -> list[MessageParam]:
    """A one-message conversation."""
    return [{"role": "user", "content": text}]


def chat(env: SandboxEnv, text: str, model: str = "gpt-5.2", **kwargs: Any) -> Any:
    """Run one non-streaming chat and return its `ChatCompletion`."""
    return env.call(env.client.chat.create(model=model, messages=msg(text), **kwargs))


def every_item(page: Any) -> list[Any]:
    """Iterate a `Page` / `AsyncPage` to the end (fetching the following pages) and list the items."""
    if hasattr(page, "__iter__"):
        return list(page)

    async def go() -> list[Any]:
        return [item async for item in page]

    items: list[Any] = run(go())
    return items


def every_page(page: Any) -> list[Any]:
    """`page.iter_pages()` read to the end."""
    if hasattr(page, "__iter__"):
        return list(page.iter_pages())

    async def go() -> list[Any]:
        return [p async for p in page.iter_pages()]

    pages: list[Any] = run(go())
    return pages


def api_requests(env: SandboxEnv, method: str, path: str) -> list[Any]:
    """The requests the sandbox recorded for `method path` (path relative to /api/v1)."""
    return [r for r in env.sandbox.requests if r.method == method and r.path == path]
