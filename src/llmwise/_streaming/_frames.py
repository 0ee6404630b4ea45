"""Reading the fields of odd frames: error frames, and the values views and results are built from.

The rules these helpers implement are in the package docstring (`llmwise._streaming`). None of them
runs for an ordinary text chunk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Optional

from pydantic import ValidationError

from .._models import _read
from ..types.shared import ErrorEvent, Number

__all__ = [
    "says_error",
    "is_error_kind",
    "read_error_event",
    "frame_of",
    "error_text",
    "status_of",
    "flag_of",
    "int_or_none",
    "number_or_none",
    "str_or_none",
]

_NO_ERROR: tuple[Any, ...] = (None, False, "", {}, [])
# `in` compares with ==, so 0 and 0.0 (== False) say "no error" too.


def says_error(value: Any) -> bool:
    """Whether an `error` value reports an error: anything but null, false, 0, "" or an empty
    object or list (servers that send `"error": null` or `false` on every frame mean "none")."""
    return value is not None and value not in _NO_ERROR


def is_error_kind(kind: Any) -> bool:
    """Whether an `event` value names the error kind (`error`, in any case)."""
    return isinstance(kind, str) and kind.lower() == "error"


def read_error_event(data: Mapping[str, Any]) -> ErrorEvent:
    """The error event of a frame, whatever its fields hold (never raises, even in strict mode: a
    server's error report is raised as `ServerStreamError`, not as a validation error)."""
    try:
        event = ErrorEvent.model_validate(data)
    except ValidationError:
        event = _read(ErrorEvent, data)
    # The frame as sent, for the error's `body` (validation may have converted "true" to True).
    private = event.__pydantic_private__
    if private is None:
        object.__setattr__(event, "__pydantic_private__", {_FRAME: data})
    else:
        private[_FRAME] = data
    return event


_FRAME = "_llmwise_frame"


def frame_of(event: Any) -> Optional[Mapping[str, Any]]:
    """The frame an error event was read from (see `read_error_event`), if it was."""
    private = getattr(event, "__pydantic_private__", None)
    frame = private.get(_FRAME) if isinstance(private, dict) else None
    return frame if isinstance(frame, Mapping) else None


_MESSAGE_LIMIT = 1000


def error_text(value: Any) -> Optional[str]:
    """An error value as words: a string as is, an object's `message`, anything else as JSON text;
    None when it says nothing."""
    if not says_error(value):
        return None
    if isinstance(value, str):
        return value.strip()[:_MESSAGE_LIMIT] or None
    if isinstance(value, Mapping):
        message = value.get("message")
        if isinstance(message, str) and message.strip():
            return message.strip()[:_MESSAGE_LIMIT]
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        text = type(value).__name__
    return text[:_MESSAGE_LIMIT]


def status_of(*values: Any) -> Optional[int]:
    """The first value that is a status: an integer, an integral float or a string of digits."""
    for value in values:
        status = int_or_none(value)
        if status is not None:
            return status
    return None


def flag_of(value: Any) -> Optional[bool]:
    """A boolean sent as `true`/`false`, `"true"`/`"false"` or 1/0; None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("true", "1", "yes"):
            return True
        if word in ("false", "0", "no"):
            return False
    if type(value) is int and value in (0, 1):
        return bool(value)
    return None


def int_or_none(value: Any) -> Optional[int]:
    """An integer from an integer, an integral float or a short string of digits; else None."""
    if type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        digits = value.strip()
        # Short: a longer string is no status or count (and int() of a huge one is slow).
        if digits.isascii() and digits.isdigit() and len(digits) <= 18:
            return int(digits)
    return None


def number_or_none(value: Any) -> Optional[Number]:
    """A JSON number (not a boolean), else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


def str_or_none(value: Any) -> Optional[str]:
    """A string, else None."""
    return value if isinstance(value, str) else None
