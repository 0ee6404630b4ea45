"""The sandbox's model catalogue, loaded from the packaged ``catalogue.json`` fixture.

The fixture is seeded with the v1 (credit era) table of the API contract, because the SDK examples
use v1 ids (``gpt-5.2``, ``claude-sonnet-4.5``, ``gemini-3-flash``, ``deepseek-v3``), plus ``auto``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass
from typing import Any

AUTO = "auto"


@dataclass(frozen=True)
class CatalogueModel:
    """One entry of ``GET /models``."""

    id: str
    name: str
    provider: str
    vision: bool = False
    is_free: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON object served by ``GET /models``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CatalogueModel:
        """Build an entry from a catalogue JSON object."""
        return cls(
            id=str(data["id"]),
            name=str(data.get("name", data["id"])),
            provider=str(data.get("provider", "Sandbox")),
            vision=bool(data.get("vision", False)),
            is_free=bool(data.get("is_free", False)),
        )


def load_catalogue() -> list[CatalogueModel]:
    """The packaged fixture (a fresh list each call)."""
    return list(_packaged())


@functools.lru_cache(maxsize=1)
def _packaged() -> tuple[CatalogueModel, ...]:
    # Imported here: importlib.resources costs ~15 ms and is only needed when a Sandbox is built.
    from importlib import resources

    raw = resources.files(__name__.rpartition(".")[0]).joinpath("catalogue.json").read_text(encoding="utf-8")
    return tuple(CatalogueModel.from_dict(item) for item in json.loads(raw))
