"""Small shared types: per-call request options and timeouts, and the strict-responses switch."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Union

from typing_extensions import TypedDict

if TYPE_CHECKING:
    from ._http import AnyTimeout

__all__ = ["RequestOptions", "TimeoutTypes", "Headers", "Query", "Body", "STRICT_RESPONSES"]

TimeoutTypes = Union[float, "AnyTimeout", None]
Headers = Mapping[str, str]
Query = Mapping[str, Any]
Body = Mapping[str, Any]


class RequestOptions(TypedDict, total=False):
    """Per-call options every API method accepts as keyword arguments."""

    extra_headers: Headers
    """Headers added to (or overriding) the client's for this call."""
    extra_query: Query
    """Query parameters added to this call."""
    extra_body: Body
    """JSON body fields added to this call (for API fields this SDK does not know yet)."""
    timeout: float | AnyTimeout
    """Timeout of each network wait of this call in seconds (for streams: between two chunks)."""
    deadline: float | None
    """Seconds the whole call may take: every attempt, every wait between retries and, for a
    stream, its whole life (overrides the client's `deadline`; None: no deadline for this call)."""
    max_retries: int
    """How many times this call may be retried (overrides the client's `max_retries`)."""
    idempotency_key: str
    """The `Idempotency-Key` sent with a POST (by default one is generated per call and kept across
    its retries)."""


REQUEST_OPTION_KEYS = frozenset(RequestOptions.__annotations__)


# Here rather than in `llmwise._models` (which re-exports it), as code that runs before any
# response model is needed reads it too (`llmwise._items`), and this module imports no pydantic.
STRICT_RESPONSES: ContextVar[bool] = ContextVar("llmwise_strict_responses", default=False)
"""Whether responses are read strictly in the current context. Clients set it (only when strict)
around the parsing of a response or stream; the lenient default costs nothing on the happy path."""
