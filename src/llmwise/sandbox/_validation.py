"""Request-body validation for the orchestration endpoints; every error names the offending field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._catalogue import AUTO
from ._http import ApiError
from ._state import SandboxState
from ._text import has_images, last_user_text, prompt_tokens

ROLES = ("system", "user", "assistant")
GOALS = ("balanced", "latency", "cost", "reliability")
ROUTING_STRATEGIES = ("rate-limit", "latency", "cost", "round-robin")
BLEND_STRATEGIES = ("consensus", "council", "best_of", "chain", "moa", "self_moa")


def bad(message: str) -> ApiError:
    """A 400 error."""
    return ApiError(400, message)


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def opt_bool(body: dict[str, Any], name: str) -> bool | None:
    """An optional boolean field."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise bad(f"'{name}' must be a boolean, got {_type_name(value)}")
    return value


def opt_str(body: dict[str, Any], name: str) -> str | None:
    """An optional string field."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad(f"'{name}' must be a string, got {_type_name(value)}")
    return value


def opt_number(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    """An optional number within ``[low, high]``."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise bad(f"'{name}' must be a number between {low:g} and {high:g}, got {value!r}")
    return float(value)


def opt_int(body: dict[str, Any], name: str, low: int, high: int, *, label: str | None = None) -> int | None:
    """An optional integer within ``[low, high]``."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(f"'{label or name}' must be an integer between {low} and {high}, got {value!r}")
    return value


def opt_enum(
    body: dict[str, Any], name: str, choices: Sequence[str], *, label: str | None = None
) -> str | None:
    """An optional string from ``choices``."""
    value = body.get(name)
    if value is None:
        return None
    if value not in choices:
        raise bad(f"'{label or name}' must be one of {', '.join(choices)}, got {value!r}")
    return str(value)


def model_id(state: SandboxState, value: Any, name: str, *, allow_auto: bool = False) -> str:
    """A known catalogue model id."""
    if not isinstance(value, str) or not value:
        raise bad(f"'{name}' must be a model id string, got {value!r}")
    if value == AUTO and not allow_auto:
        raise bad(f"'{name}': 'auto' is only supported by /chat; name a catalogue model")
    if not state.is_known_model(value):
        raise bad(f"'{name}': unknown model {value!r} (GET /models lists the available ids)")
    return value


def model_list(state: SandboxState, body: dict[str, Any], name: str, low: int, high: int) -> list[str]:
    """A required list of ``low``-``high`` distinct known model ids."""
    value = body.get(name)
    if value is None:
        raise bad(f"'{name}' is required")
    if not isinstance(value, list):
        raise bad(f"'{name}' must be a list of model ids, got {_type_name(value)}")
    models = [model_id(state, item, f"{name}[{i}]") for i, item in enumerate(value)]
    if not low <= len(models) <= high:
        wanted = f"exactly {low}" if low == high else f"{low}-{high}"
        raise bad(f"'{name}' must list {wanted} models, got {len(models)}")
    if len(set(models)) != len(models):
        raise bad(f"'{name}' must not repeat a model")
    return models


def validate_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    """``messages``: a non-empty list of ``{role, content}`` (content: string or content blocks)."""
    messages = body.get("messages")
    if messages is None:
        raise bad("'messages' is required")
    if not isinstance(messages, list) or not messages:
        raise bad("'messages' must be a non-empty list of {role, content} objects")
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise bad(f"'{where}' must be an object with 'role' and 'content'")
        if message.get("role") not in ROLES:
            raise bad(f"'{where}.role' must be one of {', '.join(ROLES)}, got {message.get('role')!r}")
        content = message.get("content")
        if isinstance(content, str):
            continue
        if not isinstance(content, list):
            raise bad(f"'{where}.content' must be a string or a list of content blocks")
        for j, block in enumerate(content):
            _validate_block(block, f"{where}.content[{j}]")
    return messages


def _validate_block(block: Any, where: str) -> None:
    if not isinstance(block, dict):
        raise bad(f"'{where}' must be a content block object")
    kind = block.get("type")
    if kind == "text":
        if not isinstance(block.get("text"), str):
            raise bad(f"'{where}.text' must be a string")
    elif kind == "image_url":
        image = block.get("image_url")
        if not isinstance(image, dict) or not isinstance(image.get("url"), str):
            raise bad(f"'{where}.image_url' must be an object with a 'url' string")
    else:
        raise bad(f"'{where}.type' must be 'text' or 'image_url', got {kind!r}")


@dataclass
class CommonParams:
    """Fields shared by chat, compare, blend and judge."""

    messages: list[dict[str, Any]]
    stream: bool
    temperature: float | None
    max_tokens: int | None
    conversation_id: str | None
    prompt: str = ""
    prompt_tokens: int = 0
    has_images: bool = False
    semantic_memory: bool = True
    semantic_top_k: int | None = None
    semantic_min_score: float | None = None


def common(body: dict[str, Any]) -> CommonParams:
    """Validate the shared fields (``stream`` defaults to true, as on the real server)."""
    messages = validate_messages(body)
    stream = opt_bool(body, "stream")
    params = CommonParams(
        messages=messages,
        stream=True if stream is None else stream,
        temperature=opt_number(body, "temperature", 0, 2),
        max_tokens=opt_int(body, "max_tokens", 1, 128000),
        conversation_id=opt_str(body, "conversation_id"),
        prompt=last_user_text(messages),
        prompt_tokens=prompt_tokens(messages),
        has_images=has_images(messages),
    )
    params.semantic_memory = opt_bool(body, "semantic_memory") is not False
    params.semantic_top_k = opt_int(body, "semantic_top_k", 1, 12)
    params.semantic_min_score = opt_number(body, "semantic_min_score", 0, 1)
    return params


@dataclass
class ChatParams:
    """A validated ``POST /chat`` body."""

    common: CommonParams
    model: str
    cost_saver: bool
    goal: str | None
    routing: bool
    fallback: list[str] = field(default_factory=list)
    strategy: str | None = None


def chat_params(state: SandboxState, body: dict[str, Any]) -> ChatParams:
    """Validate a chat body."""
    if body.get("model") is None:
        raise bad("'model' is required")
    model = model_id(state, body.get("model"), "model", allow_auto=True)
    params = ChatParams(
        common=common(body),
        model=model,
        cost_saver=bool(opt_bool(body, "cost_saver")),
        goal=opt_enum(body, "optimization_goal", GOALS),
        routing=body.get("routing") is not None,
    )
    routing = body.get("routing")
    if routing is not None:
        if not isinstance(routing, dict):
            raise bad('\'routing\' must be an object like {"fallback": [...], "strategy": "rate-limit"}')
        fallback = routing.get("fallback")
        if fallback is not None:
            if not isinstance(fallback, list):
                raise bad("'routing.fallback' must be a list of model ids")
            params.fallback = [
                model_id(state, item, f"routing.fallback[{i}]") for i, item in enumerate(fallback)
            ]
        params.strategy = opt_enum(routing, "strategy", ROUTING_STRATEGIES, label="routing.strategy")
    return params


@dataclass
class CompareParams:
    """A validated ``POST /compare`` body."""

    common: CommonParams
    models: list[str]


def compare_params(state: SandboxState, body: dict[str, Any]) -> CompareParams:
    """Validate a compare body (2-9 distinct models)."""
    models = model_list(state, body, "models", 2, 9)
    return CompareParams(common(body), models)


@dataclass
class BlendParams:
    """A validated ``POST /blend`` body."""

    common: CommonParams
    models: list[str]
    strategy: str
    synthesizer: str
    layers: int | None
    samples: int | None


def blend_params(state: SandboxState, body: dict[str, Any]) -> BlendParams:
    """Validate a blend body: strategy rules from contract §3.3."""
    strategy = opt_enum(body, "strategy", BLEND_STRATEGIES) or "consensus"
    if strategy == "self_moa":
        models = model_list(state, body, "models", 1, 1)
        samples = opt_int(body, "samples", 2, 8)
        samples = 3 if samples is None else samples
    else:
        models = model_list(state, body, "models", 2, 6)
        samples = None
    layers: int | None = None
    if strategy == "moa":
        layers = opt_int(body, "layers", 1, 3)
        layers = 1 if layers is None else layers
    synthesizer = body.get("synthesizer")
    synth = models[0] if synthesizer is None else model_id(state, synthesizer, "synthesizer")
    return BlendParams(common(body), models, strategy, synth, layers, samples)


@dataclass
class JudgeParams:
    """A validated ``POST /judge`` body."""

    common: CommonParams
    contestants: list[str]
    judge: str
    criteria: list[str]


def judge_params(state: SandboxState, body: dict[str, Any]) -> JudgeParams:
    """Validate a judge body (2-4 distinct contestants, a separate judge)."""
    contestants = model_list(state, body, "contestants", 2, 4)
    if body.get("judge") is None:
        raise bad("'judge' is required")
    judge = model_id(state, body.get("judge"), "judge")
    if judge in contestants:
        raise bad(f"'judge' must not be one of the contestants ({judge!r} is competing)")
    criteria = body.get("criteria")
    if criteria is None:
        criteria = []
    if not isinstance(criteria, list) or not all(isinstance(c, str) for c in criteria):
        raise bad("'criteria' must be a list of strings")
    return JudgeParams(common(body), contestants, judge, list(criteria))
