"""`llmwise chat`: one answer streamed to stdout, failover attempts on stderr."""

from __future__ import annotations

import argparse
from typing import Any, cast

from .._client import LLMWise
from ..resources.chat import ChatCreateArgs
from ..types.chat import ChatCompletion, MeshChunkEvent, RouteEvent, RoutingParam, TextChunkEvent
from ._common import credits_text, failure, json_events, messages, sampling
from ._console import Console

__all__ = ["chat"]


class _ChatPrinter:
    """Turns chat events into stdout text and stderr routing notes.

    A failover attempt may stream part of an answer and then fail. On a terminal the text is shown
    as it arrives (the note then says it was discarded); into a pipe or file, an attempt's text is
    held until the attempt succeeds, so the output is exactly the answer.
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self.held: list[str] = []
        self.shown = False

    def add(self, event: Any) -> None:
        console = self.console
        if isinstance(event, TextChunkEvent):
            console.text(event.delta)
        elif isinstance(event, MeshChunkEvent):
            if console.tty:
                console.text(event.delta)
                self.shown = self.shown or bool(event.delta)
            else:
                self.held.append(event.delta)
        elif isinstance(event, RouteEvent):
            self.route(event)

    def route(self, event: RouteEvent) -> None:
        model = event.model or "?"
        if event.status == "trying":
            self.held, self.shown = [], False
            self.console.note(f"-> trying {model}")
        elif event.status == "failed":
            discarded = ""
            if self.shown:
                discarded = " (its partial answer above is discarded)"
                self.console.end_text()  # the next attempt's answer starts on a line of its own
            self.console.note(f"x {model} failed ({failure(event.status_code, event.error)}){discarded}")
            self.held, self.shown = [], False
        elif event.status == "ok":
            self.flush()
        elif event.status == "skipped":
            self.console.note(f"- {model} skipped ({event.reason or event.error or 'no reason given'})")
        else:
            self.console.note(f"  {model}: {event.status or '(no status)'}")

    def flush(self) -> None:
        self.console.text("".join(self.held))
        self.held = []


def chat(client: LLMWise, args: argparse.Namespace, console: Console) -> int:
    """`llmwise chat`: stream one answer."""
    fallbacks: list[str] = args.fallback
    params = cast(ChatCreateArgs, {"model": args.model, "messages": messages(args), **sampling(args)})
    if fallbacks:
        routing: RoutingParam = {"fallback": fallbacks}
        if args.strategy:
            routing["strategy"] = args.strategy
        params["routing"] = routing
    with client.chat.stream(**params) as stream:
        console.stream = stream
        if console.json:
            return json_events(stream, console)
        printer = _ChatPrinter(console)
        for event in stream:
            printer.add(event)
        printer.flush()  # a server that never sent `ok` for the last attempt
        completion = stream.get_final_completion()
    console.end_text()
    console.note(_chat_summary(completion, args.model))
    return 0


def _chat_summary(completion: ChatCompletion, requested: str) -> str:
    model = completion.resolved_model or completion.model or requested
    parts = [f"-- {model}"]
    if completion.total_tokens is not None:
        parts.append(
            f"{completion.total_tokens} tokens ({completion.prompt_tokens} prompt"
            f" + {completion.completion_tokens} completion)"
        )
    elif completion.completion_tokens is not None:
        parts.append(f"{completion.completion_tokens} tokens")
    credits = credits_text(completion.credits_charged, completion.credits_remaining)
    if credits:
        parts.append(credits)
    if completion.finish_reason == "length":
        parts.append("cut short by the token limit")
    return ", ".join(parts)
