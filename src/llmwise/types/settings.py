"""Account settings (`client.settings`): provider keys (BYOK), privacy, and the dashboard copilot.

The contract documents the request bodies, not the answers: every response key is assumed (the
privacy flags by their request names). A field the server sends as `null` reads as None.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Optional, Union

from .._listing import ListResponse
from .._models import BaseModel
from .shared import Timestamp

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
    """A provider key saved for BYOK (the raw key is never returned).

    Assumed shape: `{provider, configured, last4, updated_at}`. A server that lists bare provider
    names (`["openai"]`) gives `ProviderKey(provider="openai")`, its other fields None.
    """

    provider: Optional[str] = None
    """The provider, e.g. `openai`."""
    configured: Optional[bool] = None
    """Whether a key is saved (None when the server does not say)."""
    last4: Optional[str] = None
    """The key's last four characters, to recognise it."""
    updated_at: Optional[Timestamp] = None
    """When it was saved."""


class ProviderKeyList(ListResponse[ProviderKey]):
    """The saved provider keys. With one, requests to that provider use it and cost no credits.

    Assumed shape: `{providers: [ProviderKey]}`. Also read: a list of provider names
    (`{"providers": ["openai"]}`), a map of provider name to its details or to a flag
    (`{"providers": {"openai": {...}}}`, `{"providers": {"openai": true}}`: the flag is `configured`),
    the same under `keys`, and a bare array.
    """

    _items_key: ClassVar[str] = "providers"
    _other_keys: ClassVar[tuple[str, ...]] = ("keys",)

    providers: Optional[list[ProviderKey]] = []
    """One entry per provider with a saved key: `[]` when the server sent no list, None when it
    sent `null`."""

    @classmethod
    def _normalise(cls, body: Any) -> Any:
        if isinstance(body, Mapping):
            for key in (cls._items_key, *cls._other_keys):
                named = _from_map(body.get(key))
                if named is not None:
                    body = {**body, key: named}
                    break
        body = super()._normalise(body)
        if isinstance(body, Mapping) and isinstance(body.get(cls._items_key), list):
            # A provider's name alone reads as a ProviderKey of that provider, not as a mismatch.
            items = [{"provider": item} if isinstance(item, str) else item for item in body[cls._items_key]]
            body = {**body, cls._items_key: items}
        return body


def _from_map(value: Any) -> list[dict[str, Any]] | None:
    """`{"openai": {...}}` / `{"openai": true}` as a list of provider entries (None for another shape)."""
    if not isinstance(value, Mapping) or not value:
        return None
    entries: list[dict[str, Any]] = []
    for name, detail in value.items():
        if isinstance(detail, Mapping):
            entries.append({"provider": name, **detail})
        elif isinstance(detail, bool):
            entries.append({"provider": name, "configured": detail})
        else:
            return None
    return entries


class ProviderKeyDeleted(BaseModel):
    """The answer to `settings.provider_keys.delete()`. Assumed shape: `{deleted, provider}`."""

    deleted: Optional[bool] = None
    """True when the key was deleted."""
    provider: Optional[str] = None
    """The provider whose key was deleted."""


class PurgeCounts(BaseModel):
    """What a privacy update with `purge_existing_data=True` removed. Assumed shape."""

    memories: Optional[int] = None
    """Memories deleted."""
    conversations_scrubbed: Optional[int] = None
    """Conversations whose titles were blanked."""
    requests_redacted: Optional[int] = None
    """History entries whose prompt and answer were redacted (billing data is kept)."""


class PrivacySettings(BaseModel):
    """Data-retention and training settings.

    Assumed shape: the request's flags, plus `purged` after an update (the contract says the answer
    includes a count of purged records, under a name it does not give).
    """

    zero_retention_mode: Optional[bool] = None
    """When on, prompts and answers are not stored and semantic memory is off."""
    data_training_opt_in: Optional[bool] = None
    """Whether data may be used for training (zero retention forces it off)."""
    purged: Optional[Union[PurgeCounts, int]] = None
    """What the update purged (only from `update()`): counts per kind, or one number when the server
    sends a single count."""


class CopilotState(BaseModel):
    """The dashboard copilot's onboarding state. Assumed shape: the request's `{goal, onboarded,
    checklist}`."""

    goal: Optional[str] = None
    """The goal the user chose, if any."""
    onboarded: Optional[bool] = None
    """Whether onboarding is done."""
    checklist: Optional[dict[str, bool]] = None
    """Onboarding steps and whether each is done."""


class CopilotAnswer(BaseModel):
    """The copilot's answer to a question. Assumed shape: `{answer, sources}`."""

    answer: Optional[str] = None
    """The answer, in words."""
    sources: Optional[list[Any]] = None
    """Where it came from (docs pages, ...), as sent."""
