"""Conversations (`client.conversations`): threads that chat, compare, blend and judge append to."""

from __future__ import annotations

from typing import Any, Optional

from .._models import BaseModel

__all__ = ["Conversation", "ConversationMessage", "ConversationDeleted"]


class ConversationMessage(BaseModel):
    """One message stored in a conversation."""

    role: Optional[str] = None
    """`user`, `assistant` or `system`."""
    content: Any = None
    """The text (or the content blocks that were sent)."""
    model: Optional[str] = None
    """The model that wrote an assistant message."""
    created_at: Optional[str] = None
    """When it was stored (ISO 8601, UTC)."""


class Conversation(BaseModel):
    """A conversation; `retrieve()` also fills in its `messages`."""

    id: Optional[str] = None
    """The conversation id (`conv_...`), to pass as `conversation_id=`."""
    title: Optional[str] = None
    """The title, or None when it has none (zero-retention purges blank it)."""
    created_at: Optional[str] = None
    """When it was created (ISO 8601, UTC)."""
    updated_at: Optional[str] = None
    """When it last changed (ISO 8601, UTC)."""
    message_count: Optional[int] = None
    """How many messages it holds."""
    messages: Optional[list[ConversationMessage]] = None
    """The messages, oldest first (only from `retrieve()`)."""


class ConversationDeleted(BaseModel):
    """The answer to `conversations.delete()`."""

    deleted: Optional[bool] = None
    """True when the conversation was deleted."""
    id: Optional[str] = None
    """The id of the deleted conversation."""
