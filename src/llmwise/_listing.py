"""Where a listing's items are, and the list wrappers of the account types (`MemoryList`, ...).

Kept apart from `llmwise._pagination` (which sends the requests of pages) so that `llmwise.types`
imports nothing from the transport: data and how to read it, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar, cast

from pydantic import model_validator
from typing_extensions import Self

from ._exceptions import APIResponseValidationError
from ._models import STRICT_RESPONSES, BaseModel, read_model

__all__ = ["FALLBACK_KEYS", "ListResponse", "find_items", "find_items_source", "null_listing", "read_items"]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# Keys a list may come under when the SDK's key holds none: the usual wrappers, then the generic
# plurals servers use for any kind of listing.
FALLBACK_KEYS = ("data", "items", "results", "entries", "records")

_MISSING = object()


def find_items(body: Any, key: str | None, others: tuple[str, ...] = ()) -> list[Any] | None:
    """The list in a response body: `body[key]`, else under one of `others`, else under one of the
    `FALLBACK_KEYS` (`data`, `items`, ...), else the body itself when it is a JSON array; None when
    there is none."""
    if isinstance(body, list):
        return body
    if isinstance(body, Mapping):
        items = find_items_source(body, key, others)
        return None if items is None else list(items)
    return None


def find_items_source(body: Mapping[str, Any], key: str | None, others: tuple[str, ...] = ()) -> Any:
    """The list object `find_items` reads the items of a JSON object from (None if there is none)."""
    for name in (key, *others, *FALLBACK_KEYS):
        if name is not None and isinstance(body.get(name), list):
            return body[name]
    return None


def null_listing(body: Any, key: str | None, others: tuple[str, ...] = ()) -> bool:
    """Whether a body with no list sends `null` where the list would be: a listing of nothing."""
    return isinstance(body, Mapping) and any(
        name is not None and name in body and body[name] is None
        for name in (key, *others, *FALLBACK_KEYS)
    )


def read_items(item: Callable[[Any], T], entries: list[Any]) -> list[T]:
    """Each entry of a list parsed by `item`; in lenient mode an entry of no usable shape (a string
    where objects belong) is kept as sent rather than failing the whole list."""
    out: list[Any] = []
    for entry in entries:
        try:
            out.append(item(entry))
        except APIResponseValidationError:
            if STRICT_RESPONSES.get():
                raise
            out.append(entry)
    return out


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
