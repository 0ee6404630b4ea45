"""The model catalogue (`client.models.list()`).

The contract documents the listing as a JSON array and the `is_free` flag; the other keys of a
catalogue entry are assumed from the catalogue tables of the docs (`id`, `name`, `provider`,
`vision`). Anything else the server sends (a tier, pricing, ...) is kept on the object, and a
catalogue of bare ids (`["gpt-5.2", "auto"]`) reads as models with only their `id`.
"""

from __future__ import annotations

from typing import Optional

from .._models import BaseModel

__all__ = ["Model"]


class Model(BaseModel):
    """A model in the catalogue, usable as `model=` (or in `models=`, `contestants=`, ...)."""

    id: Optional[str] = None
    """The model id to pass to the API, e.g. `gpt-5.2`; `auto` is the smart router. Assumed key;
    a string, as the documented `model` request field takes."""
    name: Optional[str] = None
    """Display name. Assumed key."""
    provider: Optional[str] = None
    """Who serves it (`OpenAI`, `Anthropic`, ...). Assumed key."""
    vision: Optional[bool] = None
    """Whether it accepts images (`image_url` content blocks). Assumed key."""
    is_free: Optional[bool] = None
    """Whether the free tier may use it (documented)."""
