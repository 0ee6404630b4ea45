"""Types shared by several API areas: messages, numbers, and the stream events every endpoint has.

Data only: how frames become these events (and which frames raise) is `llmwise._streaming`'s business.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal, Optional, Union

from .._models import BaseModel
from .params import (  # defined there, without pydantic
    ContentBlockParam,
    ImageURL,
    ImageURLBlockParam,
    MessageParam,
    TextBlockParam,
)

__all__ = [
    "Number",
    "Id",
    "Timestamp",
    "ErrorDetail",
    "MessageParam",
    "TextBlockParam",
    "ImageURLBlockParam",
    "ImageURL",
    "ContentBlockParam",
    "StreamEventBase",
    "DoneEventBase",
    "ErrorEvent",
    "UnknownEvent",
]

Number = Union[int, float]
"""A JSON number: credits and costs may be fractional after settlement."""

Id = Union[str, int]
"""An id the contract does not pin down: a string (`conv_...`) or, as many servers send, an integer;
kept as sent. Methods that take an id accept either."""

ErrorDetail = Union[str, dict[str, Any]]
"""An error as a server words it where the contract does not fix the shape: a message, or an object
(`{"message": ..., "code": ...}`), kept as sent."""

Timestamp = datetime
"""A point in time. Read from an ISO 8601 string or from epoch seconds (or milliseconds) as a
number, whichever the server sends; epoch numbers are UTC. `to_dict()` gives it back as ISO 8601."""


class StreamEventBase(BaseModel):
    """Base of every stream event. `event` is the kind the server sent (None for plain text chunks)."""

    stream_kind: ClassVar[Optional[str]] = None
    _keep_raw: ClassVar[bool] = False

    event: Optional[str] = None
    """The `event` field of the payload (`"done"`, `"route"`, ...); None for text chunks."""


class DoneEventBase(StreamEventBase):
    """The closing event of a stream: billing, and the request id. Each endpoint adds its fields.

    `credits_charged` and `credits_remaining` are documented (contract §4.2); `id` and
    `conversation_id` are assumed (an `Id`: string or integer).
    """

    stream_kind: ClassVar[Optional[str]] = "done"

    event: Literal["done"] = "done"
    id: Optional[Id] = None
    """The request id (usable with `client.history.retrieve`); assumed."""
    credits_charged: Optional[Number] = None
    credits_remaining: Optional[Number] = None
    latency_ms: Optional[Number] = None
    conversation_id: Optional[Id] = None
    """Assumed: the conversation the exchange was attached to."""


class ErrorEvent(StreamEventBase):
    """A terminal error inside a stream (contract §4.7). Iterating raises `ServerStreamError` instead
    of yielding it, whatever the shape of the frame (its `body` holds the frame)."""

    stream_kind: ClassVar[Optional[str]] = "error"

    error: Optional[str] = None
    """What went wrong (documented as a message)."""
    status_code: Optional[int] = None
    """The HTTP-style status of the failure."""
    refunded: Optional[bool] = None
    """Whether the credits reserved for the request were given back."""


class UnknownEvent(StreamEventBase):
    """An event of a kind this SDK version does not know. Every field the server sent is kept."""

    @property
    def raw(self) -> dict[str, Any]:
        """The event's payload as the server sent it."""
        return self.to_dict()
