"""Conversations (`client.conversations`): threads that chat, compare, blend and judge append to.

Documented: the listing's `total`, and the `id` of a created conversation. Every other key (and
the type of `id`) is assumed; a field the server sends as `null` reads as None.
"""

from __future__ import annotations

from typing import Any, Optional

from .._models import BaseModel
from .shared import Id, Timestamp

__all__ = ["Conversation", "ConversationMessage", "ConversationDeleted"]


class ConversationMessage(BaseModel):
    """One message stored in a conversation. Assumed shape: `{role, content, model, created_at}`."""

    role: Optional[str] = None
    """`user`, `assistant` or `system`."""
    content: Any = None
    """The text (or the content blocks that were sent); kept as sent."""
    model: Optional[str] = None
    """The model that wrote an assistant message."""
    created_at: Optional[Timestamp] = None
    """When it was stored (read from ISO 8601 or epoch seconds)."""


class Conversation(BaseModel):
    """A conversation; `retrieve()` also fills in its `messages`.

    Documented: `id` (its type is not: a string such as `conv_...`, or an integer). Assumed: the rest.
    """

    id: Optional[Id] = None
    """The conversation id, to pass as `conversation_id=` (a string or an integer, as sent)."""
    title: Optional[str] = None
    """The title, or None when it has none (zero-retention purges blank it)."""
    created_at: Optional[Timestamp] = None
    """When it was created."""
    updated_at: Optional[Timestamp] = None
    """When it last changed."""
    message_count: Optional[int] = None
    """How many messages it holds."""
    messages: Optional[list[ConversationMessage]] = None
    """The messages, oldest first (only from `retrieve()`; None when not sent)."""


class ConversationDeleted(BaseModel):
    """The answer to `conversations.delete()`. Assumed shape: `{deleted, id}`."""

    deleted: Optional[bool] = None
    """True when the conversation was deleted."""
    id: Optional[Id] = None
    """The id of the deleted conversation."""
