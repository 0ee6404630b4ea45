"""Request history (`client.history`): every orchestration request, newest first.

Documented: the listing's `total`. The entries' keys are assumed (the contract leaves them unknown);
a field the server sends as `null` reads as None.
"""

from __future__ import annotations

from typing import Any, Optional

from .._models import BaseModel
from .shared import Id, Number, Timestamp

__all__ = ["HistoryEntry", "HistoryResponse"]


class HistoryResponse(BaseModel):
    """What one model answered to a past request (`history.retrieve()` only). Assumed shape."""

    model: Optional[str] = None
    """The model id."""
    content: Optional[str] = None
    """Its answer (None when it gave none)."""
    status: Optional[str] = None
    """`ok` or `error`."""


class HistoryEntry(BaseModel):
    """One past request; `retrieve()` also fills in `messages` and `responses`. Assumed shape."""

    id: Optional[Id] = None
    """The request id (`req_...`, or an integer), as returned by chat/compare/blend/judge."""
    mode: Optional[str] = None
    """`chat`, `auto`, `mesh`, `compare`, `blend` or `judge` (the vocabulary may grow)."""
    models: Optional[list[str]] = None
    """The models involved."""
    prompt: Optional[str] = None
    """The last user message (redacted by a zero-retention purge)."""
    content: Optional[str] = None
    """The answer (redacted by a zero-retention purge; None for compare and failed requests)."""
    status: Optional[str] = None
    """`ok` or `error`."""
    credits_charged: Optional[Number] = None
    """Credits the request cost (after any refund)."""
    latency_ms: Optional[Number] = None
    """How long it took end to end."""
    conversation_id: Optional[Id] = None
    """The conversation the request was attached to, if any."""
    created_at: Optional[Timestamp] = None
    """When it ran (read from ISO 8601 or epoch seconds)."""
    messages: Optional[list[Any]] = None
    """The messages the request sent (only from `retrieve()`)."""
    responses: Optional[list[HistoryResponse]] = None
    """Each model's answer (only from `retrieve()`)."""
