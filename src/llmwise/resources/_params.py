"""Request building shared by the account resources: path parameters, free-form bodies, lists."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote

from .._base_client import Operation, split_options
from .._pagination import PageRequest, find_items, null_listing, read_items
from .._types import REQUEST_OPTION_KEYS, RequestOptions
from .._validate import check_params

__all__ = [
    "api_operation",
    "page_request",
    "require_id",
    "path_param",
    "free_form_body",
    "tracking_fields",
    "list_of",
    "write_text",
]

T = TypeVar("T")
R = TypeVar("R")


def check_options(options: Mapping[str, Any], method: str, path: str, names: Iterable[str]) -> RequestOptions:
    """`options` when every key is a request option; else a `TypeError` (a misspelt argument such
    as `offest=` would otherwise be dropped without a word, since `**options` takes any name)."""
    for key in options:
        if key not in REQUEST_OPTION_KEYS:
            close = difflib.get_close_matches(key, [*names, *sorted(REQUEST_OPTION_KEYS)], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"unexpected keyword argument {key!r} for {method} {path}.{hint}")
    return cast(RequestOptions, options)


def api_operation(
    method: str,
    path: str,
    *,
    parse: Callable[[Any], R],
    options: Mapping[str, Any],
    query: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | None = None,
) -> Operation[R]:
    """An `Operation`, after checking that `options` holds only request options."""
    checked = check_options(options, method, path, [*(query or ()), *(body or ())])
    return Operation(method, path, parse=parse, query=query, body=body, options=checked)


def page_request(
    path: str,
    query: Mapping[str, Any],
    options: Mapping[str, Any],
    key: str,
    item: Callable[[Any], T],
    others: tuple[str, ...] = (),
) -> PageRequest[T]:
    """A `PageRequest` (for a `Page` / `AsyncPage`), after checking `options` as `api_operation` does.
    The items are read from `key`, else from one of `others`, else from the generic keys."""
    return PageRequest(path, query, check_options(options, "GET", path, query), key, item, others)


def require_id(name: str, value: object) -> str:
    """`value` as the text to send: a non-blank string itself, an integer in decimal (ids may be
    either); else a `ValueError` naming `name`, raised before anything is sent (an empty id would
    silently hit another endpoint)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(
            f"{name} must be a non-empty string or an integer, got {type(value).__name__} {value!r}"
        )
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string or an integer, got {value!r}")
    return value


def path_param(name: str, value: object) -> str:
    """`value` quoted as one URL path segment (see `require_id` for the checks)."""
    # safe="": a "/" in an id must stay inside its segment (%2F), not open a new one.
    segment = quote(require_id(name, value), safe="")
    if segment in (".", ".."):
        # A bare dot segment is removed by URL normalisation and would hit another endpoint.
        segment = segment.replace(".", "%2E")
    return segment


def free_form_body(
    where: str, kwargs: Mapping[str, Any], params: type
) -> tuple[dict[str, Any], RequestOptions]:
    """Split keyword arguments into a body and request options for an endpoint whose body schema
    is unknown: the documented fields (the `params` TypedDict) are type-checked, anything else is
    sent as given."""
    body, options = split_options(kwargs)
    check_params(where, body, params, extra_allowed=frozenset(body))
    return body, options


def tracking_fields(where: str, kwargs: Mapping[str, Any]) -> tuple[dict[str, str], RequestOptions]:
    """Split `credits.purchase()`'s extra keyword arguments into tracking fields (strings, sent in
    the body) and request options."""
    fields, options = split_options(kwargs)
    for key, value in fields.items():
        if not isinstance(value, str):
            raise TypeError(
                f"{where}(): tracking field {key!r} must be a string, got {type(value).__name__} {value!r}"
            )
    return fields, options


def list_of(item: Callable[[Any], T], key: str) -> Callable[[Any], list[T]]:
    """A parser of a list answered as a bare JSON array (or under `key`, or one of the generic keys
    `data`, `items`, ...; a `null` there is an empty list)."""

    def parse(body: Any) -> list[T]:
        items = find_items(body, key)
        if items is None and null_listing(body, key):
            items = []
        if items is None:
            raise ValueError(f"expected a list, got {type(body).__name__}")
        return read_items(item, items)

    return parse


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` as UTF-8, byte for byte (no newline translation: CSV keeps its CRLFs)."""
    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write(text)
