"""What the API commands share: request pieces, progress wording, `--json` lines."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, Optional

from ._console import Console
from ._render import number

if TYPE_CHECKING:
    from .._models import BaseModel
    from ..types.shared import MessageParam, Number

__all__ = [
    "event_json",
    "json_events",
    "messages",
    "sampling",
    "credits_text",
    "timing",
    "failure",
]


def event_json(event: BaseModel) -> dict[str, Any]:
    """A stream event as a `--json` line: its payload, with an `event` field on every line.

    Per-model frames carry no `event` on the wire; they are named `chunk`, `model_done` and
    `model_error` here so that every line can be selected by kind.
    """
    # Imported here: each command imports only its own endpoint's types (they cost start-up time).
    from ..types._multi import ModelChunkEvent, ModelDoneEvent, ModelErrorEvent
    from ..types.chat import TextChunkEvent

    data = event.to_dict()
    kind = data.pop("event", None)
    if kind is None:
        if isinstance(event, (TextChunkEvent, ModelChunkEvent)):
            kind = "chunk"
        elif isinstance(event, ModelDoneEvent):
            kind = "model_done"
        elif isinstance(event, ModelErrorEvent):
            kind = "model_error"
        else:
            kind = "unknown"
    return {"event": kind, **data}


def json_events(stream: Any, console: Console) -> int:
    """`--json` for a stream: every event on its own line."""
    for event in stream:
        console.emit(event_json(event))
    return 0


def messages(args: argparse.Namespace) -> list[MessageParam]:
    """The conversation sent: `--system`, then the prompt."""
    sent: list[MessageParam] = []
    if args.system:
        sent.append({"role": "system", "content": args.system})
    sent.append({"role": "user", "content": args.prompt})
    return sent


def sampling(args: argparse.Namespace) -> dict[str, Any]:
    """`--temperature` and `--max-tokens`, when given."""
    options: dict[str, Any] = {}
    if args.temperature is not None:
        options["temperature"] = args.temperature
    if args.max_tokens is not None:
        options["max_tokens"] = args.max_tokens
    return options


def credits_text(charged: Optional[Number], remaining: Optional[Number]) -> str:
    """`2 credits charged, 996 left` (as much of it as is known)."""
    parts = []
    if charged is not None:
        parts.append(f"{number(charged)} credit{'' if charged == 1 else 's'} charged")
    if remaining is not None:
        parts.append(f"{number(remaining)} left")
    return ", ".join(parts)


def timing(latency_ms: Optional[Number], tokens: Optional[int], unit: str = "tokens") -> str:
    """`812 ms, 37 tokens`."""
    return f"{number(latency_ms)} ms, {number(tokens)} {unit}"


def failure(status: Optional[int], error: Any, *, detail: bool = False) -> str:
    """Why a model failed: its status (progress lines stay short), with the message if `detail`
    (`error` as the server sent it: a message, or an error object)."""
    from .._streaming._frames import error_text

    error = error_text(error)
    if status is not None and error and detail:
        return f"{status}: {error}"
    return str(status) if status is not None else (error or "no reason given")
