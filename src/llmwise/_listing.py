"""The list wrappers of the account types (`MemoryList`, ...); where their items are found is
`llmwise._items`.

Kept apart from `llmwise._pagination` (which sends the requests of pages) so that `llmwise.types`
imports nothing from the transport: data and how to read it, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar, cast

from pydantic import model_validator
from typing_extensions import Self

from ._items import find_items
from ._models import BaseModel, read_model

__all__ = ["ListResponse"]

M = TypeVar("M", bound=BaseModel)


class ListResponse(BaseModel, Generic[M]):
    """Base of the list wrappers (`MemoryList`, `TestSuiteList`, ...): the items are read from the
    SDK's key, else from one of the class's other keys, else from `data` / `items` / `results` /
    `entries` / `records`, else from a bare JSON array.

    The items field (`memories`, `suites`, ...) is what the server sent: `[]` when it sent no list
    at all, None when it sent `null`. `data` is always a list of the items as models.
    """

    _items_key: ClassVar[str]
    _other_keys: ClassVar[tuple[str, ...]] = ()
    """Keys this listing plausibly comes under besides `_items_key` (before the generic ones)."""

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Build the listing from what the API sent, whatever wrapper it came in (see the class)."""
        # Normalised before reading, so that a value repaired by the lenient reader is found under
        # the SDK's key (the `before` validator alone would hide the move from the repair).
        obj = read_model(cls, cls._normalise(data))
        # Dict-style reads give what the server sent, not the normalised form.
        obj._set_private("_llmwise_raw", data if isinstance(data, Mapping) else {cls._items_key: data})
        return obj

    @classmethod
    def _normalise(cls, body: Any) -> Any:
        """The body with the listing under `_items_key` (unchanged when it already is there, or
        when there is no list anywhere)."""
        key = cls._items_key
        if isinstance(body, list):
            return {key: body}
        if isinstance(body, Mapping) and not isinstance(body.get(key), list):
            items = find_items(body, None, cls._other_keys)
            if items is not None:
                return {**body, key: items}
        return body

    @model_validator(mode="before")
    @classmethod
    def _read_other_list_shapes(cls, body: Any) -> Any:
        return cls._normalise(body)

    @property
    def data(self) -> list[M]:
        """The items as models, in order: empty when the server sent none (or `null`); an item the
        server sent in another shape (a string where an object belongs) is left out (it is still
        in the items field, as sent)."""
        items = getattr(self, self._items_key, None)
        if not isinstance(items, list):
            return []
        return cast("list[M]", [item for item in items if isinstance(item, BaseModel)])
