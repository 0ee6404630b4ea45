"""What compare, blend and judge share: per-model stream events, live per-model views and per-model
results.

The three endpoints stream the same per-model frames (contract §4.4-4.6): text chunks and a
completion frame per model, carrying `model` but no `event` key, and an error frame for a model that
failed. One failing model does not end the stream: its error is an event like any other. The
per-model error fields are not documented anywhere (assumed: `error`, `status_code`).

Data only: how frames become these events, and how views are updated, is in `llmwise._streaming`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from .._models import BaseModel
from .params import MultiModelParams  # defined there, without pydantic
from .shared import ErrorDetail, Number, StreamEventBase

__all__ = [
    "MultiModelParams",
    "ModelChunkEvent",
    "ModelDoneEvent",
    "ModelErrorEvent",
    "PerModelEvent",
    "ModelView",
    "ModelResponse",
]


# --- per-model stream events -----------------------------------------------------------------------


class ModelChunkEvent(StreamEventBase):
    """A piece of one model's answer (the other models stream alongside)."""

    model: Optional[str] = None
    """The model (for blend: the source or synthesizer) this text comes from. None when the frame
    did not name one: the text then continues the view of the frame before it."""
    delta: str = ""
    """The new text."""
    done: bool = False


class ModelDoneEvent(StreamEventBase):
    """One model finished its answer; the others may still be streaming."""

    model: str
    delta: str = ""
    """Normally empty; any text here belongs to the model's answer."""
    done: bool = True
    latency_ms: Optional[Number] = None
    """How long the model took."""
    content_length: Optional[int] = None
    """Characters in the model's answer."""
    completion_tokens: Optional[int] = None
    """Tokens the model generated (assumed)."""


class ModelErrorEvent(StreamEventBase):
    """One model failed. It is yielded, not raised: the other models carry on."""

    model: str
    error: Optional[ErrorDetail] = None
    """What went wrong: a message, or an error object (assumed)."""
    status_code: Optional[int] = None
    """The upstream status of the failure (429, 503, ...; assumed)."""
    done: bool = True


PerModelEvent = Union[ModelChunkEvent, ModelDoneEvent, ModelErrorEvent]
"""A frame about one model: text, completion or failure."""

PER_MODEL_EVENTS = (ModelChunkEvent, ModelDoneEvent, ModelErrorEvent)
"""The per-model event classes, for `isinstance`."""


# --- live views ----------------------------------------------------------------------------------


@dataclass(eq=False)
class ModelView:
    """What one model (for blend: one source) has streamed so far, updated as the stream is read.

    The stream fills it in (`stream.models`); its fields are the SDK's own reading of the frames,
    so they always have their declared types (a frame's odd values stay on the event).
    """

    label: str
    """The key of this view in `stream.models`: the model id (blend: `model#layer2`, `model#sample3`)."""
    model: str
    """The model id."""
    done: bool = False
    """Whether the model has finished, successfully or not."""
    latency_ms: Optional[Number] = None
    """How long the model took (known once it is done)."""
    tokens: Optional[int] = None
    """Tokens the model generated (known once it is done)."""
    content_length: Optional[int] = None
    """Characters in the model's answer (known once it is done)."""
    error: Optional[str] = None
    """Why the model failed, if it did (the server's message)."""
    status_code: Optional[int] = None
    """The upstream status of the failure, if it failed."""
    phase: Optional[str] = None
    """Blend: `gather`, `layer`, `sample` or `synthesis`."""
    layer: Optional[int] = None
    """Blend `moa`: the layer (1 to 3) this source answered in."""
    sample: Optional[int] = None
    """Blend `self_moa`: the candidate number (1 to N)."""
    _pieces: list[str] = field(default_factory=list, init=False, repr=False)

    @property
    def text(self) -> str:
        """The model's text so far."""
        if len(self._pieces) > 1:
            # Join once and keep the result, so reading `text` while streaming stays linear.
            self._pieces[:] = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    @property
    def status(self) -> str:
        """`streaming`, `ok` or `error`."""
        if self.error is not None or self.status_code is not None:
            return "error"
        return "ok" if self.done else "streaming"


# --- results -------------------------------------------------------------------------------------


class ModelResponse(BaseModel):
    """One model's answer in a compare result (and a contestant's in a judge result).

    Documented (§5.2): `model`, `content`, `latency_ms`, `completion_tokens`, `cost`. Assumed:
    `status`, `error`, `status_code` (per-model failures) and `prompt_tokens`.
    """

    model: Optional[str] = None
    """The model id."""
    content: Optional[str] = ""
    """The answer's text (for a failed model: what arrived before the failure, if anything); None
    when the server sent null."""
    status: Optional[str] = None
    """`ok` or `error` (the vocabulary may grow)."""
    latency_ms: Optional[Number] = None
    completion_tokens: Optional[int] = None
    prompt_tokens: Optional[int] = None
    cost: Optional[Number] = None
    """Upstream cost in USD."""
    error: Optional[ErrorDetail] = None
    """Why the model failed, if it did: a message, or an error object."""
    status_code: Optional[int] = None
    """The upstream status of the failure, if it failed."""

    @property
    def ok(self) -> bool:
        """Whether the model answered without failing."""
        return self.status != "error" and self.error is None


def by_model(items: Any) -> dict[str, ModelResponse]:
    """Answers keyed by model id; entries the server sent in another shape (no object, no model id)
    are left out."""
    if not isinstance(items, Iterable) or isinstance(items, (str, bytes, dict)):
        return {}
    return {item.model: item for item in items if isinstance(item, ModelResponse) and isinstance(item.model, str)}
