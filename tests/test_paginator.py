"""Async list methods that page return an `AsyncPaginator` (issue #12, item 6): both
`page = await client.x.list()` and `async for item in client.x.list()` work, and are typed.

The sync methods return the first `Page`, iterable over every item, as before.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable
from typing import Any, get_type_hints

import pytest

import llmwise.types
from account_support import chat
from llmwise import AsyncLLMWise, LLMWise
from llmwise.pagination import AsyncPage, AsyncPaginator, Page
from support import KEY, SandboxEnv, run
from typecheck import Report, mypy_report


def seed(env: SandboxEnv, n: int = 5) -> None:
    for i in range(n):
        env.call(env.client.conversations.create())
        chat(env, f"question {i}")


LISTINGS: dict[str, Callable[[Any], Any]] = {
    "conversations.list": lambda c: c.conversations.list,
    "history.list": lambda c: c.history.list,
    "credits.transactions": lambda c: c.credits.transactions,
    "usage.recent": lambda c: c.usage.recent,
}


@pytest.mark.parametrize("name", list(LISTINGS))
def test_both_forms(env: SandboxEnv, name: str) -> None:
    seed(env)
    method = LISTINGS[name](env.client)
    if env.mode == "sync":
        page = method(limit=2)
        assert isinstance(page, Page) and len(page.data) == 2
        items = list(method(limit=2))
        again = list(page)
    else:
        listing = method(limit=2)
        assert isinstance(listing, AsyncPaginator)

        async def go() -> tuple[Any, list[Any], list[Any]]:
            page = await method(limit=2)  # the first page
            items = [item async for item in method(limit=2)]  # every item, without `await`
            again = [item async for item in page]  # a page iterates from itself on, as before
            return page, items, again

        page, items, again = run(go())
        assert isinstance(page, AsyncPage) and len(page.data) == 2
    assert len(items) >= 5 and [getattr(i, "id", None) for i in items] == [getattr(i, "id", None) for i in again]
    assert items[:2] == page.data


def test_pages_of_a_paginator(env: SandboxEnv) -> None:
    seed(env, 5)
    if env.mode == "sync":
        pages = list(env.client.conversations.list(limit=2).iter_pages())
    else:

        async def go() -> list[Any]:
            return [p async for p in env.client.conversations.list(limit=2).iter_pages()]

        pages = run(go())
    assert [len(p.data) for p in pages] == [2, 2, 1]
    assert all(isinstance(p, Page if env.mode == "sync" else AsyncPage) for p in pages)


@pytest.mark.parametrize("mode", ["async"])  # sync list methods fetch the first page when called
def test_each_await_fetches_anew(env: SandboxEnv) -> None:
    seed(env, 1)
    listing = env.client.conversations.list()
    before = len(env.sandbox.requests)
    first, second = run(listing), run(listing)
    assert first.data == second.data and len(env.sandbox.requests) == before + 2


def test_a_misspelt_argument_is_refused_when_called(env: SandboxEnv) -> None:
    # Not later, at the first `await` or loop: the paginator is built from checked arguments.
    with pytest.raises(TypeError, match="offest"):
        env.client.conversations.list(offest=3)


def return_hint(func: Any) -> Any:
    # A resource module imports its response models for type checkers only (they load on first
    # use, see `llmwise._lazy`): its annotations are evaluated with the types modules' names.
    namespace: dict[str, Any] = {}
    for info in pkgutil.iter_modules(llmwise.types.__path__):
        namespace.update(vars(importlib.import_module(f"llmwise.types.{info.name}")))
    namespace.update(vars(sys.modules[func.__module__]))
    return get_type_hints(func, globalns=namespace).get("return")


def test_every_async_method_that_pages_returns_a_paginator() -> None:
    # Found by their sync twins, which return a `Page`: none is left returning an `AsyncPage`
    # (which would need `await` before `async for`).
    sync_client, async_client = LLMWise(KEY), AsyncLLMWise(KEY)
    found = []
    for name in ("conversations", "history", "credits", "usage", "memory", "models", "keys", "optimization"):
        sync_resource, async_resource = getattr(sync_client, name), getattr(async_client, name)
        for method_name, method in inspect.getmembers(type(sync_resource), inspect.isfunction):
            if method_name.startswith("_"):
                continue
            returns = return_hint(method)
            if getattr(returns, "__origin__", None) is Page:
                found.append(f"{name}.{method_name}")
                async_method = getattr(type(async_resource), method_name)
                async_returns = return_hint(async_method)
                assert async_returns.__origin__ is AsyncPaginator, f"async {name}.{method_name}"
                assert not inspect.iscoroutinefunction(async_method)
    assert sorted(found) == sorted(LISTINGS)


TYPES = """
from llmwise import AsyncLLMWise, LLMWise
from llmwise.pagination import AsyncPage, AsyncPaginator, Page
from llmwise.types.conversations import Conversation


def sync(client: LLMWise) -> None:
    reveal_type(client.conversations.list())  # @sync-list
    for conversation in client.conversations.list():
        reveal_type(conversation)  # @sync-item
    page: Page[Conversation] = client.conversations.list(limit=5)
    reveal_type(page.data)  # @sync-data
    reveal_type(client.credits.transactions())  # @sync-transactions


async def asynchronous(client: AsyncLLMWise) -> None:
    reveal_type(client.conversations.list())  # @async-list
    page = await client.conversations.list()
    reveal_type(page)  # @async-page
    first: AsyncPage[Conversation] = await client.conversations.list(limit=5)
    async for conversation in client.conversations.list():
        reveal_type(conversation)  # @async-item
    async for each in first:
        reveal_type(each)  # @async-page-item
    async for one in client.conversations.list().iter_pages():
        reveal_type(one)  # @async-pages
    listing: AsyncPaginator[Conversation] = client.conversations.list()
    reveal_type(await client.history.list())  # @async-history
    reveal_type(await client.credits.transactions())  # @async-transactions
    async for record in client.usage.recent():
        reveal_type(record)  # @async-usage
    for wrong in client.conversations.list():  # @sync-loop-over-async
        pass
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return mypy_report(tmp_path_factory.mktemp("pages"), TYPES)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("sync-list", "llmwise._pagination.Page[llmwise.types.conversations.Conversation]"),
        ("sync-item", "llmwise.types.conversations.Conversation"),
        ("sync-data", "list[llmwise.types.conversations.Conversation]"),
        ("sync-transactions", "llmwise._pagination.Page[llmwise.types.credits.Transaction]"),
        ("async-list", "llmwise._pagination.AsyncPaginator[llmwise.types.conversations.Conversation]"),
        ("async-page", "llmwise._pagination.AsyncPage[llmwise.types.conversations.Conversation]"),
        ("async-item", "llmwise.types.conversations.Conversation"),
        ("async-page-item", "llmwise.types.conversations.Conversation"),
        ("async-pages", "llmwise._pagination.AsyncPage[llmwise.types.conversations.Conversation]"),
        ("async-history", "llmwise._pagination.AsyncPage[llmwise.types.history.HistoryEntry]"),
        ("async-transactions", "llmwise._pagination.AsyncPage[llmwise.types.credits.Transaction]"),
        ("async-usage", "llmwise.types.usage.UsageRecord"),
    ],
)
def test_pages_are_typed(report: Report, tag: str, expected: str) -> None:
    assert report.revealed(tag) == expected, report.output


def test_a_sync_loop_over_an_async_listing_is_an_error(report: Report) -> None:
    assert any("__iter__" in error for error in report.errors("sync-loop-over-async")), report.output


def test_nothing_else_is_reported(report: Report) -> None:
    assert report.untagged == [], report.output
