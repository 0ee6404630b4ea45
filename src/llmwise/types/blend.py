"""Blend: several sources answer, then a synthesizer merges them into one answer (`POST /blend`).

Field types follow the contract (§3.3, §4.5, §5.3): documented fields have their documented type;
the others are marked *assumed* (no source names blend's stream frames: `phase`, `layer` and
`sample` are the sandbox's design) and admit the plausible shapes. Data only: the stream logic is in
`llmwise._streaming.blend`.
"""

from __future__ import annotations

from typing import Optional, Union

from .._models import BaseModel
from ._multi import (
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    ModelResponse,
    ModelView,
)
from .params import BlendCreateParams, BlendStrategy  # defined there, without pydantic
from .shared import DoneEventBase, Id, Number, UnknownEvent

__all__ = [
    "BlendStrategy",
    "BlendCreateParams",
    "BlendSource",
    "BlendResult",
    "BlendChunkEvent",
    "BlendModelDoneEvent",
    "BlendModelErrorEvent",
    "BlendDoneEvent",
    "BlendStreamEvent",
    "ModelView",
    "source_label",
]

def source_label(model: str, layer: Optional[int] = None, sample: Optional[int] = None) -> str:
    """The key of a blend source: the model id, `model#layer<k>` (moa) or `model#sample<i>` (self_moa)."""
    if sample is not None:
        return f"{model}#sample{sample}"
    if layer is not None:
        return f"{model}#layer{layer}"
    return model


class _BlendFrame(BaseModel):
    """The fields that place a blend frame: its phase and its moa layer or self_moa sample (assumed)."""

    phase: Optional[str] = None
    """`gather`, `layer` (moa), `sample` (self_moa) or `synthesis`."""
    layer: Optional[int] = None
    """moa: the layer, 1 to `layers`."""
    sample: Optional[int] = None
    """self_moa: the candidate, 1 to `samples`."""

    @property
    def is_synthesis(self) -> bool:
        """Whether this frame belongs to the synthesized answer rather than a source."""
        return self.phase == "synthesis"


class BlendChunkEvent(ModelChunkEvent, _BlendFrame):
    """A piece of a source's answer, or of the synthesis (`is_synthesis`)."""


class BlendModelDoneEvent(ModelDoneEvent, _BlendFrame):
    """A source (or the synthesizer) finished."""


class BlendModelErrorEvent(ModelErrorEvent, _BlendFrame):
    """A source failed; blending goes on with the others. Yielded, not raised."""


class BlendDoneEvent(DoneEventBase):
    """The end of a blend stream: the synthesized answer, how it was made, and billing (the fields of
    the TS client's `BlendResponse`; `content` and `finish_reason` are assumed)."""

    content: Optional[str] = None
    """The synthesized answer."""
    strategy: Optional[str] = None
    synthesizer: Optional[str] = None
    source_models: Optional[list[str]] = None
    candidates: Optional[int] = None
    """self_moa: how many samples were drawn."""
    layers: Optional[int] = None
    """moa: how many layers ran."""
    finish_reason: Optional[str] = None


class BlendSource(ModelResponse):
    """One source answer of a blend (a model, a moa layer's answer, or a self_moa sample); built by
    the stream (the JSON answer's sources are assumed to have this shape)."""

    layer: Optional[int] = None
    """moa: the layer this answer came from."""
    sample: Optional[int] = None
    """self_moa: the candidate number."""

    @property
    def label(self) -> str:
        """`model`, `model#layer<k>` or `model#sample<i>`: the key of `BlendResult.by_label`."""
        layer, sample = self.layer, self.sample
        return source_label(
            self.model if isinstance(self.model, str) else "",
            layer if isinstance(layer, int) else None,
            sample if isinstance(sample, int) else None,
        )


class BlendResult(BaseModel):
    """The synthesized answer of a blend call (and what `BlendStream.get_final_result()` builds).

    Documented (§5.3): `id`, `content`, `strategy`, `source_models`, `synthesizer`, `latency_ms`,
    `candidates`, `layers`, the billing fields, `conversation_id` and the semantic-memory fields.
    Assumed: `sources` and `finish_reason`.
    """

    id: Optional[Id] = None
    """The request id (usable with `client.history.retrieve`)."""
    content: Optional[str] = ""
    """The synthesized answer (None when the server sent null)."""
    strategy: Optional[str] = None
    """The strategy used (the vocabulary may grow)."""
    synthesizer: Optional[str] = None
    """The model that wrote the answer."""
    source_models: Optional[list[str]] = []
    """The source models, as requested (None when the server sent null)."""
    layers: Optional[int] = None
    """moa: how many layers ran (None for other strategies)."""
    candidates: Optional[int] = None
    """self_moa: how many samples were drawn (None for other strategies)."""
    sources: Optional[list[BlendSource]] = []
    """Every source answer: by layer (moa) or sample (self_moa), then in request order (assumed)."""
    finish_reason: Optional[str] = None
    latency_ms: Optional[Number] = None
    credits_charged: Optional[Number] = None
    credits_remaining: Optional[Number] = None
    conversation_id: Optional[Id] = None
    semantic_memory_used: Optional[bool] = None
    semantic_memory_hits: Optional[int] = None

    @property
    def by_label(self) -> dict[str, BlendSource]:
        """The sources keyed by `source.label` (the keys of `BlendStream.models`); sources the
        server sent in another shape are left out."""
        sources = self.sources
        if not isinstance(sources, list):
            return {}
        return {source.label: source for source in sources if isinstance(source, BlendSource)}


BlendStreamEvent = Union[
    BlendChunkEvent,
    BlendModelDoneEvent,
    BlendModelErrorEvent,
    BlendDoneEvent,
    UnknownEvent,
]
"""Any event a blend stream yields; tell them apart with `isinstance` or an exhaustive `match`.

An error frame is never yielded: iterating raises `ServerStreamError` (its `body` is the frame)."""
