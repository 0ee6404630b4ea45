"""Structured output in the sandbox: a model asked for JSON by the SDK's schema instruction answers
deterministic JSON valid for the schema; a scripted fault makes answers invalid.

* **Recognising the request.** The SDK's `parse()` methods add a system message carrying a JSON
  Schema between ``<llmwise:json-schema>`` and ``</llmwise:json-schema>`` (see
  ``llmwise._structured``). When any system message of a request holds the markers (the last one
  wins) and the schema between them is a JSON object, every model of the request (chat, compare
  models, blend sources and synthesizer, judge contestants) answers JSON for it, unless a scripted
  reply or ``set_model(text=...)`` says otherwise. The answer is streamed in the usual 3-word deltas.
* **The JSON** is a pure function of the model, the request's variant (blend layer, sample,
  synthesis), the schema and the first user message's text (so a repair turn, which appends
  messages, answers what a clean first answer would have). What it covers: ``type`` (one or a list),
  ``properties`` (all of them, required or not), ``additionalProperties`` maps, ``items`` /
  ``prefixItems`` with ``minItems`` / ``maxItems``, ``enum``, ``const``, ``$ref`` into ``$defs`` /
  ``definitions``, ``anyOf`` / ``oneOf`` (the first branch that is not ``null``), ``allOf``
  (merged), ``minimum`` / ``maximum`` (and exclusive), ``minLength`` / ``maxLength``, and
  ``format`` ``date``, ``date-time``, ``time``, ``email``, ``uri``, ``uuid``, ``ipv4``. Not
  ``pattern``, ``multipleOf`` or ``uniqueItems``. Strings look like what their property's name
  suggests (``*_id`` / ``number`` / ``code``: ``MEA-6892``; ``name`` / ``vendor`` / ``company``:
  ``Rapid Meadow Inc``; ``email``, ``url``, ``phone``, ``currency``, ``country``), else three words;
  integers default to 1-20 and numbers to 1.00-500.00 within the schema's bounds. Nested optional
  properties that admit ``null`` are null, and recursion stops at depth 5 (empty arrays, required
  properties only).
* **The fault** (``Sandbox.invalid_json(times=1, kind="schema", model=None)``, the plugin's
  ``Scenario.invalid_json``, ``--fault invalid_json[:times=N,kind=K,model=M]``): the next ``times``
  structured answers (of ``model``, or of any model) are wrong in the way ``kind`` says:
  ``schema``: JSON that breaks the schema (a required property left out, or a value of the wrong
  type); ``syntax``: a sentence, then JSON cut off in the middle; ``prose``: no JSON at all. Repair
  turns are structured requests too, so ``times=1`` lets one repair succeed and ``times=N`` beyond
  ``max_repairs`` makes a model that never complies.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._text import content_text

if TYPE_CHECKING:
    from ._state import SandboxState

__all__ = [
    "SCHEMA_OPEN",
    "SCHEMA_CLOSE",
    "INVALID_KINDS",
    "StructuredFaults",
    "requested_schema",
    "example_value",
    "structured_text",
    "parse_invalid_json_options",
]

SCHEMA_OPEN = "<llmwise:json-schema>"
SCHEMA_CLOSE = "</llmwise:json-schema>"
INVALID_KINDS = ("schema", "syntax", "prose")
MAX_DEPTH = 5

_WORDS = (
    "steady", "bright", "quiet", "rapid", "amber", "silver", "northern", "open", "solid", "clear",
    "harbor", "summit", "meadow", "beacon", "canyon", "river", "orbit", "maple", "signal", "ledger",
)  # fmt: skip


@dataclass
class InvalidJSON:
    """A queued ``invalid_json`` fault."""

    times: int = 1
    kind: str = "schema"
    model: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1:
            raise ValueError("times must be an integer >= 1")
        if self.kind not in INVALID_KINDS:
            raise ValueError(f"kind must be one of {', '.join(INVALID_KINDS)}, got {self.kind!r}")
        if self.model is not None and (not isinstance(self.model, str) or not self.model):
            raise ValueError("model must be a model id")

    def to_dict(self) -> dict[str, Any]:
        """A JSON view."""
        return {"type": "invalid_json", "times": self.times, "kind": self.kind, "model": self.model}


@dataclass
class StructuredFaults:
    """The queued ``invalid_json`` faults of a sandbox (a state component: ``reset()`` drops them)."""

    queue: list[InvalidJSON] = field(default_factory=list)

    def add(self, fault: InvalidJSON) -> InvalidJSON:
        """Queue ``fault`` behind the others."""
        self.queue.append(fault)
        return fault

    def take(self, model: str) -> InvalidJSON | None:
        """Use one of the first fault that applies to ``model``, if any."""
        for fault in self.queue:
            if fault.model is None or fault.model == model:
                fault.times -= 1
                if fault.times <= 0:
                    self.queue.remove(fault)
                return fault
        return None


def faults(state: SandboxState) -> StructuredFaults:
    """The sandbox's ``invalid_json`` faults."""
    return state.component(StructuredFaults)


def parse_invalid_json_options(options: Mapping[str, str]) -> InvalidJSON:
    """An ``InvalidJSON`` from ``--fault invalid_json:times=N,kind=K,model=M`` options."""
    kwargs: dict[str, Any] = {}
    for key, value in options.items():
        if key == "times":
            try:
                kwargs["times"] = int(value)
            except ValueError:
                raise ValueError(f"times must be an integer, got {value!r}") from None
        elif key in ("kind", "model"):
            kwargs[key] = value
        else:
            raise ValueError(f"unknown option {key!r} for invalid_json (times, kind, model)")
    return InvalidJSON(**kwargs)


# --- the request -----------------------------------------------------------------------------------


def requested_schema(messages: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The JSON Schema of the SDK's instruction in ``messages``, or None when there is none."""
    for message in reversed(messages):
        if not isinstance(message, Mapping) or message.get("role") != "system":
            continue
        text = content_text(message.get("content"))
        start = text.rfind(SCHEMA_OPEN)
        if start < 0:
            continue
        end = text.find(SCHEMA_CLOSE, start)
        if end < 0:
            continue
        try:
            schema = json.loads(text[start + len(SCHEMA_OPEN) : end])
        except ValueError:
            return None
        return schema if isinstance(schema, dict) else None
    return None


def _first_user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    for message in messages:
        if isinstance(message, Mapping) and message.get("role") == "user":
            return content_text(message.get("content"))
    return ""


def structured_text(state: SandboxState, model: str, messages: Sequence[Mapping[str, Any]], salt: str = "") -> str | None:
    """What ``model`` answers when ``messages`` ask for structured output, else None."""
    schema = requested_schema(messages)
    if schema is None:
        return None
    seed = f"{model}\x00{salt}\x00{json.dumps(schema, sort_keys=True)}\x00{_first_user_text(messages)}"
    value = example_value(schema, seed)
    fault = faults(state).take(model)
    if fault is None:
        return json.dumps(value, ensure_ascii=False)
    return _invalid(fault.kind, schema, value)


def _invalid(kind: str, schema: dict[str, Any], value: Any) -> str:
    """An answer that will not validate, of the given kind."""
    text = json.dumps(value, ensure_ascii=False)
    if kind == "prose":
        return "I am sorry, I cannot give that answer in the requested format."
    if kind == "syntax":
        return "Here is the JSON you asked for: " + text[: max(1, len(text) // 2)]
    return json.dumps(_break(schema, schema, value), ensure_ascii=False)


def _break(root: dict[str, Any], schema: dict[str, Any], value: Any) -> Any:
    """``value`` made invalid for ``schema``: a required property removed, else a wrong type."""
    schema = _resolve(root, schema)
    if isinstance(value, dict):
        required = schema.get("required")
        if isinstance(required, list):
            for name in required:
                if name in value:
                    return {k: v for k, v in value.items() if k != name}
        return [value]  # an array where an object belongs
    if isinstance(value, list):
        return {"items": value}
    if isinstance(value, str):
        return {"value": value}
    return "not a valid value"


# --- the JSON ---------------------------------------------------------------------------------------


class _Seed:
    """Deterministic numbers from a string (sha256 chained), as the text generator does."""

    def __init__(self, seed: str) -> None:
        self._digest = hashlib.sha256(seed.encode("utf-8")).digest()
        self._pos = 0

    def next(self) -> int:
        if self._pos + 4 > len(self._digest):
            self._digest = hashlib.sha256(self._digest).digest()
            self._pos = 0
        value = int.from_bytes(self._digest[self._pos : self._pos + 4], "big")
        self._pos += 4
        return value

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.next() % len(options)]


def example_value(schema: Mapping[str, Any], seed: str) -> Any:
    """A deterministic value valid for ``schema`` (as far as the module docstring says)."""
    root = dict(schema)
    return _value(root, root, _Seed(seed), "", 0)


def _resolve(root: Mapping[str, Any], schema: Any) -> dict[str, Any]:
    """``schema`` with ``$ref`` (into ``$defs`` / ``definitions``) and ``allOf`` followed."""
    seen = 0
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and seen < 32:
        ref: str = schema["$ref"]
        target: Any = None
        if ref.startswith("#/"):
            target = root
            for part in ref[2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, Mapping) else None
        elif ref == "#":
            target = root
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**(target if isinstance(target, Mapping) else {}), **rest}
        seen += 1
    if not isinstance(schema, Mapping):
        return {}
    out = dict(schema)
    all_of = out.pop("allOf", None)
    if isinstance(all_of, list):
        for part in all_of:
            resolved = _resolve(root, part)
            for key, value in resolved.items():
                if key == "properties" and isinstance(out.get("properties"), Mapping) and isinstance(value, Mapping):
                    out["properties"] = {**out["properties"], **value}
                elif key == "required" and isinstance(out.get("required"), list) and isinstance(value, list):
                    out["required"] = [*out["required"], *value]
                else:
                    out.setdefault(key, value)
    return out


def _value(root: Mapping[str, Any], schema: Any, seed: _Seed, name: str, depth: int) -> Any:
    node = _resolve(root, schema)
    if "const" in node:
        return node["const"]
    enum = node.get("enum")
    if isinstance(enum, list) and enum:
        return seed.pick(enum)
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list) and branches:
            chosen = next((b for b in branches if _resolve(root, b).get("type") != "null"), branches[0])
            return _value(root, chosen, seed, name, depth)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in node else "array" if "items" in node else "string"
    if kind == "object":
        return _object(root, node, seed, depth)
    if kind == "array":
        return _array(root, node, seed, name, depth)
    if kind == "integer":
        return _integer(node, seed)
    if kind == "number":
        return _number(node, seed)
    if kind == "boolean":
        return seed.next() % 2 == 0
    if kind == "null":
        return None
    return _string(node, seed, name)


def _object(root: Mapping[str, Any], node: Mapping[str, Any], seed: _Seed, depth: int) -> dict[str, Any]:
    properties = node.get("properties")
    listed = node.get("required")
    required: list[Any] = listed if isinstance(listed, list) else []
    out: dict[str, Any] = {}
    if isinstance(properties, Mapping):
        for key, sub in properties.items():
            if key not in required and depth >= MAX_DEPTH:
                continue
            if key not in required and depth > 0 and _nullable(root, sub):
                # Nested optional fields stay empty: a recursive `parent: Optional[Node]` ends here.
                out[key] = None
                continue
            out[key] = _value(root, sub, seed, key, depth + 1)
    extra = node.get("additionalProperties")
    if not out and isinstance(extra, Mapping) and depth < MAX_DEPTH:
        count = max(1, int(node.get("minProperties", 2) or 0))
        for i in range(count):
            key = f"{seed.pick(_WORDS)}-{i + 1}"
            out[key] = _value(root, extra, seed, key, depth + 1)
    return out


def _nullable(root: Mapping[str, Any], schema: Any) -> bool:
    node = _resolve(root, schema)
    branches = [*(node.get("anyOf") or []), *(node.get("oneOf") or [])]
    kinds = node.get("type")
    return any(_resolve(root, b).get("type") == "null" for b in branches) or (
        isinstance(kinds, list) and "null" in kinds
    )


def _array(root: Mapping[str, Any], node: Mapping[str, Any], seed: _Seed, name: str, depth: int) -> list[Any]:
    prefix = node.get("prefixItems")
    if isinstance(prefix, list):
        return [_value(root, sub, seed, name, depth + 1) for sub in prefix]
    low = _int(node.get("minItems"), 0)
    high = _int(node.get("maxItems"), max(low, 3))
    count = low if depth >= MAX_DEPTH else min(high, max(low, 2 + seed.next() % 2))
    items = node.get("items", {})
    return [_value(root, items, seed, name, depth + 1) for _ in range(count)]


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _bounds(node: Mapping[str, Any], low: float, high: float, step: float) -> tuple[float, float]:
    """The range to pick from: the schema's bounds (exclusive ones moved in by ``step``), else
    ``low``-``high`` (moved to meet a single bound)."""

    def number(key: str) -> float | None:
        value = node.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    minimum, maximum = number("minimum"), number("maximum")
    above, below = number("exclusiveMinimum"), number("exclusiveMaximum")
    lows = [v for v in (minimum, None if above is None else above + step) if v is not None]
    highs = [v for v in (maximum, None if below is None else below - step) if v is not None]
    width = high - low
    if lows and highs:
        low, high = max(lows), min(highs)
    elif lows:
        low = max(lows)
        high = max(high, low + width)
    elif highs:
        high = min(highs)
        low = min(low, high - width)
    return low, max(low, high)


def _integer(node: Mapping[str, Any], seed: _Seed) -> int:
    low, high = _bounds(node, 1, 20, 1)
    first, last = math.ceil(low), math.floor(high)
    if last < first:
        return first
    return first + seed.next() % (last - first + 1)


def _number(node: Mapping[str, Any], seed: _Seed) -> float:
    low, high = _bounds(node, 1.0, 500.0, 0.01)
    span = max(0, int((high - low) * 100))
    value = round(low + (seed.next() % (span + 1)) / 100, 2)
    return min(max(value, low), high)


def _named_string(name: str, seed: _Seed) -> str:
    """A plausible string for a property called ``name`` (ids look like ids, names like names)."""
    words = name.replace("-", "_").split("_")
    last = words[-1] if words else ""
    if "email" in words:
        return f"{seed.pick(_WORDS)}.{seed.pick(_WORDS)}@example.com"
    if last in ("url", "link", "website", "homepage"):
        return f"https://example.com/{seed.pick(_WORDS)}"
    if last == "phone":
        return f"+1-555-01{seed.next() % 100:02d}"
    if last == "currency":
        return str(seed.pick(("EUR", "USD", "GBP")))
    if last in ("country", "locale"):
        return str(seed.pick(("DE", "FR", "US", "GB", "JP")))
    if last in ("id", "number", "code", "ref", "reference", "sku", "key"):
        return f"{str(seed.pick(_WORDS))[:3].upper()}-{1000 + seed.next() % 9000}"
    if last in ("name", "vendor", "company", "customer", "supplier", "merchant", "author", "owner", "organization"):
        suffix = seed.pick(("Ltd", "GmbH", "Inc", "& Co", "Labs"))
        return f"{str(seed.pick(_WORDS)).title()} {str(seed.pick(_WORDS)).title()} {suffix}"
    return f"{str(seed.pick(_WORDS)).capitalize()} {seed.pick(_WORDS)} {seed.pick(_WORDS)}"


def _string(node: Mapping[str, Any], seed: _Seed, name: str) -> str:
    fmt = node.get("format")
    day = 1 + seed.next() % 28
    if fmt == "date":
        text = f"2026-03-{day:02d}"
    elif fmt == "date-time":
        text = f"2026-03-{day:02d}T{seed.next() % 24:02d}:{seed.next() % 60:02d}:00Z"
    elif fmt == "time":
        text = f"{seed.next() % 24:02d}:{seed.next() % 60:02d}:00"
    elif fmt == "email":
        text = f"{seed.pick(_WORDS)}.{seed.pick(_WORDS)}@example.com"
    elif fmt in ("uri", "url", "iri"):
        text = f"https://example.com/{seed.pick(_WORDS)}"
    elif fmt == "uuid":
        text = str(uuid.UUID(int=(seed.next() << 96) | (seed.next() << 64) | (seed.next() << 32) | seed.next(), version=4))
    elif fmt == "ipv4":
        text = f"192.0.2.{1 + seed.next() % 254}"
    else:
        text = _named_string(name.lower(), seed)
    low = _int(node.get("minLength"), 0)
    high = _int(node.get("maxLength"), -1)
    if len(text) < low:
        text += "x" * (low - len(text))
    if high >= 0 and len(text) > high:
        text = text[:high]
    return text
