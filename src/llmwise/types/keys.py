"""The account's API key (`client.keys`): status, generation, revocation."""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from .._models import BaseModel

__all__ = ["KeyInfo", "GeneratedKey", "KeyRevoked"]


class KeyInfo(BaseModel):
    """Whether the account has an API key, and its public part."""

    has_key: Optional[bool] = None
    """Whether a key exists."""
    key_prefix: Optional[str] = None
    """Its first characters (`mm_sk_...`), to recognise it."""
    created_at: Optional[str] = None
    """When it was generated (ISO 8601, UTC)."""
    last_used_at: Optional[str] = None
    """When it was last used (ISO 8601, UTC)."""


class GeneratedKey(BaseModel):
    """A new API key: `api_key` is shown only this once. The previous key stops working."""

    # repr=False: printing or logging the object must not leak the key.
    api_key: Optional[str] = Field(default=None, repr=False)
    """The raw key (`mm_sk_` + 64 hex characters); store it now, it cannot be read again."""
    key_prefix: Optional[str] = None
    """Its first characters."""
    created_at: Optional[str] = None
    """When it was generated (ISO 8601, UTC)."""


class KeyRevoked(BaseModel):
    """The answer to `keys.revoke()`."""

    revoked: Optional[bool] = None
    """True when the key was revoked (it stops working at once)."""
