"""`LLMWise` and `AsyncLLMWise`: configuration plus lazily loaded resources."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from ._base_client import APIClient, AsyncAPIClient, BaseClient, normalize_base_url
from ._budget import Budget
from ._ledger import DEFAULT_LEDGER_SIZE, Ledger
from ._legacy import legacy_http_client
from ._legacy_api import AsyncLegacyMethods, LegacyMethods

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._http import AnyTimeout, AsyncHttpClient, HttpClient
    from .resources.blend import AsyncBlend, Blend
    from .resources.chat import AsyncChat, Chat
    from .resources.compare import AsyncCompare, Compare
    from .resources.conversations import AsyncConversations, Conversations
    from .resources.credits import AsyncCredits, Credits
    from .resources.history import AsyncHistory, History
    from .resources.judge import AsyncJudge, Judge
    from .resources.keys import AsyncKeys, Keys
    from .resources.memory import AsyncMemories, Memories
    from .resources.models import AsyncModels, Models
    from .resources.optimization import AsyncOptimization, Optimization
    from .resources.settings import AsyncSettings, Settings
    from .resources.usage import AsyncUsage, Usage

__all__ = ["LLMWise", "AsyncLLMWise"]


def _with_options(
    client: BaseClient,
    *,
    api_key: str | None,
    base_url: str | None,
    timeout: float | AnyTimeout | None,
    max_retries: int | None,
    default_headers: Mapping[str, str] | None,
    strict_responses: bool | None = None,
    deadline: float | None = None,
    max_response_bytes: int | None = None,
    max_event_bytes: int | None = None,
) -> Any:
    new = copy.copy(client)
    # Resources are cached per client and hold a reference to it: the copy needs its own.
    for name, value in type(client).__dict__.items():
        if isinstance(value, cached_property):
            new.__dict__.pop(name, None)
    new._owns_http = False  # type: ignore[attr-defined]
    new._configure(
        api_key=api_key if api_key is not None else client.api_key,
        base_url=normalize_base_url(base_url) if base_url is not None else client.base_url,
        timeout=timeout if timeout is not None else client.timeout,
        max_retries=max_retries if max_retries is not None else client.max_retries,
        default_headers={**client.default_headers, **(default_headers or {})},
        strict_responses=strict_responses if strict_responses is not None else client.strict_responses,
        deadline=deadline if deadline is not None else client.deadline,
        max_response_bytes=max_response_bytes if max_response_bytes is not None else client.max_response_bytes,
        max_event_bytes=max_event_bytes if max_event_bytes is not None else client.max_event_bytes,
    )
    return new


def _init_watchers(
    client: BaseClient, ledger_size: int, tracing: bool, tracer_provider: Any, trace_content: bool
) -> None:
    # What watches the calls: see `llmwise._meter`.
    ledger = Ledger(ledger_size)
    client._ledger = ledger
    client._record = ledger.record if ledger.maxlen else None
    client._family = object()
    if not isinstance(tracing, bool):
        raise TypeError(f"tracing must be a bool, got {type(tracing).__name__}")
    if not isinstance(trace_content, bool):
        raise TypeError(f"trace_content must be a bool, got {type(trace_content).__name__}")
    client._tracing = tracing
    client._tracer_provider = tracer_provider
    client._trace_content = trace_content


# <async>
class AsyncLLMWise(AsyncAPIClient, AsyncLegacyMethods):
    """Async client of the LLMWise API.

    Args:
        api_key: `mm_sk_...`; defaults to the `LLMWISE_API_KEY` environment variable.
        base_url: defaults to `LLMWISE_BASE_URL`, else `https://llmwise.ai/api/v1`; a bare origin
            gets `/api/v1` appended.
        timeout: the limit of each network wait in seconds (or an `httpx.Timeout` / `httpx2.Timeout`):
            connecting, each read, each write; for streams, the longest wait between two chunks
            (default 60 s, 10 s to connect). It does not bound a whole call: see `deadline`.
        client: the 0.1 name of `http_client` (deprecated); its base URL and `Authorization` header
            are used when `base_url` / `api_key` are not given, as 0.1 did.
        max_retries: retries of connection errors, timeouts, 408/409/429 and 5xx (default 2).
        default_headers: headers sent with every request.
        http_client: your own `httpx.AsyncClient` or `httpx2.AsyncClient` (proxies, transports); the
            SDK adds URL and auth. It keeps its own limits and is not closed by `close()`.
        http_library: the HTTP library of the pool the SDK makes when no `http_client` is given:
            "httpx" (the default) or "httpx2" (pydantic's maintained fork of httpx; `pip install
            "llmwise[httpx2]"`).
        strict_responses: raise `APIResponseValidationError` when a response value does not fit its
            model, instead of keeping it as sent (listed in `response_issues`); defaults to the
            `LLMWISE_STRICT_RESPONSES` environment variable (`1` turns it on), else off.
        deadline: seconds a whole call may take: every attempt, every wait before a retry and, for
            a stream, its whole life. Each attempt's timeouts are lowered to the time left, a wait
            that would end past the deadline is not started, and `DeadlineExceededError` (an
            `APITimeoutError`) is raised when it passes. Default None: no deadline.
        max_response_bytes: the most a response body may weigh once decoded (default 64 MiB): a
            small compressed body can inflate to gigabytes. Past it, `ResponseTooLargeError`.
        max_event_bytes: the most one line or event of a stream may weigh (default 8 MiB).
        ledger_size: how many billable calls `ledger` keeps (default 10,000; the oldest are dropped
            beyond it); 0 turns the ledger off.
        tracing: make OpenTelemetry spans of the calls when the application uses OpenTelemetry
            (default True; see `llmwise._otel`); False: never.
        tracer_provider: the OpenTelemetry `TracerProvider` to use instead of the global one.
        trace_content: also record prompts and answers on the spans (default False: never).

    The first four may be positional, in the 0.1 client's order.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | AnyTimeout | None = None,
        client: AsyncHttpClient | None = None,
        *,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: AsyncHttpClient | None = None,
        http_library: Literal["httpx", "httpx2"] | None = None,
        strict_responses: bool | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        max_event_bytes: int | None = None,
        ledger_size: int = DEFAULT_LEDGER_SIZE,
        tracing: bool = True,
        tracer_provider: Any = None,
        trace_content: bool = False,
    ) -> None:
        if client is not None:
            api_key, base_url = legacy_http_client(type(self).__name__, client, http_client, api_key, base_url)
            http_client = client
        self._configure(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            strict_responses=strict_responses,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
        )
        _init_watchers(self, ledger_size, tracing, tracer_provider, trace_content)
        self._init_http(http_client, http_library)

    @property
    def ledger(self) -> Ledger:
        """Every billable call this client made (and its `with_options()` copies): credits, tokens,
        latency, outcome; summaries and CSV/JSON export (see `llmwise.Ledger`)."""
        return self._ledger

    def budget(self, max_credits: float, *, reserves: Mapping[str, float] | None = None) -> Budget:
        """A budget for the calls of this client made inside `with` (or `async with`) it.

        A billable call whose mode's reserve (`llmwise.DEFAULT_RESERVES`: chat 1, compare 2, blend
        4, judge 5 credits; `reserves` overrides some) would take the budget past `max_credits`
        raises `BudgetExceededError` before anything is sent; each call's `credits_charged` is
        counted when it ends. Read `budget.spent`, `budget.remaining`, `budget.calls`. The rules
        are in `llmwise.Budget`.
        """
        return Budget(max_credits, reserves=reserves, family=self._family)

    def with_options(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | AnyTimeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        strict_responses: bool | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        max_event_bytes: int | None = None,
    ) -> AsyncLLMWise:
        """A copy of this client with some settings changed, sharing its connection pool, ledger
        and budgets.

        `client.with_options(timeout=5, max_retries=0).chat.create(...)` changes one call; a setting
        left None keeps this client's (a per-call `deadline=None` turns the deadline off).
        """
        new: AsyncLLMWise = _with_options(
            self,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            strict_responses=strict_responses,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
        )
        return new

    @cached_property
    def chat(self) -> AsyncChat:
        """Chat with one model, `auto`, or a failover chain."""
        from .resources.chat import AsyncChat

        return AsyncChat(self)

    @cached_property
    def compare(self) -> AsyncCompare:
        """Run 2 to 9 models side by side on the same messages."""
        from .resources.compare import AsyncCompare

        return AsyncCompare(self)

    @cached_property
    def blend(self) -> AsyncBlend:
        """Gather several answers and synthesize one (six strategies)."""
        from .resources.blend import AsyncBlend

        return AsyncBlend(self)

    @cached_property
    def judge(self) -> AsyncJudge:
        """Have contestants answer and a judge model rank them."""
        from .resources.judge import AsyncJudge

        return AsyncJudge(self)

    @cached_property
    def models(self) -> AsyncModels:
        """The model catalogue."""
        from .resources.models import AsyncModels

        return AsyncModels(self)

    @cached_property
    def conversations(self) -> AsyncConversations:
        """Conversations: create, list, read, rename, delete."""
        from .resources.conversations import AsyncConversations

        return AsyncConversations(self)

    @cached_property
    def history(self) -> AsyncHistory:
        """Past requests, searchable, with their full detail."""
        from .resources.history import AsyncHistory

        return AsyncHistory(self)

    @cached_property
    def credits(self) -> AsyncCredits:
        """Credit balance, wallet, ledger, packs, checkout and auto top-up."""
        from .resources.credits import AsyncCredits

        return AsyncCredits(self)

    @cached_property
    def usage(self) -> AsyncUsage:
        """Usage totals and recent requests."""
        from .resources.usage import AsyncUsage

        return AsyncUsage(self)

    @cached_property
    def keys(self) -> AsyncKeys:
        """The account's API key: status, generation, revocation."""
        from .resources.keys import AsyncKeys

        return AsyncKeys(self)

    @cached_property
    def memory(self) -> AsyncMemories:
        """Semantic memory: list, search, delete, clear."""
        from .resources.memory import AsyncMemories

        return AsyncMemories(self)

    @cached_property
    def optimization(self) -> AsyncOptimization:
        """Routing policy, reports, alerts, replay, test suites and regression schedules."""
        from .resources.optimization import AsyncOptimization

        return AsyncOptimization(self)

    @cached_property
    def settings(self) -> AsyncSettings:
        """Provider keys (BYOK), privacy controls and the copilot."""
        from .resources.settings import AsyncSettings

        return AsyncSettings(self)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class LLMWise(APIClient, LegacyMethods):
    """Client of the LLMWise API.

    Args:
        api_key: `mm_sk_...`; defaults to the `LLMWISE_API_KEY` environment variable.
        base_url: defaults to `LLMWISE_BASE_URL`, else `https://llmwise.ai/api/v1`; a bare origin
            gets `/api/v1` appended.
        timeout: the limit of each network wait in seconds (or an `httpx.Timeout` / `httpx2.Timeout`):
            connecting, each read, each write; for streams, the longest wait between two chunks
            (default 60 s, 10 s to connect). It does not bound a whole call: see `deadline`.
        client: the 0.1 name of `http_client` (deprecated); its base URL and `Authorization` header
            are used when `base_url` / `api_key` are not given, as 0.1 did.
        max_retries: retries of connection errors, timeouts, 408/409/429 and 5xx (default 2).
        default_headers: headers sent with every request.
        http_client: your own `httpx.Client` or `httpx2.Client` (proxies, transports); the
            SDK adds URL and auth. It keeps its own limits and is not closed by `close()`.
        http_library: the HTTP library of the pool the SDK makes when no `http_client` is given:
            "httpx" (the default) or "httpx2" (pydantic's maintained fork of httpx; `pip install
            "llmwise[httpx2]"`).
        strict_responses: raise `APIResponseValidationError` when a response value does not fit its
            model, instead of keeping it as sent (listed in `response_issues`); defaults to the
            `LLMWISE_STRICT_RESPONSES` environment variable (`1` turns it on), else off.
        deadline: seconds a whole call may take: every attempt, every wait before a retry and, for
            a stream, its whole life. Each attempt's timeouts are lowered to the time left, a wait
            that would end past the deadline is not started, and `DeadlineExceededError` (an
            `APITimeoutError`) is raised when it passes. Default None: no deadline.
        max_response_bytes: the most a response body may weigh once decoded (default 64 MiB): a
            small compressed body can inflate to gigabytes. Past it, `ResponseTooLargeError`.
        max_event_bytes: the most one line or event of a stream may weigh (default 8 MiB).
        ledger_size: how many billable calls `ledger` keeps (default 10,000; the oldest are dropped
            beyond it); 0 turns the ledger off.
        tracing: make OpenTelemetry spans of the calls when the application uses OpenTelemetry
            (default True; see `llmwise._otel`); False: never.
        tracer_provider: the OpenTelemetry `TracerProvider` to use instead of the global one.
        trace_content: also record prompts and answers on the spans (default False: never).

    The first four may be positional, in the 0.1 client's order.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | AnyTimeout | None = None,
        client: HttpClient | None = None,
        *,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: HttpClient | None = None,
        http_library: Literal["httpx", "httpx2"] | None = None,
        strict_responses: bool | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        max_event_bytes: int | None = None,
        ledger_size: int = DEFAULT_LEDGER_SIZE,
        tracing: bool = True,
        tracer_provider: Any = None,
        trace_content: bool = False,
    ) -> None:
        if client is not None:
            api_key, base_url = legacy_http_client(type(self).__name__, client, http_client, api_key, base_url)
            http_client = client
        self._configure(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            strict_responses=strict_responses,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
        )
        _init_watchers(self, ledger_size, tracing, tracer_provider, trace_content)
        self._init_http(http_client, http_library)

    @property
    def ledger(self) -> Ledger:
        """Every billable call this client made (and its `with_options()` copies): credits, tokens,
        latency, outcome; summaries and CSV/JSON export (see `llmwise.Ledger`)."""
        return self._ledger

    def budget(self, max_credits: float, *, reserves: Mapping[str, float] | None = None) -> Budget:
        """A budget for the calls of this client made inside `with` (or `with`) it.

        A billable call whose mode's reserve (`llmwise.DEFAULT_RESERVES`: chat 1, compare 2, blend
        4, judge 5 credits; `reserves` overrides some) would take the budget past `max_credits`
        raises `BudgetExceededError` before anything is sent; each call's `credits_charged` is
        counted when it ends. Read `budget.spent`, `budget.remaining`, `budget.calls`. The rules
        are in `llmwise.Budget`.
        """
        return Budget(max_credits, reserves=reserves, family=self._family)

    def with_options(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | AnyTimeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        strict_responses: bool | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        max_event_bytes: int | None = None,
    ) -> LLMWise:
        """A copy of this client with some settings changed, sharing its connection pool, ledger
        and budgets.

        `client.with_options(timeout=5, max_retries=0).chat.create(...)` changes one call; a setting
        left None keeps this client's (a per-call `deadline=None` turns the deadline off).
        """
        new: LLMWise = _with_options(
            self,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            strict_responses=strict_responses,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
        )
        return new

    @cached_property
    def chat(self) -> Chat:
        """Chat with one model, `auto`, or a failover chain."""
        from .resources.chat import Chat

        return Chat(self)

    @cached_property
    def compare(self) -> Compare:
        """Run 2 to 9 models side by side on the same messages."""
        from .resources.compare import Compare

        return Compare(self)

    @cached_property
    def blend(self) -> Blend:
        """Gather several answers and synthesize one (six strategies)."""
        from .resources.blend import Blend

        return Blend(self)

    @cached_property
    def judge(self) -> Judge:
        """Have contestants answer and a judge model rank them."""
        from .resources.judge import Judge

        return Judge(self)

    @cached_property
    def models(self) -> Models:
        """The model catalogue."""
        from .resources.models import Models

        return Models(self)

    @cached_property
    def conversations(self) -> Conversations:
        """Conversations: create, list, read, rename, delete."""
        from .resources.conversations import Conversations

        return Conversations(self)

    @cached_property
    def history(self) -> History:
        """Past requests, searchable, with their full detail."""
        from .resources.history import History

        return History(self)

    @cached_property
    def credits(self) -> Credits:
        """Credit balance, wallet, ledger, packs, checkout and auto top-up."""
        from .resources.credits import Credits

        return Credits(self)

    @cached_property
    def usage(self) -> Usage:
        """Usage totals and recent requests."""
        from .resources.usage import Usage

        return Usage(self)

    @cached_property
    def keys(self) -> Keys:
        """The account's API key: status, generation, revocation."""
        from .resources.keys import Keys

        return Keys(self)

    @cached_property
    def memory(self) -> Memories:
        """Semantic memory: list, search, delete, clear."""
        from .resources.memory import Memories

        return Memories(self)

    @cached_property
    def optimization(self) -> Optimization:
        """Routing policy, reports, alerts, replay, test suites and regression schedules."""
        from .resources.optimization import Optimization

        return Optimization(self)

    @cached_property
    def settings(self) -> Settings:
        """Provider keys (BYOK), privacy controls and the copilot."""
        from .resources.settings import Settings

        return Settings(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
# </sync>
