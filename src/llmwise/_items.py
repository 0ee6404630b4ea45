"""Where a listing's items are in a response body, and how they are read: no pydantic, no I/O.

Shared by the pages of `llmwise._pagination`, the list parsers of the account resources and the
list wrappers of `llmwise._listing`; kept free of pydantic so that a resource module can use it
without loading pydantic's model machinery (see `llmwise._lazy`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ._exceptions import APIResponseValidationError
from ._types import STRICT_RESPONSES

__all__ = ["FALLBACK_KEYS", "find_items", "find_items_source", "null_listing", "read_items"]

T = TypeVar("T")

# Keys a list may come under when the SDK's key holds none: the usual wrappers, then the generic
# plurals servers use for any kind of listing.
FALLBACK_KEYS = ("data", "items", "results", "entries", "records")


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
