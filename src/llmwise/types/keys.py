"""The account's API key (`client.keys`): status, generation, revocation.

The contract documents the three endpoints, that `POST /keys/generate` answers the raw key once,
and the key's format (`mm_sk_` + 64 hex characters); every response key is assumed.
"""

from __future__ import annotations

from typing import Optional

from pydantic import AliasChoices, Field

from .._models import BaseModel
from .shared import Timestamp

__all__ = ["KeyInfo", "GeneratedKey", "KeyRevoked"]


class KeyInfo(BaseModel):
    """Whether the account has an API key, and its public part. Assumed shape."""

    has_key: Optional[bool] = None
    """Whether a key exists."""
    key_prefix: Optional[str] = None
    """Its first characters (`mm_sk_...`), to recognise it."""
    created_at: Optional[Timestamp] = None
    """When it was generated (None when there is no key)."""
    last_used_at: Optional[Timestamp] = None
    """When it was last used (None when never)."""


class GeneratedKey(BaseModel):
    """A new API key: `api_key` is shown only this once. The previous key stops working.

    The key's field name is not documented: it is read from `api_key`, else from `key`.
    """

    # repr=False: printing or logging the object must not leak the key. The `key` alias keeps a
    # key sent under that name out of the extra fields, which repr() would show.
    api_key: Optional[str] = Field(
        default=None, repr=False, validation_alias=AliasChoices("api_key", "key")
    )
    """The raw key (`mm_sk_` + 64 hex characters); store it now, it cannot be read again."""
    key_prefix: Optional[str] = None
    """Its first characters."""
    created_at: Optional[Timestamp] = None
    """When it was generated."""


class KeyRevoked(BaseModel):
    """The answer to `keys.revoke()`. Assumed shape: `{revoked}`."""

    revoked: Optional[bool] = None
    """True when the key was revoked (it stops working at once)."""
