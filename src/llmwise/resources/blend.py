"""`client.blend`: sources answer, a synthesizer merges them (six strategies); streamed or not."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, overload

from typing_extensions import Unpack

from .._base_client import Operation
from .._lazy import LazyModule, lazy_exports
from .._legacy_api import AsyncBlendCallable, BlendCallable
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from ..types.params import BlendCreateParams
from ._multi import multi_model_operation

if TYPE_CHECKING:
    from .. import _structured, _structured_calls
    from .._streaming import blend as _streams
    from .._streaming.blend import AsyncBlendStream, BlendStream
    from .._structured import ResponseFormat
    from ..types import blend as _types
    from ..types.blend import BlendResult
    from ..types.structured import ParsedBlendResult
else:
    # Imported by the first call that needs them: they define pydantic models (see `llmwise._lazy`).
    _streams = LazyModule("llmwise._streaming.blend")
    _structured = LazyModule("llmwise._structured")
    _structured_calls = LazyModule("llmwise._structured_calls")
    _types = LazyModule("llmwise.types.blend")
    __getattr__ = lazy_exports(
        globals(), {"BlendStream": "llmwise._streaming.blend", "AsyncBlendStream": "llmwise._streaming.blend"}
    )

__all__ = ["Blend", "AsyncBlend", "BlendStream", "AsyncBlendStream", "BlendCreateArgs"]

T = TypeVar("T")


class BlendCreateArgs(BlendCreateParams, RequestOptions, total=False):
    """Keyword arguments of `blend.create()` / `blend.stream()`: the body fields plus request options."""


def _operation(kwargs: dict[str, Any], *, stream: bool, where: str) -> Operation[BlendResult]:
    return multi_model_operation(
        "/blend", kwargs, params=BlendCreateParams, parse=_types.BlendResult.from_api, stream=stream, where=where
    )


# <async>
class AsyncBlend(AsyncAPIResource, AsyncBlendCallable):
    """Gather answers from several sources and synthesize one (consensus, council, best_of, chain,
    moa, self_moa)."""

    @cached_property
    def with_raw_response(self) -> AsyncBlendWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncBlendWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncBlendWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncBlendWithStreamingResponse(self)

    @overload
    async def create(self, *, stream: Literal[False] = False, **kwargs: Unpack[BlendCreateArgs]) -> BlendResult: ...
    @overload
    async def create(self, *, stream: Literal[True], **kwargs: Unpack[BlendCreateArgs]) -> AsyncBlendStream: ...
    @overload
    async def create(self, *, stream: bool, **kwargs: Unpack[BlendCreateArgs]) -> BlendResult | AsyncBlendStream: ...
    async def create(self, *, stream: bool = False, **kwargs: Unpack[BlendCreateArgs]) -> BlendResult | AsyncBlendStream:
        """Blend answers (`POST /blend`); costs 4 credits, refunded when the blend fails.

        Args:
            models: 2 to 6 distinct source model ids (exactly one for `self_moa`).
            messages: The conversation, e.g. `[{"role": "user", "content": "Hi"}]`.
            strategy: `consensus` (default), `council`, `best_of`, `chain`, `moa` or `self_moa`.
            synthesizer: The model that writes the final answer (default: the first source).
            layers: `moa`: 1 to 3 rounds. samples: `self_moa`: 2 to 8 candidates.
            stream: True returns an `AsyncBlendStream` of typed events instead of the finished result.
            temperature: 0 to 2. max_tokens: 1 to 128000.
            semantic_memory, semantic_top_k, semantic_min_score: cross-session recall.
            conversation_id: attach the exchange to a conversation.
            extra_headers, extra_query, extra_body, timeout, max_retries, idempotency_key: per-call
                request options.
        """
        if stream:
            return await self.stream(**kwargs).start()
        return await self._client.request(_operation(dict(kwargs), stream=False, where="blend.create"))

    def stream(self, **kwargs: Unpack[BlendCreateArgs]) -> AsyncBlendStream:
        """Stream a blend: `async with client.blend.stream(models=[...], messages=...) as stream:`.

        Takes the same arguments as `create()`. The request is sent when the stream is entered or
        first iterated.
        """
        op = _operation(dict(kwargs), stream=True, where="blend.stream")
        return _streams.AsyncBlendStream(self._client, op)

    async def parse(
        self, *, response_format: ResponseFormat[T], max_repairs: int = 1, **kwargs: Unpack[BlendCreateArgs]
    ) -> ParsedBlendResult[T]:
        """Blend, and return the synthesized answer validated against `response_format` (`.parsed`).

        Every source and the synthesizer get the schema instruction (as in `chat.parse()`). When the
        synthesized answer does not validate, up to `max_repairs` repair turns (default 1) are sent
        as chat calls (1 credit each) to the synthesizer, not as a new blend (4 credits, the sources
        run again). Cost: the blend (4 credits) plus 1 credit per repair turn;
        `result.total_credits_charged` adds them up. Raises `StructuredOutputError` when no answer
        validates.

        Takes the arguments of `create()` (models, messages, strategy, ..., request options).
        """
        formatted = _structured.output_format(response_format)
        repairs = _structured.check_max_repairs(max_repairs)
        return await _structured_calls.AsyncStructuredCalls(self._client).blend(formatted, dict(kwargs), repairs)

class AsyncBlendWithRawResponse(ResourceView):
    """`client.blend.with_raw_response`: the methods of `client.blend`, returning the HTTP response."""

    create: Final = async_to_raw_response_wrapper(AsyncBlend.create)
    stream: Final = async_to_raw_response_wrapper(AsyncBlend.stream)


class AsyncBlendWithStreamingResponse(ResourceView):
    """`client.blend.with_streaming_response`: the methods of `client.blend` as context managers
    that read the body only when asked."""

    create: Final = async_to_streamed_response_wrapper(AsyncBlend.create)
    stream: Final = async_to_streamed_response_wrapper(AsyncBlend.stream)
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Blend(APIResource, BlendCallable):
    """Gather answers from several sources and synthesize one (consensus, council, best_of, chain,
    moa, self_moa)."""

    @cached_property
    def with_raw_response(self) -> BlendWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return BlendWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> BlendWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return BlendWithStreamingResponse(self)

    @overload
    def create(self, *, stream: Literal[False] = False, **kwargs: Unpack[BlendCreateArgs]) -> BlendResult: ...
    @overload
    def create(self, *, stream: Literal[True], **kwargs: Unpack[BlendCreateArgs]) -> BlendStream: ...
    @overload
    def create(self, *, stream: bool, **kwargs: Unpack[BlendCreateArgs]) -> BlendResult | BlendStream: ...
    def create(self, *, stream: bool = False, **kwargs: Unpack[BlendCreateArgs]) -> BlendResult | BlendStream:
        """Blend answers (`POST /blend`); costs 4 credits, refunded when the blend fails.

        Args:
            models: 2 to 6 distinct source model ids (exactly one for `self_moa`).
            messages: The conversation, e.g. `[{"role": "user", "content": "Hi"}]`.
            strategy: `consensus` (default), `council`, `best_of`, `chain`, `moa` or `self_moa`.
            synthesizer: The model that writes the final answer (default: the first source).
            layers: `moa`: 1 to 3 rounds. samples: `self_moa`: 2 to 8 candidates.
            stream: True returns an `BlendStream` of typed events instead of the finished result.
            temperature: 0 to 2. max_tokens: 1 to 128000.
            semantic_memory, semantic_top_k, semantic_min_score: cross-session recall.
            conversation_id: attach the exchange to a conversation.
            extra_headers, extra_query, extra_body, timeout, max_retries, idempotency_key: per-call
                request options.
        """
        if stream:
            return self.stream(**kwargs).start()
        return self._client.request(_operation(dict(kwargs), stream=False, where="blend.create"))

    def stream(self, **kwargs: Unpack[BlendCreateArgs]) -> BlendStream:
        """Stream a blend: `with client.blend.stream(models=[...], messages=...) as stream:`.

        Takes the same arguments as `create()`. The request is sent when the stream is entered or
        first iterated.
        """
        op = _operation(dict(kwargs), stream=True, where="blend.stream")
        return _streams.BlendStream(self._client, op)

    def parse(
        self, *, response_format: ResponseFormat[T], max_repairs: int = 1, **kwargs: Unpack[BlendCreateArgs]
    ) -> ParsedBlendResult[T]:
        """Blend, and return the synthesized answer validated against `response_format` (`.parsed`).

        Every source and the synthesizer get the schema instruction (as in `chat.parse()`). When the
        synthesized answer does not validate, up to `max_repairs` repair turns (default 1) are sent
        as chat calls (1 credit each) to the synthesizer, not as a new blend (4 credits, the sources
        run again). Cost: the blend (4 credits) plus 1 credit per repair turn;
        `result.total_credits_charged` adds them up. Raises `StructuredOutputError` when no answer
        validates.

        Takes the arguments of `create()` (models, messages, strategy, ..., request options).
        """
        formatted = _structured.output_format(response_format)
        repairs = _structured.check_max_repairs(max_repairs)
        return _structured_calls.StructuredCalls(self._client).blend(formatted, dict(kwargs), repairs)

class BlendWithRawResponse(ResourceView):
    """`client.blend.with_raw_response`: the methods of `client.blend`, returning the HTTP response."""

    create: Final = to_raw_response_wrapper(Blend.create)
    stream: Final = to_raw_response_wrapper(Blend.stream)


class BlendWithStreamingResponse(ResourceView):
    """`client.blend.with_streaming_response`: the methods of `client.blend` as context managers
    that read the body only when asked."""

    create: Final = to_streamed_response_wrapper(Blend.create)
    stream: Final = to_streamed_response_wrapper(Blend.stream)
# </sync>
