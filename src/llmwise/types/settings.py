"""Account settings (`client.settings`): provider keys (BYOK), privacy, and the dashboard copilot."""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from .._models import BaseModel
from .._pagination import ListResponse

__all__ = [
    "ProviderKey",
    "ProviderKeyList",
    "ProviderKeyDeleted",
    "PurgeCounts",
    "PrivacySettings",
    "CopilotState",
    "CopilotAnswer",
]


class ProviderKey(BaseModel):
    """A provider key saved for BYOK (the raw key is never returned)."""

    provider: Optional[str] = None
    """The provider, e.g. `openai`."""
    configured: Optional[bool] = None
    """Whether a key is saved."""
    last4: Optional[str] = None
    """The key's last four characters, to recognise it."""
    updated_at: Optional[str] = None
    """When it was saved (ISO 8601, UTC)."""


class ProviderKeyList(ListResponse):
    """The saved provider keys. With one, requests to that provider use it and cost no credits."""

    _items_key: ClassVar[str] = "providers"

    providers: list[ProviderKey] = []
    """One entry per provider with a saved key."""


class ProviderKeyDeleted(BaseModel):
    """The answer to `settings.provider_keys.delete()`."""

    deleted: Optional[bool] = None
    """True when the key was deleted."""
    provider: Optional[str] = None
    """The provider whose key was deleted."""


class PurgeCounts(BaseModel):
    """What a privacy update with `purge_existing_data=True` removed."""

    memories: Optional[int] = None
    """Memories deleted."""
    conversations_scrubbed: Optional[int] = None
    """Conversations whose titles were blanked."""
    requests_redacted: Optional[int] = None
    """History entries whose prompt and answer were redacted (billing data is kept)."""


class PrivacySettings(BaseModel):
    """Data-retention and training settings."""

    zero_retention_mode: Optional[bool] = None
    """When on, prompts and answers are not stored and semantic memory is off."""
    data_training_opt_in: Optional[bool] = None
    """Whether data may be used for training (zero retention forces it off)."""
    purged: Optional[PurgeCounts] = None
    """What the update purged (only from `update()`)."""


class CopilotState(BaseModel):
    """The dashboard copilot's onboarding state."""

    goal: Optional[str] = None
    """The goal the user chose, if any."""
    onboarded: Optional[bool] = None
    """Whether onboarding is done."""
    checklist: Optional[dict[str, bool]] = None
    """Onboarding steps and whether each is done."""


class CopilotAnswer(BaseModel):
    """The copilot's answer to a question."""

    answer: Optional[str] = None
    """The answer, in words."""
    sources: Optional[list[Any]] = None
    """Where it came from (docs pages, ...)."""
