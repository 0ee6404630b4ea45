"""The base class of every response model, and the SDK's policy for reading what the server sends.

The policy: **the server is the authority on shapes.** A response is validated against its model;
when a value does not fit (a field retyped, nulled, or an object where a string was assumed), the
object is kept anyway:

- every other field is validated as usual (nested objects are repaired the same way, one level at
  a time, so one odd score does not cost the rest of a verdict);
- the field that did not fit keeps the raw value the server sent;
- the problem is recorded on the object, `obj.response_issues` (a list of `ResponseIssue`, with the
  path of the field, never its value), and logged once at WARNING on the `llmwise` logger.

Only bodies with no usable shape raise (`APIResponseValidationError`): not JSON, a top-level value of
the wrong kind (a string where an object belongs), a list endpoint with no list anywhere.

Strict mode (`LLMWise(strict_responses=True)`, or `LLMWISE_STRICT_RESPONSES=1` in the environment)
raises `APIResponseValidationError` on every mismatch instead; the SDK's own test suite runs strict,
so the built-in sandbox cannot drift from the models unnoticed. Validation errors never quote the
values they complain about (a value may be a secret, such as a freshly generated API key).
"""

from __future__ import annotations

import json
import logging
import threading
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, Union, cast

import pydantic
from pydantic import AliasChoices, ConfigDict, ValidationError

from ._types import STRICT_RESPONSES  # defined there, without pydantic

if TYPE_CHECKING:
    from typing_extensions import Self

M = TypeVar("M", bound="BaseModel")

__all__ = [
    "BaseModel",
    "ResponseIssue",
    "STRICT_RESPONSES",
    "describe_validation_error",
    "read_model",
]

log = logging.getLogger("llmwise")

_MISSING = object()


class ResponseIssue:
    """One value of a response that did not fit the SDK's model: where, and what was wrong.

    The value itself is not repeated here (it may be a secret); it is still on the object, in the
    field at `path`, exactly as the server sent it.
    """

    __slots__ = ("got", "message", "path")

    def __init__(self, path: str, message: str, got: str) -> None:
        self.path = path
        """Where the value is, from the object the issue is recorded on: `verdict.scores[0].score`."""
        self.message = message
        """What the SDK expected (pydantic's message, without the value)."""
        self.got = got
        """The JSON type of what arrived: `str`, `int`, `dict`, `list`, `NoneType`, or `missing`."""

    def prefixed(self, prefix: str) -> ResponseIssue:
        """The same issue seen from a parent object (`prefix` is the path to this object)."""
        if not prefix:
            return self
        joined = prefix + self.path if self.path.startswith("[") else f"{prefix}.{self.path}"
        return ResponseIssue(joined, self.message, self.got)

    def __str__(self) -> str:
        return f"{self.path}: {self.message} (got {self.got})"

    def __repr__(self) -> str:
        return f"ResponseIssue(path={self.path!r}, message={self.message!r}, got={self.got!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResponseIssue):
            return NotImplemented
        return (self.path, self.message, self.got) == (other.path, other.message, other.got)

    __hash__ = None  # type: ignore[assignment]


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def describe_validation_error(exc: ValidationError, *, limit: int = 5) -> str:
    """pydantic's errors as `path: message` lines, without the input values pydantic quotes."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    parts = [f"{_loc_path(tuple(e['loc'])) or '(body)'}: {e['msg']}" for e in errors[:limit]]
    if len(errors) > limit:
        parts.append(f"... and {len(errors) - limit} more")
    return "; ".join(parts)


def _json_type(value: Any) -> str:
    return "missing" if value is _MISSING else type(value).__name__


# --- logging, once per kind of problem -------------------------------------------------------------

_logged: set[tuple[str, str]] = set()
_logged_lock = threading.Lock()
_LOG_LIMIT = 512


def _warn_once(cls: type, issues: list[ResponseIssue]) -> None:
    fresh = []
    with _logged_lock:
        for issue in issues:
            key = (cls.__name__, issue.path)
            if key not in _logged and len(_logged) < _LOG_LIMIT:
                _logged.add(key)
                fresh.append(issue)
    if fresh:
        log.warning(
            "The server's %s did not fit the SDK's model in %d place(s); kept as sent (see "
            ".response_issues): %s",
            cls.__name__,
            len(issues),
            "; ".join(str(issue) for issue in fresh),
        )


# --- the repair of a value that did not validate ---------------------------------------------------


def _args(annotation: Any) -> tuple[Any, ...]:
    return typing.get_args(annotation)


def _is_union(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return origin is Union or (hasattr(types, "UnionType") and origin is types.UnionType)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The one response model an annotation holds (`M`, `Optional[M]`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if _is_union(annotation):
        models = [a for a in _args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(models) == 1:
            return models[0]
    return None


def _container_of_models(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """`("list", M)` for `list[M]` / `Optional[list[M]]`, `("dict", M)` for `dict[str, M]`."""
    candidates = _args(annotation) if _is_union(annotation) else (annotation,)
    for candidate in candidates:
        origin = typing.get_origin(candidate)
        args = _args(candidate)
        if origin is list and args:
            model = _model_in(args[0])
            if model is not None:
                return "list", model
        if origin is dict and len(args) == 2:
            model = _model_in(args[1])
            if model is not None:
                return "dict", model
    return None


def _repair_value(annotation: Any, raw: Any, path: str, message: str) -> tuple[Any, list[ResponseIssue], bool]:
    """A value that failed validation, made as usable as possible.

    Returns the value to keep, the issues found, and whether that value is now valid for the field
    (a repaired model, or a list / dict of them): then it can be validated with the rest.
    """
    model = _model_in(annotation)
    if model is not None and isinstance(raw, Mapping):
        obj = _read(model, raw)
        return obj, [i.prefixed(path) for i in obj.response_issues], True
    container = _container_of_models(annotation)
    if container is not None:
        kind, item_model = container
        if kind == "list" and isinstance(raw, list):
            items: list[Any] = []
            issues: list[ResponseIssue] = []
            valid = True
            for i, item in enumerate(raw):
                if isinstance(item, Mapping):
                    obj = _read(item_model, item)
                    items.append(obj)
                    issues.extend(x.prefixed(f"{path}[{i}]") for x in obj.response_issues)
                else:
                    items.append(item)
                    valid = False
                    issues.append(ResponseIssue(f"{path}[{i}]", f"expected an object ({item_model.__name__})", _json_type(item)))
            return items, issues, valid
        if kind == "dict" and isinstance(raw, Mapping):
            values: dict[Any, Any] = {}
            issues = []
            valid = True
            for key, item in raw.items():
                if isinstance(item, Mapping):
                    obj = _read(item_model, item)
                    values[key] = obj
                    issues.extend(x.prefixed(f"{path}.{key}") for x in obj.response_issues)
                else:
                    values[key] = item
                    valid = False
                    issues.append(ResponseIssue(f"{path}.{key}", f"expected an object ({item_model.__name__})", _json_type(item)))
            return values, issues, valid
    return raw, [ResponseIssue(path, message, _json_type(raw))], False


_KEYS: dict[type, dict[str, str]] = {}


def _field_keys(cls: type[BaseModel]) -> dict[str, str]:
    """Every key a field of `cls` is read from (name, alias, alias choices) -> the field's name."""
    keys = _KEYS.get(cls)
    if keys is None:
        keys = {}
        for name, info in cls.model_fields.items():
            keys[name] = name
            if info.alias:
                keys[info.alias] = name
            choices = info.validation_alias
            if isinstance(choices, AliasChoices):
                for choice in choices.choices:
                    if isinstance(choice, str):
                        keys[choice] = name
            elif isinstance(choices, str):
                keys[choices] = name
        _KEYS[cls] = keys
    return keys


def _read(cls: type[M], data: Mapping[str, Any]) -> M:
    """`cls` from a JSON object, by the policy above (never raises for a mapping)."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        return _repair(cls, data, exc)


def _repair(cls: type[M], data: Mapping[str, Any], exc: ValidationError) -> M:
    keys = _field_keys(cls)
    fields = cls.model_fields
    cleaned = dict(data)
    kept_raw: dict[str, Any] = {}
    issues: list[ResponseIssue] = []
    for attempt in range(3):  # another round only when removing values made a required one missing
        seen: set[str] = set()
        for error in exc.errors(include_url=False, include_input=False, include_context=False):
            loc = tuple(error["loc"])
            if not loc or not isinstance(loc[0], str) or loc[0] in seen:
                if not loc:
                    issues.append(ResponseIssue("(object)", error["msg"], "dict"))
                continue
            key = loc[0]
            seen.add(key)
            name = keys.get(key)
            if key not in cleaned:
                issues.append(ResponseIssue(key, error["msg"], "missing"))
                continue
            raw = cleaned.pop(key)
            if name is None:
                kept_raw[key] = raw
                issues.append(ResponseIssue(_loc_path(loc), error["msg"], _json_type(raw)))
                continue
            value, found, valid = _repair_value(fields[name].annotation, raw, key, error["msg"])
            issues.extend(found)
            if valid:
                cleaned[key] = value
            else:
                kept_raw[name] = value
        try:
            obj = cls.model_validate(cleaned)
            break
        except ValidationError as again:
            if all(e["type"] == "missing" for e in again.errors()) or attempt == 2:
                # A required field is absent (or nothing else helps): keep what there is, unchecked.
                obj = cast(M, cls.model_construct(**cleaned))
                break
            exc = again
    state = obj.__dict__
    fields_set = obj.__pydantic_fields_set__
    extra = obj.__pydantic_extra__
    for name, value in kept_raw.items():
        if name in fields:
            state[name] = value
            fields_set.add(name)
        elif extra is not None:
            extra[name] = value
    obj._set_issues(issues)
    return obj


def read_model(cls: type[M], data: Any) -> M:
    """`cls` from a response body, by the SDK's reading policy (see the module docstring).

    Raises `APIResponseValidationError` when the body has no usable shape, and in strict mode on
    any value that does not fit.
    """
    try:
        obj = cls.model_validate(data)
    except ValidationError as exc:
        if STRICT_RESPONSES.get() or not isinstance(data, Mapping):
            from ._exceptions import APIResponseValidationError

            what = "does not fit" if isinstance(data, Mapping) else f"is a JSON {_json_kind(data)}, not an object:"
            raise APIResponseValidationError(
                f"The server's response {what} {cls.__name__}: {describe_validation_error(exc)}",
                body=data,
                errors=exc.errors(include_url=False, include_input=False, include_context=False),
            ) from None
        obj = _repair(cls, data, exc)
        _warn_once(cls, obj.response_issues)
    if cls._keep_raw and isinstance(data, Mapping):
        obj._set_private("_llmwise_raw", data)
    return obj


def _json_kind(data: Any) -> str:
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "boolean"
    if isinstance(data, (int, float)):
        return "number"
    if isinstance(data, str):
        return "string"
    if isinstance(data, list):
        return "array"
    return type(data).__name__


class BaseModel(pydantic.BaseModel):
    """A validated API object.

    Fields the SDK does not know yet are kept (reachable as attributes and through `to_dict()`), so
    a newer server never breaks an older SDK. A value of another shape than the SDK assumed is kept
    as sent and listed in `response_issues`. Read-only mapping access (`obj["content"]`,
    `obj.get("delta")`) returns what the server sent under that key, for code written against the
    0.1 client's dicts.
    """

    _keep_raw: ClassVar[bool] = True
    """Keep the JSON object a response was read from, for dict-style reads (stream events do not:
    a stream may have a hundred thousand of them, and their fields are what was sent)."""

    # defer_build: schemas are built on first use, which keeps `import llmwise` light.
    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        defer_build=True,
    )

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Build this model from what the API sent, by the SDK's reading policy: a value that does
        not fit is kept as sent and listed in `response_issues` (strict mode raises instead)."""
        return read_model(cls, data)

    @property
    def response_issues(self) -> list[ResponseIssue]:
        """Values of this object (and the objects in it) that did not fit the SDK's model and were
        kept as the server sent them; empty for a response of the expected shape."""
        private = self.__pydantic_private__
        if private is None:
            return []
        issues: list[ResponseIssue] = private.get("_llmwise_issues", [])
        return issues

    def _set_issues(self, issues: list[ResponseIssue]) -> None:
        if issues:
            self._set_private("_llmwise_issues", issues)

    def _set_private(self, key: str, value: Any) -> None:
        # Not declared PrivateAttrs: those would cost every instance (every stream event) a dict.
        private = self.__pydantic_private__
        if private is None:
            object.__setattr__(self, "__pydantic_private__", {key: value})
        else:
            private[key] = value

    def to_dict(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """The object as plain JSON-compatible data, with the server's field names."""
        private = self.__pydantic_private__
        if private and "_llmwise_issues" in private:
            # Values kept as the server sent them would make pydantic warn when serialising.
            plain: dict[str, Any] = _plain(self, exclude_none)
            return plain
        dumped: dict[str, Any] = self.model_dump(
            mode="json", by_alias=True, exclude_unset=True, exclude_none=exclude_none
        )
        return dumped

    def to_json(self, *, indent: int | None = 2) -> str:
        """The object as a JSON string, with the server's field names."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)

    # --- read-only dict access, for 0.1-era code -------------------------------------------------

    def _lookup(self, key: str) -> Any:
        # Like the 0.1 client's dicts: the value the server sent under `key`, exactly (a timestamp
        # as the string or number it came as, a nested object as a dict), when the object was read
        # from a response. Otherwise (built by a stream from its events) a key is there when it was
        # set, and an alias choice answers only under the key that was used.
        private = self.__pydantic_private__
        if private:
            raw = private.get("_llmwise_raw")
            if raw is not None:
                return raw.get(key, _MISSING)
        fields = type(self).model_fields
        sent = self.__pydantic_fields_set__
        if key in fields:
            return getattr(self, key) if key in sent else _MISSING
        for name, info in fields.items():
            if info.alias == key:
                return getattr(self, name) if name in sent else _MISSING
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
        """The keys the server sent (for an object a stream built: the fields it set)."""
        private = self.__pydantic_private__
        raw = private.get("_llmwise_raw") if private else None
        return list(raw) if raw is not None else list(self.to_dict().keys())

    def values(self) -> list[Any]:
        """The values of `keys()`, as `obj[key]` gives them."""
        return [self._lookup(key) for key in self.keys()]

    def items(self) -> list[tuple[str, Any]]:
        """`(key, value)` pairs of `keys()`, like `dict.items()`."""
        return [(key, self._lookup(key)) for key in self.keys()]

    def __len__(self) -> int:
        return len(self.keys())


def _plain(value: Any, exclude_none: bool) -> Any:
    """JSON-compatible data of a model holding raw values (where `model_dump` would warn)."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        fields_set = value.model_fields_set
        out: dict[str, Any] = {}
        for name in fields:
            if name not in fields_set:
                continue
            item = value.__dict__.get(name)
            if exclude_none and item is None:
                continue
            out[fields[name].alias or name] = _plain(item, exclude_none)
        for key, item in (value.__pydantic_extra__ or {}).items():
            if not (exclude_none and item is None):
                out[key] = _plain(item, exclude_none)
        return out
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=exclude_none)
    if isinstance(value, Mapping):
        return {k: _plain(v, exclude_none) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, exclude_none) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return pydantic.TypeAdapter(Any).dump_python(value, mode="json")
