"""The base class of every response model: lenient, dict-readable, easy to serialise."""

from __future__ import annotations

import json
from typing import Any

import pydantic
from pydantic import AliasChoices, ConfigDict

__all__ = ["BaseModel"]

_MISSING = object()


class BaseModel(pydantic.BaseModel):
    """A validated API object.

    Fields the SDK does not know yet are kept (reachable as attributes and through `to_dict()`), so
    a newer server never breaks an older SDK. Read-only mapping access (`obj["content"]`,
    `obj.get("delta")`) returns what the server sent under that key, for code written against the
    0.1 client's dicts.
    """

    # defer_build: schemas are built on first use, which keeps `import llmwise` light.
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        defer_build=True,
    )

    def to_dict(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """The object as plain JSON-compatible data, with the server's field names."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=exclude_none)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The object as a JSON string, with the server's field names."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    # --- read-only dict access, for 0.1-era code -------------------------------------------------

    def _lookup(self, key: str) -> Any:
        fields = type(self).model_fields
        if key in fields:
            return getattr(self, key)
        for name, info in fields.items():
            if info.alias == key:
                return getattr(self, name)
        extra = self.__pydantic_extra__
        if extra is not None and key in extra:
            return extra[key]
        for name, info in fields.items():
            # A field read from one of several keys (`attempts` or `trace`): the server sent `key`.
            choices = info.validation_alias
            if isinstance(choices, AliasChoices) and key in choices.choices and name in self.model_fields_set:
                return getattr(self, name)
        return _MISSING

    def __getitem__(self, key: str) -> Any:
        value = self._lookup(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        """The value the server sent under `key`, or `default` (like `dict.get`)."""
        value = self._lookup(key)
        return default if value is _MISSING else value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lookup(key) is not _MISSING

    def keys(self) -> list[str]:
        """The keys the server sent (plus fields the SDK filled in)."""
        return list(self.to_dict().keys())
