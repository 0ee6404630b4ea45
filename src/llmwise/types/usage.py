"""Usage (`client.usage`): totals per mode and model, and the recent requests."""

from __future__ import annotations

from typing import Optional

from .._models import BaseModel
from .shared import Number

__all__ = ["UsageBucket", "UsageSummary", "UsageRecord"]


class UsageBucket(BaseModel):
    """Requests and credits of one mode or one model."""

    requests: Optional[int] = None
    """How many requests."""
    credits: Optional[Number] = None
    """Credits they used."""


class UsageSummary(BaseModel):
    """Usage over the last `days` days."""

    days: Optional[int] = None
    """The window, in days."""
    requests: Optional[int] = None
    """How many requests ran."""
    credits_used: Optional[Number] = None
    """Credits they used."""
    by_mode: Optional[dict[str, UsageBucket]] = None
    """Per mode (`chat`, `compare`, ...)."""
    by_model: Optional[dict[str, UsageBucket]] = None
    """Per model id."""


class UsageRecord(BaseModel):
    """One recent request."""

    id: Optional[str] = None
    """The request id (`req_...`)."""
    mode: Optional[str] = None
    """`chat`, `auto`, `mesh`, `compare`, `blend` or `judge`."""
    models: Optional[list[str]] = None
    """The models involved."""
    credits_charged: Optional[Number] = None
    """Credits it cost."""
    latency_ms: Optional[Number] = None
    """How long it took."""
    status: Optional[str] = None
    """`ok` or `error`."""
    created_at: Optional[str] = None
    """When it ran (ISO 8601, UTC)."""
