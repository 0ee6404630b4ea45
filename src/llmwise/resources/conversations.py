"""`client.conversations`: create, list, read, rename and delete conversations."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Final

from typing_extensions import Unpack

from .._lazy import LazyModule
from .._legacy_api import AsyncConversationsCallable, ConversationsCallable
from .._pagination import AsyncPaginator, Page, paginate
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from ._params import api_operation, page_request, path_param

if TYPE_CHECKING:
    from ..types import conversations as _types
    from ..types.conversations import Conversation, ConversationDeleted
else:
    # Imported by the first call that needs them: pydantic models (see `llmwise._lazy`).
    _types = LazyModule("llmwise.types.conversations")

__all__ = ["Conversations", "AsyncConversations"]


# <async>
class AsyncConversations(AsyncAPIResource, AsyncConversationsCallable):
    """Conversations: threads that chat, compare, blend and judge append to (`conversation_id=`)."""

    @cached_property
    def with_raw_response(self) -> AsyncConversationsWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncConversationsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncConversationsWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncConversationsWithStreamingResponse(self)

    def list(
        self, *, limit: int = 20, offset: int = 0, **options: Unpack[RequestOptions]
    ) -> AsyncPaginator[Conversation]:
        """List conversations, newest first (`GET /conversations`).

        `await client.conversations.list()` is the first page (`.data`, `.total`); `async for`
        over `client.conversations.list()` (or over a page) yields every conversation, fetching the
        following pages as needed.

        Args:
            limit: Page size (default 20).
            offset: How many conversations to skip (default 0).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        request = page_request(
            "/conversations",
            {"limit": limit, "offset": offset},
            options,
            "conversations",
            _types.Conversation.from_api,
        )
        return paginate(self._client, request)

    async def retrieve(self, conversation_id: str | int, **options: Unpack[RequestOptions]) -> Conversation:
        """Get a conversation with its messages (`GET /conversations/{conversation_id}`).

        Args:
            conversation_id: The conversation's id (`conv_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/conversations/{path_param('conversation_id', conversation_id)}"
        return await self._client.request(
            api_operation("GET", path, options=options, parse=_types.Conversation.from_api)
        )

    async def create(self, **options: Unpack[RequestOptions]) -> Conversation:
        """Start an empty conversation (`POST /conversations`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "POST", "/conversations", body={}, options=options, parse=_types.Conversation.from_api
            )
        )

    async def update(
        self, conversation_id: str | int, *, title: str | None = None, **options: Unpack[RequestOptions]
    ) -> Conversation:
        """Rename a conversation (`PATCH /conversations/{conversation_id}`; the title travels in the query).

        Args:
            conversation_id: The conversation's id (`conv_...`, or an integer id).
            title: The new title.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/conversations/{path_param('conversation_id', conversation_id)}"
        return await self._client.request(
            api_operation(
                "PATCH", path, query={"title": title}, options=options, parse=_types.Conversation.from_api
            )
        )

    async def delete(self, conversation_id: str | int, **options: Unpack[RequestOptions]) -> ConversationDeleted:
        """Delete a conversation (`DELETE /conversations/{conversation_id}`).

        Args:
            conversation_id: The conversation's id (`conv_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/conversations/{path_param('conversation_id', conversation_id)}"
        return await self._client.request(
            api_operation("DELETE", path, options=options, parse=_types.ConversationDeleted.from_api)
        )


class AsyncConversationsWithRawResponse(ResourceView):
    """`client.conversations.with_raw_response`: the methods of `client.conversations`, returning the HTTP response."""

    list: Final = async_to_raw_response_wrapper(AsyncConversations.list)
    retrieve: Final = async_to_raw_response_wrapper(AsyncConversations.retrieve)
    create: Final = async_to_raw_response_wrapper(AsyncConversations.create)
    update: Final = async_to_raw_response_wrapper(AsyncConversations.update)
    delete: Final = async_to_raw_response_wrapper(AsyncConversations.delete)


class AsyncConversationsWithStreamingResponse(ResourceView):
    """`client.conversations.with_streaming_response`: the methods of `client.conversations` as context managers
    that read the body only when asked."""

    list: Final = async_to_streamed_response_wrapper(AsyncConversations.list)
    retrieve: Final = async_to_streamed_response_wrapper(AsyncConversations.retrieve)
    create: Final = async_to_streamed_response_wrapper(AsyncConversations.create)
    update: Final = async_to_streamed_response_wrapper(AsyncConversations.update)
    delete: Final = async_to_streamed_response_wrapper(AsyncConversations.delete)


# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Conversations(APIResource, ConversationsCallable):
    """Conversations: threads that chat, compare, blend and judge append to (`conversation_id=`)."""

    @cached_property
    def with_raw_response(self) -> ConversationsWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return ConversationsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ConversationsWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return ConversationsWithStreamingResponse(self)

    def list(
        self, *, limit: int = 20, offset: int = 0, **options: Unpack[RequestOptions]
    ) -> Page[Conversation]:
        """List conversations, newest first (`GET /conversations`).

        `client.conversations.list()` is the first page (`.data`, `.total`); `for`
        over `client.conversations.list()` (or over a page) yields every conversation, fetching the
        following pages as needed.

        Args:
            limit: Page size (default 20).
            offset: How many conversations to skip (default 0).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        request = page_request(
            "/conversations",
            {"limit": limit, "offset": offset},
            options,
            "conversations",
            _types.Conversation.from_api,
        )
        return paginate(self._client, request)

    def retrieve(self, conversation_id: str | int, **options: Unpack[RequestOptions]) -> Conversation:
        """Get a conversation with its messages (`GET /conversations/{conversation_id}`).

        Args:
            conversation_id: The conversation's id (`conv_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/conversations/{path_param('conversation_id', conversation_id)}"
        return self._client.request(
            api_operation("GET", path, options=options, parse=_types.Conversation.from_api)
        )

    def create(self, **options: Unpack[RequestOptions]) -> Conversation:
        """Start an empty conversation (`POST /conversations`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "POST", "/conversations", body={}, options=options, parse=_types.Conversation.from_api
            )
        )

    def update(
        self, conversation_id: str | int, *, title: str | None = None, **options: Unpack[RequestOptions]
    ) -> Conversation:
        """Rename a conversation (`PATCH /conversations/{conversation_id}`; the title travels in the query).

        Args:
            conversation_id: The conversation's id (`conv_...`, or an integer id).
            title: The new title.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/conversations/{path_param('conversation_id', conversation_id)}"
        return self._client.request(
            api_operation(
                "PATCH", path, query={"title": title}, options=options, parse=_types.Conversation.from_api
            )
        )

    def delete(self, conversation_id: str | int, **options: Unpack[RequestOptions]) -> ConversationDeleted:
        """Delete a conversation (`DELETE /conversations/{conversation_id}`).

        Args:
            conversation_id: The conversation's id (`conv_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/conversations/{path_param('conversation_id', conversation_id)}"
        return self._client.request(
            api_operation("DELETE", path, options=options, parse=_types.ConversationDeleted.from_api)
        )


class ConversationsWithRawResponse(ResourceView):
    """`client.conversations.with_raw_response`: the methods of `client.conversations`, returning the HTTP response."""

    list: Final = to_raw_response_wrapper(Conversations.list)
    retrieve: Final = to_raw_response_wrapper(Conversations.retrieve)
    create: Final = to_raw_response_wrapper(Conversations.create)
    update: Final = to_raw_response_wrapper(Conversations.update)
    delete: Final = to_raw_response_wrapper(Conversations.delete)


class ConversationsWithStreamingResponse(ResourceView):
    """`client.conversations.with_streaming_response`: the methods of `client.conversations` as context managers
    that read the body only when asked."""

    list: Final = to_streamed_response_wrapper(Conversations.list)
    retrieve: Final = to_streamed_response_wrapper(Conversations.retrieve)
    create: Final = to_streamed_response_wrapper(Conversations.create)
    update: Final = to_streamed_response_wrapper(Conversations.update)
    delete: Final = to_streamed_response_wrapper(Conversations.delete)


# </sync>
