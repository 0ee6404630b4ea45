"""Ways a real server may say the same thing differently, as hypothesis strategies and as plain
functions: a field dropped, retyped or nulled, extra fields at every level, epoch timestamps,
integer ids, list keys renamed."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hypothesis import strategies as st

SECRET = "mm_sk_" + "d1f7" * 16
"""A value that must never appear in an exception message or an issue (it could be a new API key)."""

Path = tuple[Any, ...]

# JSON values of every kind, small. Strings include the secret so that quoting would show.
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "x", SECRET, "2026-01-01T00:00:00Z", "12", "null"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "b", "x_n"]), inner, max_size=3)
    ),
    max_leaves=6,
)


def nodes(value: Any, path: Path = ()) -> list[Path]:
    """Every path in a JSON value (the root is `()`)."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(nodes(item, (*path, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(nodes(item, (*path, i)))
    return out


def get(value: Any, path: Path) -> Any:
    for part in path:
        value = value[part]
    return value


def replace(value: Any, path: Path, new: Any) -> Any:
    """`value` with the node at `path` replaced (a copy; `path == ()` replaces the root)."""
    if not path:
        return new
    out = copy.deepcopy(value)
    parent = get(out, path[:-1])
    parent[path[-1]] = new
    return out


def drop(value: Any, path: Path) -> Any:
    out = copy.deepcopy(value)
    parent = get(out, path[:-1])
    del parent[path[-1]]
    return out


def _is_event_key(path: Path) -> bool:
    return bool(path) and path[-1] == "event"


def _other_type_than(target: Any) -> Callable[[Any], bool]:
    kind = type(target)
    return lambda value: type(value) is not kind


@st.composite
def perturbed(draw: st.DrawFn, body: Any, *, protect: Callable[[Path], bool] = _is_event_key) -> Any:
    """`body` with one to three random changes: drop, retype, null, or an extra field."""
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in nodes(body) if not protect(p)]
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["drop", "retype", "null", "extra"]))
        target = get(body, path)
        if op == "drop" and path:
            body = drop(body, path)
        elif op == "retype":
            body = replace(body, path, draw(json_values.filter(_other_type_than(target))))
        elif op == "null":
            body = replace(body, path, None)
        elif isinstance(target, dict):
            body = replace(body, path, {**target, f"x_drift_{len(target)}": draw(json_values)})
        elif isinstance(target, list):
            body = replace(body, path, [*target, draw(json_values)])
    return body


# --- the realistic drifts: deterministic rewrites of a whole body -------------------------------------

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _walk(value: Any, fn: Callable[[str | None, Any], Any], key: str | None = None) -> Any:
    # Children first, so that what `fn` adds is not walked again.
    if isinstance(value, dict):
        value = {k: _walk(v, fn, k) for k, v in value.items()}
    elif isinstance(value, list):
        value = [_walk(v, fn, key) for v in value]
    return fn(key, value)


def epoch_timestamps(body: Any) -> Any:
    """Every ISO 8601 timestamp as epoch seconds (an integer)."""

    def fn(key: str | None, value: Any) -> Any:
        if isinstance(value, str) and _ISO.match(value):
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
        return value

    return _walk(body, fn)


def integer_ids(body: Any) -> Any:
    """Every id (`id`, `*_id`) as an integer."""

    def fn(key: str | None, value: Any) -> Any:
        if isinstance(value, str) and key is not None and (key == "id" or key.endswith("_id")):
            return 1000 + sum(value.encode()) % 100_000
        return value

    return _walk(body, fn)


def extra_fields(body: Any) -> Any:
    """An unknown field added to every object, at every level."""

    def fn(key: str | None, value: Any) -> Any:
        # Not into maps of flags or numbers keyed by name (a copilot checklist), nor empty objects,
        # which may be such maps: an entry there is data of the map's own kind, not an extra field.
        if isinstance(value, dict) and value and not all(isinstance(v, (bool, int, float)) for v in value.values()):
            return {**value, "x_server_added": {"nested": [1, "two"], "flag": True}}
        return value

    return _walk(body, fn)


def null_content(body: Any) -> Any:
    """`content` (an answer's text) as null, as a content filter may send it."""

    def fn(key: str | None, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("content"), str):
            return {**value, "content": None}
        return value

    return _walk(body, fn)


def renamed_list(body: Any, key: str | None, new: str) -> Any:
    """A listing's items under `new` (`data`, `items`) or, for `new == ""`, as a bare array."""
    if key is None:
        return body
    items = body if isinstance(body, list) else body.get(key) if isinstance(body, dict) else None
    if items is None:
        return body
    if new == "":
        return items
    rest = {k: v for k, v in body.items() if k != key} if isinstance(body, dict) else {}
    return {**rest, new: items}


REALISTIC: dict[str, Callable[[Any], Any]] = {
    "epoch_timestamps": epoch_timestamps,
    "integer_ids": integer_ids,
    "extra_fields": extra_fields,
    "null_content": null_content,
}
