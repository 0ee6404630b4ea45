"""`client.compare`: 2 to 9 models answer the same messages side by side; streamed or not."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, overload

from typing_extensions import Unpack

from .._base_client import Operation
from .._lazy import LazyModule, lazy_exports
from .._legacy_api import AsyncCompareCallable, CompareCallable
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from ..types.params import CompareCreateParams
from ._multi import multi_model_operation

if TYPE_CHECKING:
    from .. import _structured, _structured_calls
    from .._streaming import compare as _streams
    from .._streaming.compare import AsyncCompareStream, CompareStream
    from .._structured import ResponseFormat
    from ..types import compare as _types
    from ..types.compare import CompareResult
    from ..types.structured import ParsedCompareResult
else:
    # Imported by the first call that needs them: they define pydantic models (see `llmwise._lazy`).
    _streams = LazyModule("llmwise._streaming.compare")
    _structured = LazyModule("llmwise._structured")
    _structured_calls = LazyModule("llmwise._structured_calls")
    _types = LazyModule("llmwise.types.compare")
    __getattr__ = lazy_exports(
        globals(), {"CompareStream": "llmwise._streaming.compare", "AsyncCompareStream": "llmwise._streaming.compare"}
    )

__all__ = ["Compare", "AsyncCompare", "CompareStream", "AsyncCompareStream", "CompareCreateArgs"]

T = TypeVar("T")


class CompareCreateArgs(CompareCreateParams, RequestOptions, total=False):
    """Keyword arguments of `compare.create()` / `compare.stream()`: the body fields plus request options."""


def _operation(kwargs: dict[str, Any], *, stream: bool, where: str) -> Operation[CompareResult]:
    return multi_model_operation(
        "/compare", kwargs, params=CompareCreateParams, parse=_types.CompareResult.from_api, stream=stream, where=where
    )


# <async>
class AsyncCompare(AsyncAPIResource, AsyncCompareCallable):
    """Run 2 to 9 models on the same messages and compare their answers."""

    @cached_property
    def with_raw_response(self) -> AsyncCompareWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncCompareWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncCompareWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncCompareWithStreamingResponse(self)

    @overload
    async def create(self, *, stream: Literal[False] = False, **kwargs: Unpack[CompareCreateArgs]) -> CompareResult: ...
    @overload
    async def create(self, *, stream: Literal[True], **kwargs: Unpack[CompareCreateArgs]) -> AsyncCompareStream: ...
    @overload
    async def create(
        self, *, stream: bool, **kwargs: Unpack[CompareCreateArgs]
    ) -> CompareResult | AsyncCompareStream: ...
    async def create(
        self, *, stream: bool = False, **kwargs: Unpack[CompareCreateArgs]
    ) -> CompareResult | AsyncCompareStream:
        """Compare models (`POST /compare`); costs 2 credits, refunded when every model fails.

        Args:
            models: 2 to 9 distinct model ids.
            messages: The conversation, e.g. `[{"role": "user", "content": "Hi"}]`.
            stream: True returns an `AsyncCompareStream` of typed events instead of the finished result.
            temperature: 0 to 2. max_tokens: 1 to 128000 (per model).
            semantic_memory, semantic_top_k, semantic_min_score: cross-session recall.
            conversation_id: attach the exchange to a conversation.
            extra_headers, extra_query, extra_body, timeout, max_retries, idempotency_key: per-call
                request options.
        """
        if stream:
            return await self.stream(**kwargs).start()
        return await self._client.request(_operation(dict(kwargs), stream=False, where="compare.create"))

    def stream(self, **kwargs: Unpack[CompareCreateArgs]) -> AsyncCompareStream:
        """Stream a comparison: `async with client.compare.stream(models=[...], messages=...) as stream:`.

        Takes the same arguments as `create()`. The request is sent when the stream is entered or
        first iterated.
        """
        op = _operation(dict(kwargs), stream=True, where="compare.stream")
        return _streams.AsyncCompareStream(self._client, op)

    async def parse(
        self, *, response_format: ResponseFormat[T], max_repairs: int = 1, **kwargs: Unpack[CompareCreateArgs]
    ) -> ParsedCompareResult[T]:
        """Compare models on a typed answer: each model's answer validated against `response_format`,
        side by side (`result.by_model["gpt-5.2"].parsed`, or `.error` and `.issues`).

        The schema instruction is added as in `chat.parse()`. A model whose answer does not validate
        gets up to `max_repairs` repair turns (default 1), each a chat call (1 credit) to that model
        alone; a model that failed upstream, or whose repair call failed, has its `error` set and the
        others are unaffected. Cost: the comparison (2 credits) plus 1 credit per repair turn;
        `result.total_credits_charged` adds them up.

        Takes the arguments of `create()` (models, messages, temperature, ..., request options).
        """
        formatted = _structured.output_format(response_format)
        repairs = _structured.check_max_repairs(max_repairs)
        return await _structured_calls.AsyncStructuredCalls(self._client).compare(formatted, dict(kwargs), repairs)

class AsyncCompareWithRawResponse(ResourceView):
    """`client.compare.with_raw_response`: the methods of `client.compare`, returning the HTTP response."""

    create: Final = async_to_raw_response_wrapper(AsyncCompare.create)
    stream: Final = async_to_raw_response_wrapper(AsyncCompare.stream)


class AsyncCompareWithStreamingResponse(ResourceView):
    """`client.compare.with_streaming_response`: the methods of `client.compare` as context managers
    that read the body only when asked."""

    create: Final = async_to_streamed_response_wrapper(AsyncCompare.create)
    stream: Final = async_to_streamed_response_wrapper(AsyncCompare.stream)
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Compare(APIResource, CompareCallable):
    """Run 2 to 9 models on the same messages and compare their answers."""

    @cached_property
    def with_raw_response(self) -> CompareWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return CompareWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CompareWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return CompareWithStreamingResponse(self)

    @overload
    def create(self, *, stream: Literal[False] = False, **kwargs: Unpack[CompareCreateArgs]) -> CompareResult: ...
    @overload
    def create(self, *, stream: Literal[True], **kwargs: Unpack[CompareCreateArgs]) -> CompareStream: ...
    @overload
    def create(
        self, *, stream: bool, **kwargs: Unpack[CompareCreateArgs]
    ) -> CompareResult | CompareStream: ...
    def create(
        self, *, stream: bool = False, **kwargs: Unpack[CompareCreateArgs]
    ) -> CompareResult | CompareStream:
        """Compare models (`POST /compare`); costs 2 credits, refunded when every model fails.

        Args:
            models: 2 to 9 distinct model ids.
            messages: The conversation, e.g. `[{"role": "user", "content": "Hi"}]`.
            stream: True returns an `CompareStream` of typed events instead of the finished result.
            temperature: 0 to 2. max_tokens: 1 to 128000 (per model).
            semantic_memory, semantic_top_k, semantic_min_score: cross-session recall.
            conversation_id: attach the exchange to a conversation.
            extra_headers, extra_query, extra_body, timeout, max_retries, idempotency_key: per-call
                request options.
        """
        if stream:
            return self.stream(**kwargs).start()
        return self._client.request(_operation(dict(kwargs), stream=False, where="compare.create"))

    def stream(self, **kwargs: Unpack[CompareCreateArgs]) -> CompareStream:
        """Stream a comparison: `with client.compare.stream(models=[...], messages=...) as stream:`.

        Takes the same arguments as `create()`. The request is sent when the stream is entered or
        first iterated.
        """
        op = _operation(dict(kwargs), stream=True, where="compare.stream")
        return _streams.CompareStream(self._client, op)

    def parse(
        self, *, response_format: ResponseFormat[T], max_repairs: int = 1, **kwargs: Unpack[CompareCreateArgs]
    ) -> ParsedCompareResult[T]:
        """Compare models on a typed answer: each model's answer validated against `response_format`,
        side by side (`result.by_model["gpt-5.2"].parsed`, or `.error` and `.issues`).

        The schema instruction is added as in `chat.parse()`. A model whose answer does not validate
        gets up to `max_repairs` repair turns (default 1), each a chat call (1 credit) to that model
        alone; a model that failed upstream, or whose repair call failed, has its `error` set and the
        others are unaffected. Cost: the comparison (2 credits) plus 1 credit per repair turn;
        `result.total_credits_charged` adds them up.

        Takes the arguments of `create()` (models, messages, temperature, ..., request options).
        """
        formatted = _structured.output_format(response_format)
        repairs = _structured.check_max_repairs(max_repairs)
        return _structured_calls.StructuredCalls(self._client).compare(formatted, dict(kwargs), repairs)

class CompareWithRawResponse(ResourceView):
    """`client.compare.with_raw_response`: the methods of `client.compare`, returning the HTTP response."""

    create: Final = to_raw_response_wrapper(Compare.create)
    stream: Final = to_raw_response_wrapper(Compare.stream)


class CompareWithStreamingResponse(ResourceView):
    """`client.compare.with_streaming_response`: the methods of `client.compare` as context managers
    that read the body only when asked."""

    create: Final = to_streamed_response_wrapper(Compare.create)
    stream: Final = to_streamed_response_wrapper(Compare.stream)
# </sync>
