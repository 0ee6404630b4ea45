"""Usage (`client.usage`): totals per mode and model, and the recent requests.

Documented: `GET /usage/recent` answers a JSON array. The keys of the summary and of the records
are assumed (the contract leaves them unknown); a field the server sends as `null` reads as None.
"""

from __future__ import annotations

from typing import Optional, Union

from .._models import BaseModel
from .shared import Id, Number, Timestamp

__all__ = ["UsageBucket", "UsageSummary", "UsageRecord", "UsageBreakdown"]


class UsageBucket(BaseModel):
    """Requests and credits of one mode or one model. Assumed shape: `{requests, credits}`."""

    requests: Optional[int] = None
    """How many requests."""
    credits: Optional[Number] = None
    """Credits they used."""


UsageBreakdown = dict[str, Union[UsageBucket, Number]]
"""Usage per mode or per model: a `UsageBucket` per key, or a bare number when the server sends one
(`{"gpt-5.2": 12}`: what the number counts, requests or credits, is the server's to say)."""


class UsageSummary(BaseModel):
    """Usage over the last `days` days. Assumed shape."""

    days: Optional[int] = None
    """The window, in days."""
    requests: Optional[int] = None
    """How many requests ran."""
    credits_used: Optional[Number] = None
    """Credits they used."""
    by_mode: Optional[UsageBreakdown] = None
    """Per mode (`chat`, `compare`, ...): a `UsageBucket`, or the number the server sent."""
    by_model: Optional[UsageBreakdown] = None
    """Per model id: a `UsageBucket`, or the number the server sent."""


class UsageRecord(BaseModel):
    """One recent request. Assumed shape."""

    id: Optional[Id] = None
    """The request id (`req_...`, or an integer)."""
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
    created_at: Optional[Timestamp] = None
    """When it ran (read from ISO 8601 or epoch seconds)."""
