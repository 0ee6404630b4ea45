"""Checks of a method's keyword arguments against its `*Params` TypedDict, before anything is sent.

A typo (`temprature=`) or a wrong type (`max_tokens="100"`) gets a `TypeError` that names the
argument, the expected type and what was given, instead of a confusing 400 from the server (or a
silently ignored field). Value ranges are left to the server, which owns them.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, Literal, Union

from typing_extensions import NotRequired, Required, is_typeddict

__all__ = ["check_params"]


@cache
def _hints(td: type) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The type hints of a TypedDict and its required keys (sorted)."""
    hints = typing.get_type_hints(td, include_extras=True)
    # `__required_keys__` misses `Required[...]` under postponed annotations: read the wrappers.
    required = set(getattr(td, "__required_keys__", ()))
    for key, hint in hints.items():
        origin = typing.get_origin(hint)
        if origin is Required:
            required.add(key)
        elif origin is NotRequired:
            required.discard(key)
    return hints, tuple(sorted(required))


def check_params(where: str, params: Mapping[str, Any], td: type, *, extra_allowed: frozenset[str] = frozenset()) -> None:
    """Raise `TypeError` when `params` does not fit the TypedDict `td` (unknown, missing or mistyped)."""
    hints, required = _hints(td)
    checks = _key_checks(td)
    for key, value in params.items():
        check = checks.get(key)
        if check is None:
            if key in extra_allowed:
                continue
            close = difflib.get_close_matches(key, list(hints), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"{where}() got an unexpected keyword argument {key!r}.{hint}")
        if value is None or check(value):
            continue
        problem = _mismatch(value, hints[key])
        if problem:
            raise TypeError(f"{where}(): argument {key!r} {problem}")
    missing = [key for key in required if params.get(key) is None]
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
        missing = [k for k in required if k not in value]
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
    """Whether `value` fits the type `tp` (its check is compiled once per type, see `_compile`)."""
    return _checker(tp)(value)


# check_params runs on every call of every method: reading the types with typing.get_origin /
# get_args each time cost ~15 us per chat.create(). Each type's check is now built once, and each
# TypedDict's checks are found by the class (typing objects hash slowly, classes by identity).
_Check = Callable[[Any], bool]
_CHECKS: dict[Any, _Check] = {}


@cache
def _key_checks(td: type) -> dict[str, _Check]:
    """The check of each key of a TypedDict."""
    hints, _ = _hints(td)
    return {key: _checker(hint) for key, hint in hints.items()}


def _checker(tp: Any) -> _Check:
    try:
        return _CHECKS[tp]
    except KeyError:
        check = _CHECKS[tp] = _compile(tp)
        return check
    except TypeError:  # an unhashable annotation (Annotated with a dict, say): not cached
        return _compile(tp)


def _anything(value: Any) -> bool:
    return True


def _is_none(value: Any) -> bool:
    return value is None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _compile(tp: Any) -> _Check:
    """The check of `tp`, equivalent to reading it afresh for every value (a TypedDict's None values pass)."""
    origin = typing.get_origin(tp)
    if origin in (Required, NotRequired):
        return _checker(typing.get_args(tp)[0])
    if tp is Any or tp is object:
        return _anything
    if origin in (Union, types.UnionType):
        members = tuple(_checker(arg) for arg in typing.get_args(tp))

        def check_union(value: Any) -> bool:
            # A loop rather than any(...): no generator to create on every check.
            for member in members:  # noqa: SIM110
                if member(value):
                    return True
            return False

        return check_union
    if tp is type(None):
        return _is_none
    if origin is Literal:
        # Servers grow their vocabularies: check the kind of value, leave the value to the server.
        kinds = tuple(type(arg) for arg in typing.get_args(tp))
        return lambda value: isinstance(value, kinds)
    if tp is float:
        return _is_number
    if tp is int:
        return _is_int
    if tp in (str, bool):
        return lambda value: isinstance(value, tp)
    if is_typeddict(tp):
        # Its hints and its keys' checks are read on first use (and cached), so a TypedDict that
        # refers to itself compiles.
        def check_typeddict(value: Any) -> bool:
            if not isinstance(value, Mapping):
                return False
            for k in _hints(tp)[1]:
                if k not in value:
                    return False
            checks = _key_checks(tp)
            for k, v in value.items():
                if v is not None:
                    check = checks.get(k)
                    if check is not None and not check(v):
                        return False
            return True

        return check_typeddict
    if origin in (list, Sequence, typing.Sequence) or tp in (list, Sequence):
        args = typing.get_args(tp)
        item = _checker(args[0]) if args else None

        def check_sequence(value: Any) -> bool:
            if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
                return False
            if item is not None:
                for v in value:
                    if not item(v):
                        return False
            return True

        return check_sequence
    if origin in (dict, Mapping, typing.Mapping) or tp in (dict, Mapping):
        args = typing.get_args(tp)
        key = _checker(args[0]) if args else None
        val = _checker(args[1]) if args else None

        def check_mapping(value: Any) -> bool:
            if not isinstance(value, Mapping):
                return False
            return key is None or val is None or all(key(k) and val(v) for k, v in value.items())

        return check_mapping
    if isinstance(tp, type):
        return lambda value: isinstance(value, tp)
    return _anything
