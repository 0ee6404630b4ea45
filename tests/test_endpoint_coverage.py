"""Every API endpoint (docs/endpoints.tsv) has a sync and an async method, and each one reaches its
endpoint: called with sample arguments against the sandbox, it sends that method and path."""

from __future__ import annotations

import csv
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from llmwise import APIStatusError, AsyncLLMWise, AsyncStream, LLMWise
from llmwise.pagination import AsyncPage, AsyncPaginator
from llmwise.sandbox import Sandbox
from support import KEY, run

TABLE = Path(__file__).resolve().parent.parent / "docs" / "endpoints.tsv"
MSG = [{"role": "user", "content": "How do I cache API responses?"}]


def read_table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


ROWS = read_table()


@dataclass
class Sample:
    """Arguments to call an SDK method with, and the HTTP status the sandbox answers them with."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    """404 for ids that do not exist: the route matched, the object did not."""


SAMPLES: dict[str, Sample] = {
    "chat.create": Sample(kwargs={"model": "gpt-5.2", "messages": MSG}),
    "compare.create": Sample(kwargs={"models": ["gpt-5.2", "gemini-3-flash"], "messages": MSG}),
    "blend.create": Sample(kwargs={"models": ["gpt-5.2", "gemini-3-flash"], "messages": MSG}),
    "judge.create": Sample(
        kwargs={"contestants": ["gpt-5.2", "gemini-3-flash"], "judge": "claude-sonnet-4.5", "messages": MSG}
    ),
    "models.list": Sample(),
    "conversations.list": Sample(kwargs={"limit": 5}),
    "conversations.retrieve": Sample(("conv_sample",), status=404),
    "conversations.create": Sample(),
    "conversations.update": Sample(("conv_sample",), {"title": "Renamed"}, status=404),
    "conversations.delete": Sample(("conv_sample",), status=404),
    "history.list": Sample(kwargs={"mode": "chat"}),
    "history.retrieve": Sample(("req_sample",), status=404),
    "credits.balance": Sample(),
    "credits.wallet": Sample(),
    "credits.transactions": Sample(),
    "credits.packs": Sample(),
    "credits.purchase": Sample(kwargs={"amount_usd": 5, "utm_source": "coverage"}),
    "credits.confirm_checkout": Sample(("cs_sample",), status=404),
    "credits.update_auto_topup": Sample((False,)),
    "usage.summary": Sample(),
    "usage.recent": Sample(),
    "keys.info": Sample(),
    "keys.generate": Sample(status=403),  # an mm_sk_ key may not generate keys (a JWT may)
    "keys.revoke": Sample(),
    "memory.list": Sample(),
    "memory.search": Sample(("cache",)),
    "memory.delete": Sample(("mem_sample",), status=404),
    "memory.clear": Sample(),
    "optimization.policy.retrieve": Sample(),
    "optimization.policy.update": Sample(kwargs={"max_fallbacks": 1}),
    "optimization.report": Sample(),
    "optimization.evaluate": Sample(),
    "optimization.snapshots": Sample(),
    "optimization.alerts": Sample(),
    "optimization.replay": Sample(),
    "optimization.test_templates": Sample(),
    "optimization.test_suites.list": Sample(),
    "optimization.test_suites.create": Sample(kwargs={"name": "Smoke", "cases": [{"prompt": "Hi"}]}),
    "optimization.test_suites.update": Sample(("suite_sample",), {"name": "Renamed"}, status=404),
    "optimization.test_suites.run": Sample(("suite_sample",), status=404),
    "optimization.test_runs.list": Sample(),
    "optimization.test_runs.csv": Sample(("run_sample",), status=404),
    "optimization.regression_schedules.list": Sample(),
    "optimization.regression_schedules.create": Sample(kwargs={"suite_id": "suite_sample"}, status=404),
    "optimization.regression_schedules.update": Sample(("sched_sample",), {"enabled": False}, status=404),
    "optimization.regression_schedules.run": Sample(("sched_sample",), status=404),
    "settings.provider_keys.list": Sample(),
    "settings.provider_keys.save": Sample(({"openai": "sk-coverage-123456"},)),
    "settings.provider_keys.delete": Sample(("openai",), status=404),
    "settings.privacy.retrieve": Sample(),
    "settings.privacy.update": Sample(kwargs={"data_training_opt_in": True}),
    "settings.copilot.retrieve": Sample(),
    "settings.copilot.update": Sample(kwargs={"onboarded": True}),
    "settings.copilot.ask": Sample(("How do credits work?",)),
}


def resolve(client: object, dotted: str) -> Any:
    """`client.a.b.c`, failing the test with the missing part named."""
    target: Any = client
    for i, part in enumerate(dotted.split(".")):
        if not hasattr(target, part):
            where = ".".join(["client", *dotted.split(".")[:i]])
            pytest.fail(f"{type(client).__name__}: {where} has no attribute {part!r} (needed for {dotted})")
        target = getattr(target, part)
    return target


def path_pattern(path: str) -> re.Pattern[str]:
    """The table's path with each `{param}` matching one (quoted) segment."""
    return re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)))


def row_id(row: dict[str, str]) -> str:
    return row["sdk_method"]


def clients(sb: Sandbox) -> tuple[LLMWise, AsyncLLMWise]:
    sync = LLMWise(KEY, base_url="http://sandbox", http_client=httpx.Client(transport=sb.transport()))
    async_ = AsyncLLMWise(
        KEY, base_url="http://sandbox", http_client=httpx.AsyncClient(transport=sb.async_transport())
    )
    return sync, async_


def test_the_table_lists_the_54_endpoints_once() -> None:
    assert list(ROWS[0]) == ["http_method", "path", "sdk_method", "legacy_name"]
    assert len(ROWS) == 54
    assert len({(r["http_method"], r["path"]) for r in ROWS}) == 54
    assert len({r["sdk_method"] for r in ROWS}) == 54
    legacy = [name for r in ROWS for name in r["legacy_name"].split(",")]
    assert len(legacy) == len(set(legacy)) == 58  # the 0.1 client's 58 API methods
    assert set(SAMPLES) == {r["sdk_method"] for r in ROWS}
    for row in ROWS:
        assert row["http_method"] in {"GET", "POST", "PUT", "PATCH", "DELETE"}
        assert row["path"].startswith("/") and not row["path"].startswith("/api")


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_sync_and_async_methods_exist(row: dict[str, str]) -> None:
    sb = Sandbox()
    sync_client, async_client = clients(sb)
    sync_method = resolve(sync_client, row["sdk_method"])
    async_method = resolve(async_client, row["sdk_method"])
    assert callable(sync_method) and not inspect.iscoroutinefunction(sync_method)
    if not inspect.iscoroutinefunction(async_method):
        sample = SAMPLES[row["sdk_method"]]
        result = async_method(*sample.args, **sample.kwargs)
        if isinstance(result, AsyncPaginator):  # a listing that pages: awaited, it is the first page
            assert isinstance(run(result), AsyncPage)
        else:
            assert isinstance(result, AsyncStream), (
                f"async {row['sdk_method']} is neither a coroutine, a stream nor a paginator"
            )
            run(result.aclose())
    # The generated sync twin takes exactly the async method's parameters.
    sync_params = [(p.name, p.kind, p.default) for p in inspect.signature(sync_method).parameters.values()]
    async_params = [(p.name, p.kind, p.default) for p in inspect.signature(async_method).parameters.values()]
    assert sync_params == async_params
    assert inspect.getdoc(sync_method) and f"`{row['http_method']} /" in (inspect.getdoc(async_method) or "")
    sync_client.close()
    run(async_client.aclose())


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_each_method_reaches_its_endpoint(row: dict[str, str], mode: str) -> None:
    sb = Sandbox()
    sync_client, async_client = clients(sb)
    client: LLMWise | AsyncLLMWise = sync_client if mode == "sync" else async_client
    sample = SAMPLES[row["sdk_method"]]
    method = resolve(client, row["sdk_method"])
    try:
        result = run(method(*sample.args, **sample.kwargs))
    except APIStatusError as exc:
        assert exc.status_code == sample.status, f"{row['sdk_method']}: {exc}"
        # A 404 must come from the endpoint (unknown object), not from a path no route matches.
        assert not exc.message.startswith("Not found: /api/v1"), exc.message
    else:
        assert sample.status == 200, f"{row['sdk_method']} succeeded, expected {sample.status}"
        assert result is not None
    sent = sb.requests[-1]
    assert sent.method == row["http_method"]
    assert path_pattern(row["path"]).fullmatch(sent.path), f"{sent.path} does not match {row['path']}"
    sync_client.close()
    run(async_client.aclose())
