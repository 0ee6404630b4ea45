"""Helpers shared by the account endpoint modules: query parameters, bodies, timestamps, pages.

Every validation error is a 400 whose message names the offending query parameter or body field.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

from ._http import ApiError, RequestContext

T = TypeVar("T")

#: Largest ``limit`` any list endpoint accepts.
MAX_LIMIT = 500
#: Largest ``days`` window of history-based endpoints (replay has its own 1-90 range).
MAX_DAYS = 365
DAY_SECONDS = 86400.0

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


def iso(timestamp: float | None) -> str | None:
    """Epoch seconds as an ISO 8601 UTC string with milliseconds (``2026-02-15T19:59:00.123Z``)."""
    if timestamp is None:
        return None
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now() -> float:
    """The current time in epoch seconds."""
    return time.time()


def bad(message: str) -> ApiError:
    """A 400 error."""
    return ApiError(400, message)


def not_found(what: str, ident: str) -> ApiError:
    """A 404 error for an unknown id."""
    return ApiError(404, f"{what} {ident!r} not found")


# -- query parameters -----------------------------------------------------------------------------


def _raw(ctx: RequestContext, name: str) -> str | None:
    value = ctx.query.get(name)
    return None if value is None else value.strip()


def q_int(ctx: RequestContext, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within ``[low, high]`` (``default`` when absent)."""
    raw = _raw(ctx, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise bad(f"Query parameter '{name}' must be an integer between {low} and {high}, got {raw!r}")
    return value


def q_limit(ctx: RequestContext, default: int) -> int:
    """``limit``: 1 to :data:`MAX_LIMIT`."""
    return q_int(ctx, "limit", default, 1, MAX_LIMIT)


def q_offset(ctx: RequestContext) -> int:
    """``offset``: 0 or more (default 0)."""
    return q_int(ctx, "offset", 0, 0, 10**9)


def q_days(ctx: RequestContext, default: int, high: int = MAX_DAYS) -> int:
    """``days``: 1 to ``high``."""
    return q_int(ctx, "days", default, 1, high)


def q_float(ctx: RequestContext, name: str, low: float, high: float) -> float | None:
    """An optional number query parameter within ``[low, high]`` (empty = absent)."""
    raw = _raw(ctx, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise bad(f"Query parameter '{name}' must be a number between {low:g} and {high:g}, got {raw!r}")
    return value


def q_bool(ctx: RequestContext, name: str, default: bool) -> bool:
    """A boolean query parameter: ``true``/``false`` (also ``1``/``0``, ``yes``/``no``)."""
    raw = _raw(ctx, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise bad(f"Query parameter '{name}' must be true or false, got {raw!r}")


def q_str(ctx: RequestContext, name: str) -> str | None:
    """An optional string query parameter (empty = absent)."""
    raw = _raw(ctx, name)
    return raw or None


def q_enum(ctx: RequestContext, name: str, choices: Sequence[str], default: str | None = None) -> str | None:
    """A query parameter from ``choices`` (empty or absent = ``default``)."""
    raw = _raw(ctx, name)
    if not raw:
        return default
    if raw not in choices:
        raise bad(f"Query parameter '{name}' must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def page(items: Sequence[T], limit: int, offset: int = 0) -> list[T]:
    """``items[offset:offset + limit]``."""
    return list(items[offset : offset + limit])


def newest_first(items: Sequence[T]) -> list[T]:
    """Items kept oldest first, listed newest first."""
    return list(reversed(items))


def within_days(created_at: float, days: int, moment: float | None = None) -> bool:
    """Whether ``created_at`` falls in the last ``days`` days."""
    return created_at >= (now() if moment is None else moment) - days * DAY_SECONDS


# -- bodies ---------------------------------------------------------------------------------------


def optional_body(ctx: RequestContext) -> dict[str, Any]:
    """The JSON object body of an endpoint documented with ``{}``; a missing body counts as ``{}``."""
    if not ctx.request.body.strip():
        return {}
    return ctx.json_object()


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def body_bool(body: dict[str, Any], name: str, *, label: str | None = None) -> bool | None:
    """An optional boolean field (null = absent)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise bad(f"'{label or name}' must be a boolean, got {_type_name(value)}")
    return value


def body_str(
    body: dict[str, Any],
    name: str,
    *,
    required: bool = False,
    max_length: int = 10_000,
    label: str | None = None,
) -> str | None:
    """An optional (or required, then non-blank) string field."""
    where = label or name
    value = body.get(name)
    if value is None:
        if required:
            raise bad(f"'{where}' is required")
        return None
    if not isinstance(value, str):
        raise bad(f"'{where}' must be a string, got {_type_name(value)}")
    if required and not value.strip():
        raise bad(f"'{where}' must not be empty")
    if len(value) > max_length:
        raise bad(f"'{where}' must be at most {max_length} characters")
    return value


def body_int(body: dict[str, Any], name: str, low: int, high: int) -> int | None:
    """An optional integer field within ``[low, high]``."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(f"'{name}' must be an integer between {low} and {high}, got {value!r}")
    return value


def body_number(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    """An optional number field within ``[low, high]``."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise bad(f"'{name}' must be a number between {low:g} and {high:g}, got {value!r}")
    return float(value)


def body_enum(body: dict[str, Any], name: str, choices: Sequence[str]) -> str | None:
    """An optional string field from ``choices``."""
    value = body.get(name)
    if value is None:
        return None
    if value not in choices:
        raise bad(f"'{name}' must be one of {', '.join(choices)}, got {value!r}")
    return str(value)


def body_list(
    body: dict[str, Any],
    name: str,
    item: Callable[[Any, str], T],
    *,
    required: bool = False,
    min_items: int = 0,
) -> list[T] | None:
    """An optional list field; ``item(value, "name[i]")`` validates each element."""
    value = body.get(name)
    if value is None:
        if required:
            raise bad(f"'{name}' is required")
        return None
    if not isinstance(value, list):
        raise bad(f"'{name}' must be a list, got {_type_name(value)}")
    if len(value) < min_items:
        raise bad(f"'{name}' must have at least {min_items} item{'s' if min_items != 1 else ''}")
    return [item(element, f"{name}[{i}]") for i, element in enumerate(value)]


def reject_unknown(body: dict[str, Any], allowed: Sequence[str], what: str) -> None:
    """400 naming the first field of ``body`` that is not in ``allowed``."""
    for key in body:
        if key not in allowed:
            raise bad(f"Unknown {what} field '{key}' (allowed: {', '.join(allowed)})")
