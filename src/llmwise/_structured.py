"""Typed answers (structured output), the parts without I/O: the schema instruction, reading the JSON
out of an answer, validating it, the repair turn, and building the results.

The LLMWise API has no `response_format`: the SDK asks for the format itself, for any model.

1. **The instruction.** A system message is added to the conversation (after the caller's own
   leading system messages, or first) asking for one JSON value valid against the JSON Schema of the
   `response_format` type. The schema sits between the markers `<llmwise:json-schema>` and
   `</llmwise:json-schema>` (`SCHEMA_OPEN`, `SCHEMA_CLOSE`): a stable, documented marker, by which a
   server or a test double (the built-in sandbox does) can tell a structured request and read its
   schema. The caller's messages are never changed.
2. **Reading the answer.** The JSON is taken from the answer as it comes: the whole answer when it is
   JSON; else the first Markdown code block (one labelled `json` first); else the first balanced
   `{...}` or `[...]` that parses (else the first one, so the error says why it does not). An answer
   without any is reported as `json_not_found`.
3. **Validation** is pydantic's (`TypeAdapter(response_format).validate_json`), in its default (lax)
   mode. Problems are kept as `OutputIssue`s: where, pydantic's message and error type, never the
   offending value.
4. **Repair turns.** When the answer does not validate, the SDK sends the same conversation again
   (instruction included) plus the model's previous answer (as an assistant message) and a user
   message listing the problems, and asks for the corrected JSON only: at most `max_repairs` times
   (default 1). Each turn is a chat call to the model that answered, billed as any chat call. Nothing
   of the SDK's own (keys, headers, settings) is ever put in these messages. When no answer
   validates, `StructuredOutputError` is raised with the last answer's text, its problems and every
   attempt: an unvalidated object is never returned.

The calls themselves are in `llmwise._structured_calls`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Optional, TypeVar, Union, cast

from pydantic import TypeAdapter, ValidationError
from pydantic_core import from_json

from ._models import BaseModel, _loc_path
from .types.structured import AttemptKind, OutputIssue, ParseAttempt, PartialObjectEvent, total_credits

if TYPE_CHECKING:
    from ._exceptions import StructuredOutputError
    from .types.shared import MessageParam

__all__ = [
    "SCHEMA_OPEN",
    "SCHEMA_CLOSE",
    "ResponseFormat",
    "OutputFormat",
    "Checked",
    "output_format",
    "extract_json",
    "with_instruction",
    "repair_messages",
    "check_max_repairs",
    "attempt_of",
    "extend",
    "PartialJSON",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

SCHEMA_OPEN = "<llmwise:json-schema>"
"""Opens the JSON Schema in the SDK's instruction (see the module docstring)."""
SCHEMA_CLOSE = "</llmwise:json-schema>"
"""Closes the JSON Schema in the SDK's instruction."""

ResponseFormat = Union[type[T], TypeAdapter[T]]
"""What `parse()` accepts as `response_format`: a pydantic model (or any type pydantic can validate,
such as `list[Invoice]`), or a `TypeAdapter` (for unions: `TypeAdapter(Refund | Invoice)`)."""

INSTRUCTION = (
    "Answer with one JSON value that is valid against the JSON Schema below. Write only the JSON: "
    "no explanation, no Markdown code fence.\n{open}\n{schema}\n{close}"
)
"""The text of the instruction: the markers appear once each, around the schema."""

_MAX_ISSUES = 20
"""Problems listed in a repair turn (and in an error message's detail) at most."""

_MAX_ECHO = 20_000
"""Characters of a previous answer sent back in a repair turn at most."""


@dataclass
class Checked(Generic[T]):
    """The reading of one answer: the validated value, or why there is none."""

    value: Optional[T] = None
    issues: list[OutputIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


class OutputFormat(Generic[T]):
    """A `response_format` made ready: its `TypeAdapter`, JSON Schema and name."""

    __slots__ = ("adapter", "name", "schema", "schema_text")

    def __init__(self, response_format: ResponseFormat[T]) -> None:
        if isinstance(response_format, TypeAdapter):
            adapter: TypeAdapter[T] = response_format
        else:
            adapter = TypeAdapter(response_format)
        self.adapter: TypeAdapter[T] = adapter
        self.schema: dict[str, Any] = adapter.json_schema()
        self.schema_text: str = json.dumps(self.schema, ensure_ascii=False, separators=(",", ":"))
        name = getattr(response_format, "__name__", None)
        if not isinstance(name, str):
            title = self.schema.get("title")
            name = title if isinstance(title, str) else str(getattr(adapter, "_type", "the schema"))
        self.name: str = name

    def instruction(self) -> MessageParam:
        """The system message asking for this format."""
        text = INSTRUCTION.format(open=SCHEMA_OPEN, schema=self.schema_text, close=SCHEMA_CLOSE)
        return {"role": "system", "content": text}

    def check(self, text: Optional[str]) -> Checked[T]:
        """Read and validate an answer's text."""
        candidate = extract_json(text if isinstance(text, str) else "")
        if candidate is None:
            return Checked(issues=[OutputIssue(path="", message="The answer holds no JSON value.", type="json_not_found")])
        try:
            value = self.adapter.validate_json(candidate)
        except ValidationError as exc:
            return Checked(issues=issues_of(exc))
        return Checked(value=value)


_FORMATS: dict[Any, OutputFormat[Any]] = {}


def output_format(response_format: ResponseFormat[T]) -> OutputFormat[T]:
    """`OutputFormat(response_format)`, cached: building a `TypeAdapter` and its schema is costly."""
    if not isinstance(response_format, TypeAdapter) and not _is_type_like(response_format):
        raise TypeError(
            "response_format must be a type (a pydantic model, list[Model], ...) or a pydantic "
            f"TypeAdapter, got {type(response_format).__name__}"
        )
    try:
        cached = _FORMATS.get(response_format)
    except TypeError:  # unhashable
        return OutputFormat(response_format)
    if cached is None:
        cached = OutputFormat(response_format)
        if len(_FORMATS) >= 256:
            _FORMATS.clear()
        _FORMATS[response_format] = cached
    return cast(OutputFormat[T], cached)


def _is_type_like(value: Any) -> bool:
    # Classes, and the forms pydantic validates that are not classes: `list[X]`, `X | None`,
    # `Annotated[...]`, `Literal[...]`, TypedDicts.
    import typing

    return isinstance(value, type) or typing.get_origin(value) is not None


def issues_of(exc: ValidationError) -> list[OutputIssue]:
    """pydantic's errors as `OutputIssue`s (without the input values)."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    return [OutputIssue(path=_loc_path(tuple(e["loc"])), message=e["msg"], type=e["type"]) for e in errors]


def describe_issues(issues: Sequence[OutputIssue], limit: int = 5) -> str:
    """`path: message; ...` for an error message."""
    parts = [str(issue) for issue in issues[:limit]]
    if len(issues) > limit:
        parts.append(f"... and {len(issues) - limit} more")
    return "; ".join(parts)


# --- reading the JSON out of an answer -------------------------------------------------------------

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+.-]*)[^\n]*\n(.*?)(?:\n[ \t]*```|\Z)", re.S)
_OPENERS = "{["
_MAX_STARTS = 32


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def extract_json(text: str) -> Optional[str]:
    """The JSON text in an answer: the whole answer, a fenced block, or the first balanced object or
    array (see the module docstring); None when there is none."""
    stripped = text.strip()
    if not stripped:
        return None
    if _parses(stripped):
        return stripped
    blocks = [(m.group(1).lower(), m.group(2).strip()) for m in _FENCE.finditer(text)]
    for lang, body in blocks:
        if lang == "json" and body:
            return body
    for _, body in blocks:
        if body[:1] in _OPENERS:
            return body
    first: Optional[str] = None
    starts = 0
    for index, char in enumerate(text):
        if char not in _OPENERS:
            continue
        end = balanced_end(text, index)
        candidate = text[index:end] if end is not None else text[index:]
        if first is None:
            first = candidate
        if end is not None and _parses(candidate):
            return candidate
        starts += 1
        if starts >= _MAX_STARTS or end is None:
            break
    return first


def balanced_end(text: str, start: int) -> Optional[int]:
    """The index just past the object or array opening at `start`, or None when it is not closed
    (brackets inside strings do not count)."""
    depth = 0
    in_string = False
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


# --- the conversation --------------------------------------------------------------------------------


def with_instruction(messages: Sequence[MessageParam], fmt: OutputFormat[Any]) -> list[MessageParam]:
    """A copy of `messages` with the schema instruction after the leading system messages."""
    out = list(messages)
    at = 0
    while at < len(out) and isinstance(out[at], Mapping) and out[at].get("role") == "system":
        at += 1
    out.insert(at, fmt.instruction())
    return out


def repair_text(issues: Sequence[OutputIssue]) -> str:
    """The user message of a repair turn: what was wrong with the previous answer."""
    kinds = {issue.type for issue in issues}
    if "json_not_found" in kinds:
        reason = "it holds no JSON value."
    elif "json_invalid" in kinds:
        reason = "it is not valid JSON."
    else:
        reason = "it does not match the JSON Schema."
    lines = [f"Your previous answer could not be used: {reason}"]
    lines += [f"- {issue}" for issue in issues[:_MAX_ISSUES]]
    if len(issues) > _MAX_ISSUES:
        lines.append(f"- ... and {len(issues) - _MAX_ISSUES} more")
    lines.append(
        "Answer again with only the corrected JSON value, valid against the JSON Schema given "
        "in the instructions."
    )
    return "\n".join(lines)


def repair_messages(
    messages: Sequence[MessageParam], previous: Optional[str], issues: Sequence[OutputIssue]
) -> list[MessageParam]:
    """The conversation of a repair turn: `messages` (instruction included), the model's previous
    answer, and what was wrong with it."""
    answer = previous if isinstance(previous, str) and previous.strip() else "(an empty answer)"
    if len(answer) > _MAX_ECHO:
        answer = answer[:_MAX_ECHO] + " [...]"
    return [
        *messages,
        {"role": "assistant", "content": answer},
        {"role": "user", "content": repair_text(issues)},
    ]


def check_max_repairs(value: object) -> int:
    """`max_repairs` when it is an integer >= 0; else a `ValueError` (before anything is sent)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"max_repairs must be an integer >= 0, got {value!r}")
    return value


def repair_options(options: Mapping[str, Any], attempt: int) -> dict[str, Any]:
    """The request options of repair turn `attempt`: an `idempotency_key` given for the call would
    replay the first answer, so each turn gets its own (`<key>-repair<n>`)."""
    out = dict(options)
    key = out.get("idempotency_key")
    if isinstance(key, str) and attempt > 0:
        out["idempotency_key"] = f"{key}-repair{attempt}"
    return out


# --- results ---------------------------------------------------------------------------------------


def attempt_of(
    source: Any, checked: Checked[Any], kind: AttemptKind, *, model: Optional[str] = None, charged: bool = True
) -> ParseAttempt:
    """The record of one answer read (`source` is the completion, compare response or blend result)."""
    content = getattr(source, "content", None)
    credits = getattr(source, "credits_charged", None) if charged else None
    request_id = getattr(source, "id", None)
    return ParseAttempt.model_construct(
        kind=kind,
        model=model if model is not None else _model_of(source),
        request_id=request_id if isinstance(request_id, (str, int)) else None,
        content=content if isinstance(content, str) else None,
        issues=list(checked.issues),
        credits_charged=credits if isinstance(credits, (int, float)) and not isinstance(credits, bool) else None,
    )


def _model_of(source: Any) -> Optional[str]:
    for name in ("resolved_model", "model", "synthesizer"):
        value = getattr(source, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def extend(cls: type[M], base: BaseModel, **fields: Any) -> M:
    """`cls` (a subclass of `base`'s class, or a model with its fields) holding `base`'s fields and
    extras plus `fields`, unvalidated: everything in it was validated already."""
    data = {**(base.__pydantic_extra__ or {}), **base.__dict__, **fields}
    obj = cast(M, cls.model_construct(_fields_set=set(base.model_fields_set) | set(fields), **data))
    issues = base.response_issues
    if issues:
        obj._set_issues(list(issues))
    return obj


def structured_error(
    fmt: OutputFormat[Any], attempts: list[ParseAttempt], issues: list[OutputIssue], first_charge: Any = None
) -> StructuredOutputError:
    """The error for answers that never validated."""
    from ._exceptions import StructuredOutputError

    last = attempts[-1] if attempts else None
    model = last.model if last is not None else None
    count = len(attempts)
    message = (
        f"{model or 'The model'} did not answer with a valid {fmt.name} in {count} attempt"
        f"{'s' if count != 1 else ''}: {describe_issues(issues)}"
    )
    return StructuredOutputError(
        message,
        raw_text=last.content if last is not None and last.content is not None else "",
        issues=issues,
        attempts=attempts,
        model=model,
        total_credits_charged=total_credits(first_charge, attempts),
    )


# --- partial objects while streaming ---------------------------------------------------------------

def partial_json_text(text: str) -> Optional[str]:
    """The part of a growing answer that is (the start of) its JSON: inside a code fence when one has
    opened, else from the first `{` or `[`; cut after the value once it is complete."""
    fence = text.find("```")
    if fence >= 0:
        newline = text.find("\n", fence)
        if newline < 0:
            return None
        body = text[newline + 1 :]
        close = body.find("```")
        if close >= 0:
            body = body[:close]
        text = body
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return None
    start = min(starts)
    end = balanced_end(text, start)
    return text[start:end] if end is not None else text[start:]


class PartialJSON:
    """Follows a streamed answer and gives its JSON value so far each time it grows (pydantic's
    partial JSON parsing: unfinished strings, arrays and objects as far as they go)."""

    __slots__ = ("_text", "json_text", "value")

    def __init__(self) -> None:
        self._text = ""
        self.json_text = ""
        self.value: Any = None

    def update(self, text: str) -> Optional[PartialObjectEvent]:
        """The event to yield when `text` (the answer so far) changed the value, else None."""
        if text == self._text:
            return None
        if not text.startswith(self._text):
            # Another answer started (failover moved to the next model): read it from its start.
            self.json_text = ""
        self._text = text
        json_text = partial_json_text(text)
        if json_text is None or json_text == self.json_text:
            return None
        try:
            value = from_json(json_text, allow_partial="trailing-strings")
        except ValueError:
            return None
        self.json_text = json_text
        if value == self.value:
            return None
        self.value = value
        return PartialObjectEvent(partial=value, json_text=json_text)
