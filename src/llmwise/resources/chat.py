"""`client.chat`: one model, `model="auto"` routing, or failover routing; streamed or not."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, overload

from typing_extensions import Unpack

from .._base_client import Operation, split_options
from .._exceptions import LLMWiseError
from .._fanout import DEFAULT_CONCURRENCY, AsyncFanOut, FanOut
from .._lazy import LazyModule, lazy_exports
from .._legacy_api import AsyncChatCallable, ChatCallable
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from .._validate import check_params
from ..types.params import ChatCreateParams

if TYPE_CHECKING:
    from .. import _structured, _structured_calls
    from .._streaming import chat as _streams
    from .._streaming.chat import AsyncChatStream, ChatStream
    from .._structured import ResponseFormat
    from .._structured_calls import AsyncParsedChatStream, ParsedChatStream
    from ..types import chat as _types
    from ..types.chat import ChatCompletion
    from ..types.structured import ParsedChatCompletion
else:
    # Imported by the first call that needs them: they define pydantic models (see `llmwise._lazy`).
    _streams = LazyModule("llmwise._streaming.chat")
    _structured = LazyModule("llmwise._structured")
    _structured_calls = LazyModule("llmwise._structured_calls")
    _types = LazyModule("llmwise.types.chat")
    __getattr__ = lazy_exports(
        globals(),
        {
            "ChatStream": "llmwise._streaming.chat",
            "AsyncChatStream": "llmwise._streaming.chat",
            "ParsedChatStream": "llmwise._structured_calls",
            "AsyncParsedChatStream": "llmwise._structured_calls",
        },
    )

__all__ = [
    "Chat",
    "AsyncChat",
    "ChatStream",
    "AsyncChatStream",
    "ParsedChatStream",
    "AsyncParsedChatStream",
    "ChatCreateArgs",
]

T = TypeVar("T")


class ChatCreateArgs(ChatCreateParams, RequestOptions, total=False):
    """Keyword arguments of `chat.create()` / `chat.stream()`: the body fields plus request options."""


def _chat_operation(kwargs: dict[str, Any], *, stream: bool, where: str) -> Operation[ChatCompletion]:
    params, options = split_options(kwargs)
    check_params(where, params, ChatCreateParams)
    params["stream"] = stream
    return Operation(
        "POST", "/chat", body=params, options=options, stream=stream, parse=_types.ChatCompletion.from_api
    )


# <async>
class AsyncChat(AsyncAPIResource, AsyncChatCallable):
    """Chat with one model, with `model="auto"`, or with a failover chain (`routing`)."""

    @cached_property
    def with_raw_response(self) -> AsyncChatWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncChatWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncChatWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncChatWithStreamingResponse(self)

    @overload
    async def create(self, *, stream: Literal[False] = False, **kwargs: Unpack[ChatCreateArgs]) -> ChatCompletion: ...
    @overload
    async def create(self, *, stream: Literal[True], **kwargs: Unpack[ChatCreateArgs]) -> AsyncChatStream: ...
    @overload
    async def create(
        self, *, stream: bool, **kwargs: Unpack[ChatCreateArgs]
    ) -> ChatCompletion | AsyncChatStream: ...
    async def create(self, *, stream: bool = False, **kwargs: Unpack[ChatCreateArgs]) -> ChatCompletion | AsyncChatStream:
        """Send a chat request (`POST /chat`).

        Args:
            model: A model id, or `"auto"` to let LLMWise pick (see `resolved_model`).
            messages: The conversation, e.g. `[{"role": "user", "content": "Hi"}]`.
            stream: True returns an `AsyncChatStream` of typed events instead of the finished answer.
            temperature: 0 to 2. max_tokens: 1 to 128000.
            routing: `{"fallback": [...], "strategy": "rate-limit"}` for failover (Mesh mode).
            cost_saver, optimization_goal: steer `auto` routing.
            semantic_memory, semantic_top_k, semantic_min_score: cross-session recall.
            conversation_id: attach the exchange to a conversation.
            extra_headers, extra_query, extra_body, timeout, max_retries, idempotency_key: per-call
                request options.
        """
        if stream:
            return await self.stream(**kwargs).start()
        return await self._client.request(_chat_operation(dict(kwargs), stream=False, where="chat.create"))

    def stream(self, **kwargs: Unpack[ChatCreateArgs]) -> AsyncChatStream:
        """Stream a chat answer: `async with client.chat.stream(model=..., messages=...) as stream:`.

        Takes the same arguments as `create()`. The request is sent when the stream is entered or
        first iterated.
        """
        op = _chat_operation(dict(kwargs), stream=True, where="chat.stream")
        return _streams.AsyncChatStream(self._client, op)

    async def create_many(
        self,
        requests: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: bool = False,
    ) -> list[ChatCompletion | LLMWiseError]:
        """Send many chat requests, at most `concurrency` at a time; the results in input order.

        Each request is a dict of `create()` keyword arguments (not `stream`). A result is the
        `ChatCompletion`, or the `LLMWiseError` that request ended with: one failure never stops the
        others. The requests are checked before any is sent (a bad argument raises `TypeError`). A
        429 pauses the whole fan-out for its `Retry-After`, not only the request that got it; an
        active `client.budget()` covers every call. `progress=True` draws a progress bar on stderr
        when it is a terminal. Details: `llmwise._fanout`.
        """
        return await AsyncFanOut(self, requests, concurrency, progress, "chat.create_many").collect()

    def iter_many(
        self,
        requests: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: bool = False,
    ) -> AsyncIterator[tuple[int, ChatCompletion | LLMWiseError]]:
        """`create_many()` as the requests complete: `async for index, result in ...`, where `index`
        is the request's position in `requests`. Leaving the loop early sends no further request.
        """
        return AsyncFanOut(self, requests, concurrency, progress, "chat.iter_many").results()

    async def parse(
        self, *, response_format: ResponseFormat[T], max_repairs: int = 1, **kwargs: Unpack[ChatCreateArgs]
    ) -> ParsedChatCompletion[T]:
        """Ask for an answer in the shape of `response_format` and return it validated, in `.parsed`.

        `response_format` is a pydantic model, any type pydantic validates (`list[Invoice]`), or a
        `TypeAdapter`. The SDK adds a system message carrying its JSON Schema, reads the JSON out of
        the answer (bare, or in a code block) and validates it. When it does not validate, up to
        `max_repairs` repair turns (default 1) show the model its answer and the problems; each is
        a chat call (1 credit) to the model that answered. All attempts are in `.parse_attempts`,
        their total charge in `.total_credits_charged`. When none validates,
        `StructuredOutputError` is raised (with the last answer's text and its problems).

        Takes the arguments of `create()` (model, messages, temperature, ..., request options).
        """
        formatted = _structured.output_format(response_format)
        repairs = _structured.check_max_repairs(max_repairs)
        return await _structured_calls.AsyncStructuredCalls(self._client).chat(formatted, dict(kwargs), repairs)

    def stream_parse(
        self, *, response_format: ResponseFormat[T], max_repairs: int = 1, **kwargs: Unpack[ChatCreateArgs]
    ) -> AsyncParsedChatStream[T]:
        """`parse()`, streamed: `async with client.chat.stream_parse(..., response_format=Invoice) as stream:`.

        Iterating yields the chat events plus a `PartialObjectEvent` each time the answer's JSON
        grows (`stream.partial_stream` yields just those values); `get_final_completion()` returns
        the validated `ParsedChatCompletion` (repair turns, when needed, are ordinary chat calls).
        A method of its own rather than `stream(response_format=...)`: its events and final result
        have other types than a chat stream's, and `stream()` stays as it is.
        """
        formatted = _structured.output_format(response_format)
        repairs = _structured.check_max_repairs(max_repairs)
        return _structured_calls.AsyncStructuredCalls(self._client).stream(formatted, dict(kwargs), repairs)


class AsyncChatWithRawResponse(ResourceView):
    """`client.chat.with_raw_response`: the methods of `client.chat`, returning the HTTP response."""

    create: Final = async_to_raw_response_wrapper(AsyncChat.create)
    stream: Final = async_to_raw_response_wrapper(AsyncChat.stream)


class AsyncChatWithStreamingResponse(ResourceView):
    """`client.chat.with_streaming_response`: the methods of `client.chat` as context managers
    that read the body only when asked."""

    create: Final = async_to_streamed_response_wrapper(AsyncChat.create)
    stream: Final = async_to_streamed_response_wrapper(AsyncChat.stream)
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Chat(APIResource, ChatCallable):
    """Chat with one model, with `model="auto"`, or with a failover chain (`routing`)."""

    @cached_property
    def with_raw_response(self) -> ChatWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return ChatWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ChatWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return ChatWithStreamingResponse(self)

    @overload
    def create(self, *, stream: Literal[False] = False, **kwargs: Unpack[ChatCreateArgs]) -> ChatCompletion: ...
    @overload
    def create(self, *, stream: Literal[True], **kwargs: Unpack[ChatCreateArgs]) -> ChatStream: ...
    @overload
    def create(
        self, *, stream: bool, **kwargs: Unpack[ChatCreateArgs]
    ) -> ChatCompletion | ChatStream: ...
    def create(self, *, stream: bool = False, **kwargs: Unpack[ChatCreateArgs]) -> ChatCompletion | ChatStream:
        """Send a chat request (`POST /chat`).

        Args:
            model: A model id, or `"auto"` to let LLMWise pick (see `resolved_model`).
            messages: The conversation, e.g. `[{"role": "user", "content": "Hi"}]`.
            stream: True returns an `ChatStream` of typed events instead of the finished answer.
            temperature: 0 to 2. max_tokens: 1 to 128000.
            routing: `{"fallback": [...], "strategy": "rate-limit"}` for failover (Mesh mode).
            cost_saver, optimization_goal: steer `auto` routing.
            semantic_memory, semantic_top_k, semantic_min_score: cross-session recall.
            conversation_id: attach the exchange to a conversation.
            extra_headers, extra_query, extra_body, timeout, max_retries, idempotency_key: per-call
                request options.
        """
        if stream:
            return self.stream(**kwargs).start()
        return self._client.request(_chat_operation(dict(kwargs), stream=False, where="chat.create"))

    def stream(self, **kwargs: Unpack[ChatCreateArgs]) -> ChatStream:
        """Stream a chat answer: `with client.chat.stream(model=..., messages=...) as stream:`.

        Takes the same arguments as `create()`. The request is sent when the stream is entered or
        first iterated.
        """
        op = _chat_operation(dict(kwargs), stream=True, where="chat.stream")
        return _streams.ChatStream(self._client, op)

    def create_many(
        self,
        requests: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: bool = False,
    ) -> list[ChatCompletion | LLMWiseError]:
        """Send many chat requests, at most `concurrency` at a time; the results in input order.

        Each request is a dict of `create()` keyword arguments (not `stream`). A result is the
        `ChatCompletion`, or the `LLMWiseError` that request ended with: one failure never stops the
        others. The requests are checked before any is sent (a bad argument raises `TypeError`). A
        429 pauses the whole fan-out for its `Retry-After`, not only the request that got it; an
        active `client.budget()` covers every call. `progress=True` draws a progress bar on stderr
        when it is a terminal. Details: `llmwise._fanout`.
        """
        return FanOut(self, requests, concurrency, progress, "chat.create_many").collect()

    def iter_many(
        self,
        requests: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: bool = False,
    ) -> Iterator[tuple[int, ChatCompletion | LLMWiseError]]:
        """`create_many()` as the requests complete: `for index, result in ...`, where `index`
        is the request's position in `requests`. Leaving the loop early sends no further request.
        """
        return FanOut(self, requests, concurrency, progress, "chat.iter_many").results()

    def parse(
        self, *, response_format: ResponseFormat[T], max_repairs: int = 1, **kwargs: Unpack[ChatCreateArgs]
    ) -> ParsedChatCompletion[T]:
        """Ask for an answer in the shape of `response_format` and return it validated, in `.parsed`.

        `response_format` is a pydantic model, any type pydantic validates (`list[Invoice]`), or a
        `TypeAdapter`. The SDK adds a system message carrying its JSON Schema, reads the JSON out of
        the answer (bare, or in a code block) and validates it. When it does not validate, up to
        `max_repairs` repair turns (default 1) show the model its answer and the problems; each is
        a chat call (1 credit) to the model that answered. All attempts are in `.parse_attempts`,
        their total charge in `.total_credits_charged`. When none validates,
        `StructuredOutputError` is raised (with the last answer's text and its problems).

        Takes the arguments of `create()` (model, messages, temperature, ..., request options).
        """
        formatted = _structured.output_format(response_format)
        repairs = _structured.check_max_repairs(max_repairs)
        return _structured_calls.StructuredCalls(self._client).chat(formatted, dict(kwargs), repairs)

    def stream_parse(
        self, *, response_format: ResponseFormat[T], max_repairs: int = 1, **kwargs: Unpack[ChatCreateArgs]
    ) -> ParsedChatStream[T]:
        """`parse()`, streamed: `with client.chat.stream_parse(..., response_format=Invoice) as stream:`.

        Iterating yields the chat events plus a `PartialObjectEvent` each time the answer's JSON
        grows (`stream.partial_stream` yields just those values); `get_final_completion()` returns
        the validated `ParsedChatCompletion` (repair turns, when needed, are ordinary chat calls).
        A method of its own rather than `stream(response_format=...)`: its events and final result
        have other types than a chat stream's, and `stream()` stays as it is.
        """
        formatted = _structured.output_format(response_format)
        repairs = _structured.check_max_repairs(max_repairs)
        return _structured_calls.StructuredCalls(self._client).stream(formatted, dict(kwargs), repairs)


class ChatWithRawResponse(ResourceView):
    """`client.chat.with_raw_response`: the methods of `client.chat`, returning the HTTP response."""

    create: Final = to_raw_response_wrapper(Chat.create)
    stream: Final = to_raw_response_wrapper(Chat.stream)


class ChatWithStreamingResponse(ResourceView):
    """`client.chat.with_streaming_response`: the methods of `client.chat` as context managers
    that read the body only when asked."""

    create: Final = to_streamed_response_wrapper(Chat.create)
    stream: Final = to_streamed_response_wrapper(Chat.stream)
# </sync>
