"""The model catalogue (`client.models.list()`)."""

from __future__ import annotations

from typing import Optional

from .._models import BaseModel

__all__ = ["Model"]


class Model(BaseModel):
    """A model in the catalogue, usable as `model=` (or in `models=`, `contestants=`, ...)."""

    id: Optional[str] = None
    """The model id to pass to the API, e.g. `gpt-5.2`; `auto` is the smart router."""
    name: Optional[str] = None
    """Display name."""
    provider: Optional[str] = None
    """Who serves it (`OpenAI`, `Anthropic`, ...)."""
    vision: Optional[bool] = None
    """Whether it accepts images (`image_url` content blocks)."""
    is_free: Optional[bool] = None
    """Whether the free tier may use it."""
