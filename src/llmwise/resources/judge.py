"""`client.judge`: contestants answer, a judge model ranks them; streamed or not."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal, overload

from typing_extensions import Required, Unpack

from .._base_client import Operation
from .._budget import precheck
from .._lazy import LazyModule, lazy_exports
from .._legacy_api import AsyncJudgeCallable, JudgeCallable
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    RESPONSE_CAPTURE,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from ..types.params import JudgeCreateParams, MultiModelParams
from ._multi import multi_model_operation

if TYPE_CHECKING:
    from .. import _judging
    from .._streaming import judge as _streams
    from .._streaming.judge import AsyncJudgeStream, JudgeStream
    from ..types import judge as _types
    from ..types.judge import AggregatedJudgeResult, JudgeResult
else:
    # Imported by the first call that needs them: they define pydantic models (see `llmwise._lazy`).
    _judging = LazyModule("llmwise._judging")
    _streams = LazyModule("llmwise._streaming.judge")
    _types = LazyModule("llmwise.types.judge")
    __getattr__ = lazy_exports(
        globals(), {"JudgeStream": "llmwise._streaming.judge", "AsyncJudgeStream": "llmwise._streaming.judge"}
    )

__all__ = ["Judge", "AsyncJudge", "JudgeStream", "AsyncJudgeStream", "JudgeCreateArgs", "JudgePanelArgs"]


class JudgeCreateArgs(JudgeCreateParams, RequestOptions, total=False):
    """Keyword arguments of `judge.create()` / `judge.stream()`: the body fields plus request options."""


class JudgePanelArgs(MultiModelParams, RequestOptions, total=False):
    """Keyword arguments of `judge.create(judges=[...])`: those of `JudgeCreateArgs` but `judge`."""

    contestants: Required[list[str]]
    criteria: list[str]


def _operation(kwargs: dict[str, Any], *, stream: bool, where: str) -> Operation[JudgeResult]:
    return multi_model_operation(
        "/judge", kwargs, params=JudgeCreateParams, parse=_types.JudgeResult.from_api, stream=stream, where=where
    )


# <async>
class AsyncJudge(AsyncAPIResource, AsyncJudgeCallable):
    """Have 2 to 4 contestants answer, and a judge model rank them."""

    @cached_property
    def with_raw_response(self) -> AsyncJudgeWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncJudgeWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncJudgeWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncJudgeWithStreamingResponse(self)

    @overload
    async def create(
        self,
        *,
        stream: Literal[False] = False,
        swap_positions: Literal[False] = False,
        judges: None = None,
        **kwargs: Unpack[JudgeCreateArgs],
    ) -> JudgeResult: ...
    @overload
    async def create(self, *, stream: Literal[True], **kwargs: Unpack[JudgeCreateArgs]) -> AsyncJudgeStream: ...
    @overload
    async def create(
        self,
        *,
        swap_positions: Literal[True],
        stream: Literal[False] = False,
        judges: None = None,
        **kwargs: Unpack[JudgeCreateArgs],
    ) -> AggregatedJudgeResult: ...
    @overload
    async def create(
        self,
        *,
        judges: list[str],
        swap_positions: bool = False,
        stream: Literal[False] = False,
        **kwargs: Unpack[JudgePanelArgs],
    ) -> AggregatedJudgeResult: ...
    @overload
    async def create(self, *, stream: bool, **kwargs: Unpack[JudgeCreateArgs]) -> JudgeResult | AsyncJudgeStream: ...
    async def create(
        self,
        *,
        stream: bool = False,
        swap_positions: bool = False,
        judges: list[str] | None = None,
        **kwargs: Any,
    ) -> JudgeResult | AsyncJudgeStream:
        """Judge answers (`POST /judge`); costs 5 credits, refunded when the judging fails.

        Args:
            contestants: 2 to 4 distinct model ids.
            judge: The judging model; it must not be a contestant.
            messages: The conversation, e.g. `[{"role": "user", "content": "Hi"}]`.
            criteria: What the judge weighs, e.g. `["accuracy", "brevity"]`.
            stream: True returns an `AsyncJudgeStream` of typed events instead of the finished result.
            swap_positions: judge twice, the second time with the contestants in reverse order
                (judges favour the first position), and return one `AggregatedJudgeResult`.
            judges: instead of `judge`, two or more judging models (a panel; judges favour their own
                family): each judges (twice with `swap_positions`), and one `AggregatedJudgeResult`
                comes back.
            temperature: 0 to 2. max_tokens: 1 to 128000.
            semantic_memory, semantic_top_k, semantic_min_score: cross-session recall.
            conversation_id: attach the exchange to a conversation.
            extra_headers, extra_query, extra_body, timeout, max_retries, idempotency_key: per-call
                request options.

        With `swap_positions` or `judges`, the calls are made one after another, each billed (and
        counted by budgets and the ledger) as a judge call; all of them are checked first, and an
        active budget must have room for all of them before the first is sent. The aggregate's
        scores are each contestant's mean score; ties go to the better mean rank, then to the
        contestant more calls named the winner, then to request order (`llmwise._judging` has the
        exact rules). `runs` keeps every call's own verdict, `same_winner` says whether they agreed,
        `calls` and `credits_charged` what was run and what it cost. They do not stream.
        """
        if swap_positions is not False or judges is not None:
            if stream:
                raise TypeError("judge.create(): swap_positions and judges cannot be combined with stream=True")
            if RESPONSE_CAPTURE.get() is not None:
                # Before anything is sent (and billed): several calls have no one raw response.
                raise TypeError(
                    "judge.create(): swap_positions and judges make several calls: they have no raw "
                    "response (call it without with_raw_response / with_streaming_response)"
                )
            plans = _judging.plan_runs(dict(kwargs), swap_positions=swap_positions, judges=judges, where="judge.create")
            operations = [_operation(plan.kwargs, stream=False, where="judge.create") for plan in plans]
            precheck(self._client._family, "judge", len(operations))
            results = [await self._client.request(op) for op in operations]
            return _judging.aggregate(plans, results, swap_positions=swap_positions)
        if stream:
            return await self.stream(**kwargs).start()
        return await self._client.request(_operation(dict(kwargs), stream=False, where="judge.create"))

    def stream(self, **kwargs: Unpack[JudgeCreateArgs]) -> AsyncJudgeStream:
        """Stream a judging: `async with client.judge.stream(contestants=[...], judge=..., messages=...) as s:`.

        Takes the same arguments as `create()`. The request is sent when the stream is entered or
        first iterated.
        """
        op = _operation(dict(kwargs), stream=True, where="judge.stream")
        return _streams.AsyncJudgeStream(self._client, op)


class AsyncJudgeWithRawResponse(ResourceView):
    """`client.judge.with_raw_response`: the methods of `client.judge`, returning the HTTP response."""

    create: Final = async_to_raw_response_wrapper(AsyncJudge.create)
    stream: Final = async_to_raw_response_wrapper(AsyncJudge.stream)


class AsyncJudgeWithStreamingResponse(ResourceView):
    """`client.judge.with_streaming_response`: the methods of `client.judge` as context managers
    that read the body only when asked."""

    create: Final = async_to_streamed_response_wrapper(AsyncJudge.create)
    stream: Final = async_to_streamed_response_wrapper(AsyncJudge.stream)
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Judge(APIResource, JudgeCallable):
    """Have 2 to 4 contestants answer, and a judge model rank them."""

    @cached_property
    def with_raw_response(self) -> JudgeWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return JudgeWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> JudgeWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return JudgeWithStreamingResponse(self)

    @overload
    def create(
        self,
        *,
        stream: Literal[False] = False,
        swap_positions: Literal[False] = False,
        judges: None = None,
        **kwargs: Unpack[JudgeCreateArgs],
    ) -> JudgeResult: ...
    @overload
    def create(self, *, stream: Literal[True], **kwargs: Unpack[JudgeCreateArgs]) -> JudgeStream: ...
    @overload
    def create(
        self,
        *,
        swap_positions: Literal[True],
        stream: Literal[False] = False,
        judges: None = None,
        **kwargs: Unpack[JudgeCreateArgs],
    ) -> AggregatedJudgeResult: ...
    @overload
    def create(
        self,
        *,
        judges: list[str],
        swap_positions: bool = False,
        stream: Literal[False] = False,
        **kwargs: Unpack[JudgePanelArgs],
    ) -> AggregatedJudgeResult: ...
    @overload
    def create(self, *, stream: bool, **kwargs: Unpack[JudgeCreateArgs]) -> JudgeResult | JudgeStream: ...
    def create(
        self,
        *,
        stream: bool = False,
        swap_positions: bool = False,
        judges: list[str] | None = None,
        **kwargs: Any,
    ) -> JudgeResult | JudgeStream:
        """Judge answers (`POST /judge`); costs 5 credits, refunded when the judging fails.

        Args:
            contestants: 2 to 4 distinct model ids.
            judge: The judging model; it must not be a contestant.
            messages: The conversation, e.g. `[{"role": "user", "content": "Hi"}]`.
            criteria: What the judge weighs, e.g. `["accuracy", "brevity"]`.
            stream: True returns an `JudgeStream` of typed events instead of the finished result.
            swap_positions: judge twice, the second time with the contestants in reverse order
                (judges favour the first position), and return one `AggregatedJudgeResult`.
            judges: instead of `judge`, two or more judging models (a panel; judges favour their own
                family): each judges (twice with `swap_positions`), and one `AggregatedJudgeResult`
                comes back.
            temperature: 0 to 2. max_tokens: 1 to 128000.
            semantic_memory, semantic_top_k, semantic_min_score: cross-session recall.
            conversation_id: attach the exchange to a conversation.
            extra_headers, extra_query, extra_body, timeout, max_retries, idempotency_key: per-call
                request options.

        With `swap_positions` or `judges`, the calls are made one after another, each billed (and
        counted by budgets and the ledger) as a judge call; all of them are checked first, and an
        active budget must have room for all of them before the first is sent. The aggregate's
        scores are each contestant's mean score; ties go to the better mean rank, then to the
        contestant more calls named the winner, then to request order (`llmwise._judging` has the
        exact rules). `runs` keeps every call's own verdict, `same_winner` says whether they agreed,
        `calls` and `credits_charged` what was run and what it cost. They do not stream.
        """
        if swap_positions is not False or judges is not None:
            if stream:
                raise TypeError("judge.create(): swap_positions and judges cannot be combined with stream=True")
            if RESPONSE_CAPTURE.get() is not None:
                # Before anything is sent (and billed): several calls have no one raw response.
                raise TypeError(
                    "judge.create(): swap_positions and judges make several calls: they have no raw "
                    "response (call it without with_raw_response / with_streaming_response)"
                )
            plans = _judging.plan_runs(dict(kwargs), swap_positions=swap_positions, judges=judges, where="judge.create")
            operations = [_operation(plan.kwargs, stream=False, where="judge.create") for plan in plans]
            precheck(self._client._family, "judge", len(operations))
            results = [self._client.request(op) for op in operations]
            return _judging.aggregate(plans, results, swap_positions=swap_positions)
        if stream:
            return self.stream(**kwargs).start()
        return self._client.request(_operation(dict(kwargs), stream=False, where="judge.create"))

    def stream(self, **kwargs: Unpack[JudgeCreateArgs]) -> JudgeStream:
        """Stream a judging: `with client.judge.stream(contestants=[...], judge=..., messages=...) as s:`.

        Takes the same arguments as `create()`. The request is sent when the stream is entered or
        first iterated.
        """
        op = _operation(dict(kwargs), stream=True, where="judge.stream")
        return _streams.JudgeStream(self._client, op)


class JudgeWithRawResponse(ResourceView):
    """`client.judge.with_raw_response`: the methods of `client.judge`, returning the HTTP response."""

    create: Final = to_raw_response_wrapper(Judge.create)
    stream: Final = to_raw_response_wrapper(Judge.stream)


class JudgeWithStreamingResponse(ResourceView):
    """`client.judge.with_streaming_response`: the methods of `client.judge` as context managers
    that read the body only when asked."""

    create: Final = to_streamed_response_wrapper(Judge.create)
    stream: Final = to_streamed_response_wrapper(Judge.stream)
# </sync>
