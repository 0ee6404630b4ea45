"""Compare: 2 to 9 models answer the same prompt side by side (`POST /compare`).

Field types follow the contract (§4.4, §5.2): documented fields have their documented type; the
others are marked *assumed* and admit the plausible shapes (ids are `Id`; containers may be null).
Data only: the stream logic is in `llmwise._streaming.compare`.
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from .._models import BaseModel
from ._multi import (
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    ModelResponse,
    ModelView,
    by_model,
)
from .params import CompareCreateParams  # defined there, without pydantic
from .shared import DoneEventBase, Id, Number, StreamEventBase, UnknownEvent

__all__ = [
    "CompareCreateParams",
    "ModelStats",
    "CompareSummary",
    "ModelResponse",
    "CompareResult",
    "ModelChunkEvent",
    "ModelDoneEvent",
    "ModelErrorEvent",
    "CompareSummaryEvent",
    "CompareDoneEvent",
    "CompareStreamEvent",
    "ModelView",
]


class ModelStats(BaseModel):
    """One model's numbers in a compare summary (documented: `latency_ms`, `tokens`)."""

    latency_ms: Optional[Number] = None
    tokens: Optional[int] = None
    """Tokens the model generated."""
    content_length: Optional[int] = None
    """Characters in the model's answer (assumed)."""
    status: Optional[str] = None
    """`ok` or `error` (assumed; the vocabulary may grow)."""
    status_code: Optional[int] = None
    """The upstream status, for a model that failed (assumed)."""


class CompareSummary(BaseModel):
    """Which model was fastest and which wrote the most, plus every model's numbers."""

    fastest: Optional[str] = None
    """The successful model with the lowest latency."""
    longest: Optional[str] = None
    """The successful model with the longest answer."""
    models: Optional[dict[str, ModelStats]] = {}
    """Per-model numbers, by model id (None when the server sent null)."""


class CompareResult(BaseModel):
    """The answers of a compare call (and what `CompareStream.get_final_result()` builds).

    Documented (§5.2): `id`, `responses`, `summary`, the billing fields, `conversation_id` and the
    semantic-memory fields. Assumed: `latency_ms`.
    """

    id: Optional[Id] = None
    """The request id (usable with `client.history.retrieve`)."""
    responses: Optional[list[ModelResponse]] = []
    """Every model's answer, in the order the request listed the models; failed models included
    (None when the server sent null)."""
    summary: Optional[CompareSummary] = None
    """Fastest, longest and per-model numbers."""
    credits_charged: Optional[Number] = None
    credits_remaining: Optional[Number] = None
    latency_ms: Optional[Number] = None
    """Wall time of the whole comparison (assumed)."""
    conversation_id: Optional[Id] = None
    semantic_memory_used: Optional[bool] = None
    semantic_memory_hits: Optional[int] = None

    @property
    def by_model(self) -> dict[str, ModelResponse]:
        """The answers keyed by model id: `result.by_model["gpt-5.2"].content` (answers the server
        sent in another shape are left out)."""
        return by_model(self.responses)


class CompareSummaryEvent(CompareSummary, StreamEventBase):
    """Sent after every model has finished: fastest, longest and per-model numbers."""

    event: Literal["summary"] = "summary"


class CompareDoneEvent(DoneEventBase):
    """The end of a compare stream, with billing."""


CompareStreamEvent = Union[
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    CompareSummaryEvent,
    CompareDoneEvent,
    UnknownEvent,
]
"""Any event a compare stream yields; tell them apart with `isinstance` or an exhaustive `match`.

An error frame is never yielded: iterating raises `ServerStreamError` (its `body` is the frame)."""
