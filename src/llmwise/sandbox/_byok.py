"""Bring-your-own-key: the provider keys saved with ``PUT /settings/keys`` and which models they cover.

A saved key covers every catalogue model of its provider. Provider names are compared without case
or punctuation (``openai`` covers ``OpenAI`` models, ``z.ai`` and ``zai`` both cover ``Z.ai`` ones,
``arcee-ai`` covers ``Arcee AI``). A request answered only by covered models is not charged at all
and reports ``byok: true`` (contract §6.4: BYOK bypasses LLMWise credit billing); the orchestration
endpoints use :func:`covered`. Raw keys stay in memory and are never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._account_util import iso, now
from ._state import SandboxState

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def provider_slug(name: str) -> str:
    """``"Arcee AI"`` / ``"arcee-ai"`` -> ``"arceeai"``: how provider names are matched."""
    return _NOT_ALNUM.sub("", name.lower())


@dataclass
class ProviderKey:
    secret: str
    updated_at: float = field(default_factory=now)


class ProviderKeys:
    """Provider name -> key (a state component)."""

    def __init__(self) -> None:
        self.items: dict[str, ProviderKey] = {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "providers": [
                {
                    "provider": name,
                    "configured": True,
                    "last4": key.secret[-4:],
                    "updated_at": iso(key.updated_at),
                }
                for name, key in sorted(self.items.items())
            ]
        }


def covered(state: SandboxState, model: str) -> bool:
    """Whether a saved provider key covers ``model`` (its catalogue provider has a key)."""
    keys = state.component(ProviderKeys).items
    if not keys:
        return False
    entry = state.catalogue.get(model)
    if entry is None:
        return False
    wanted = provider_slug(entry.provider)
    return any(provider_slug(name) == wanted for name in keys)
