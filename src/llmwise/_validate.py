"""Checks of a method's keyword arguments against its `*Params` TypedDict, before anything is sent.

A typo (`temprature=`) or a wrong type (`max_tokens="100"`) gets a `TypeError` that names the
argument, the expected type and what was given, instead of a confusing 400 from the server (or a
silently ignored field). Value ranges are left to the server, which owns them.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Literal, Union

from typing_extensions import NotRequired, Required, is_typeddict

__all__ = ["check_params"]


@cache
def _hints(td: type) -> tuple[dict[str, Any], frozenset[str]]:
    hints = typing.get_type_hints(td, include_extras=True)
    # `__required_keys__` misses `Required[...]` under postponed annotations: read the wrappers.
    required = set(getattr(td, "__required_keys__", ()))
    for key, hint in hints.items():
        origin = typing.get_origin(hint)
        if origin is Required:
            required.add(key)
        elif origin is NotRequired:
            required.discard(key)
    return hints, frozenset(required)


def check_params(where: str, params: Mapping[str, Any], td: type, *, extra_allowed: frozenset[str] = frozenset()) -> None:
    """Raise `TypeError` when `params` does not fit the TypedDict `td` (unknown, missing or mistyped)."""
    hints, required = _hints(td)
    for key, value in params.items():
        if key not in hints:
            if key in extra_allowed:
                continue
            close = difflib.get_close_matches(key, list(hints), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"{where}() got an unexpected keyword argument {key!r}.{hint}")
        if value is None:
            continue
        problem = _mismatch(value, hints[key])
        if problem:
            raise TypeError(f"{where}(): argument {key!r} {problem}")
    missing = [key for key in sorted(required) if params.get(key) is None]
    if missing:
        names = ", ".join(repr(k) for k in missing)
        raise TypeError(f"{where}() missing required keyword argument{'s' if len(missing) > 1 else ''}: {names}")


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (Required, NotRequired):
        return _describe(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(tp) if a is not type(None))
    if origin is Literal:
        return " or ".join(repr(a) for a in typing.get_args(tp))
    if origin is not None:
        return getattr(origin, "__name__", str(origin)).replace("Sequence", "list")
    if is_typeddict(tp):
        return f"dict ({tp.__name__})"
    return getattr(tp, "__name__", str(tp))


def _got(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _mismatch(value: Any, tp: Any) -> str | None:
    """None if `value` fits `tp`, else a phrase saying what was expected (pointing inside lists and dicts)."""
    if _fits(value, tp):
        return None
    inner = _unwrap(tp)
    origin = typing.get_origin(inner)
    args = typing.get_args(inner)
    if (origin in (list, Sequence) and args) and isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        for i, item in enumerate(value):
            problem = _mismatch(item, args[0])
            if problem:
                return f"item {i} {problem}"
    if is_typeddict(inner) and isinstance(value, Mapping):
        hints, required = _hints(inner)
        missing = [k for k in sorted(required) if k not in value]
        if missing:
            return f"must be a dict with {', '.join(repr(k) for k in missing)} (a {inner.__name__}), got {_got(value)}"
        for k, v in value.items():
            if k in hints and v is not None:
                problem = _mismatch(v, hints[k])
                if problem:
                    return f"key {k!r} {problem}"
    return f"must be {_describe(tp)}, got {_got(value)}"


def _unwrap(tp: Any) -> Any:
    """The single non-None member of an Optional / Required wrapper, else `tp`."""
    origin = typing.get_origin(tp)
    if origin in (Required, NotRequired):
        return _unwrap(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return tp


def _fits(value: Any, tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if origin in (Required, NotRequired):
        return _fits(value, typing.get_args(tp)[0])
    if tp is Any or tp is object:
        return True
    if origin in (Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if origin is Literal:
        # Servers grow their vocabularies: check the kind of value, leave the value to the server.
        return any(isinstance(value, type(arg)) for arg in typing.get_args(tp))
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp in (str, bool):
        return isinstance(value, tp)
    if is_typeddict(tp):
        if not isinstance(value, Mapping):
            return False
        hints, required = _hints(tp)
        if any(k not in value for k in required):
            return False
        return all(_fits(v, hints[k]) for k, v in value.items() if k in hints and v is not None)
    if origin in (list, Sequence, typing.Sequence) or tp in (list, Sequence):
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            return False
        args = typing.get_args(tp)
        return not args or all(_fits(v, args[0]) for v in value)
    if origin in (dict, Mapping, typing.Mapping) or tp in (dict, Mapping):
        if not isinstance(value, Mapping):
            return False
        args = typing.get_args(tp)
        return not args or all(_fits(k, args[0]) and _fits(v, args[1]) for k, v in value.items())
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True
