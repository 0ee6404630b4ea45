"""`llmwise compare`, `blend` and `judge`: several models at once."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Optional, cast

from .._client import LLMWise
from ..resources.blend import BlendCreateArgs
from ..resources.compare import CompareCreateArgs, CompareStream
from ..resources.judge import JudgeCreateArgs
from ..types._multi import ModelDoneEvent, ModelErrorEvent, ModelView
from ..types.blend import (
    BlendChunkEvent,
    BlendModelDoneEvent,
    BlendModelErrorEvent,
    BlendStrategy,
    source_label,
)
from ..types.compare import CompareResult
from ..types.judge import JudgeScore, Verdict
from ._common import credits_text, failure, json_events, messages, sampling, timing
from ._console import Console, LiveView, terminal_size
from ._render import number, side_by_side, table

__all__ = ["compare", "blend", "judge"]


# --- compare -------------------------------------------------------------------------------------


def compare(client: LLMWise, args: argparse.Namespace, console: Console) -> int:
    """`llmwise compare`: several answers, side by side on a terminal, one block each otherwise."""
    models: list[str] = args.models
    params = cast(CompareCreateArgs, {"models": models, "messages": messages(args), **sampling(args)})
    with client.compare.stream(**params) as stream:
        console.stream = stream
        if console.json:
            return json_events(stream, console)
        if console.tty:
            result = _compare_live(stream, models, args.width, console)
        else:
            result = _compare_blocks(stream, console)
    summary = result.summary
    if summary is not None and (summary.fastest or summary.longest):
        console.line(f"fastest: {summary.fastest or '-'}, longest: {summary.longest or '-'}")
    credits = credits_text(result.credits_charged, result.credits_remaining)
    if credits:
        console.note(f"-- {credits}")
    return 0


def _compare_blocks(stream: CompareStream, console: Console) -> CompareResult:
    for event in stream:
        if isinstance(event, ModelDoneEvent):
            view = stream.models[event.model]
            console.line(f"== {view.model} ({timing(view.latency_ms, view.tokens)}) ==")
            console.line(view.text)
            console.line()
        elif isinstance(event, ModelErrorEvent):
            console.line(f"== {event.model} failed ({failure(event.status_code, event.error, detail=True)}) ==")
            console.line()
    return stream.get_final_result()


def _columns(models: list[str], views: Mapping[str, ModelView]) -> list[tuple[str, str]]:
    columns = []
    for model in models:
        view = views.get(model)
        if view is None:
            columns.append((f"{model} ...", ""))
        elif view.status == "error":
            reason = f"[failed: {failure(view.status_code, view.error, detail=True)}]"
            columns.append((f"{model} FAILED", f"{view.text}\n{reason}" if view.text else reason))
        elif view.done:
            columns.append((f"{model} ({timing(view.latency_ms, view.tokens, 'tok')})", view.text))
        else:
            columns.append((f"{model} ...", view.text))
    return columns


def _compare_live(stream: CompareStream, models: list[str], width: Optional[int], console: Console) -> CompareResult:
    columns, lines = terminal_size(width)
    # One line is left for the cursor: a block as tall as the screen would scroll its top away.
    height = max(lines - 1, 3)
    console.stop_waiting()  # the live view writes to the terminal directly
    live = console.live = LiveView(console.out)
    for event in stream:
        finished = isinstance(event, (ModelDoneEvent, ModelErrorEvent))
        live.draw(side_by_side(_columns(models, stream.models), columns, height), force=finished)
    result = stream.get_final_result()
    live.clear()
    live.close()
    console.live = None
    # The final layout is printed in full (it may be taller than the screen and scroll).
    console.lines(side_by_side(_columns(models, stream.models), columns))
    console.line()
    return result


# --- blend ---------------------------------------------------------------------------------------


def blend(client: LLMWise, args: argparse.Namespace, console: Console) -> int:
    """`llmwise blend`: sources' progress on stderr, the synthesized answer streamed to stdout."""
    models: list[str] = args.models
    params = cast(BlendCreateArgs, {"models": models, "messages": messages(args), **sampling(args)})
    if args.strategy:
        params["strategy"] = cast(BlendStrategy, args.strategy)
    if args.synthesizer:
        params["synthesizer"] = args.synthesizer
    if args.layers is not None:
        params["layers"] = args.layers
    if args.samples is not None:
        params["samples"] = args.samples
    with client.blend.stream(**params) as stream:
        console.stream = stream
        if console.json:
            return json_events(stream, console)
        console.note(f"-> blending {', '.join(models)}")
        synthesizing = False
        for event in stream:
            if not isinstance(event, (BlendChunkEvent, BlendModelDoneEvent, BlendModelErrorEvent)):
                continue
            label = source_label(event.model or "?", event.layer, event.sample)
            if event.is_synthesis and not synthesizing:
                synthesizing = True
                console.note(f"-> synthesizing with {event.model}")
            if isinstance(event, BlendModelErrorEvent):
                console.note(f"x {label} failed ({failure(event.status_code, event.error)})")
            elif event.is_synthesis:
                console.text(event.delta)
            elif isinstance(event, BlendModelDoneEvent):
                console.note(f"ok {label} ({timing(event.latency_ms, event.completion_tokens)})")
        result = stream.get_final_result()
    console.end_text()
    how = f"-- {result.strategy or 'blend'} by {result.synthesizer or '?'}"
    credits = credits_text(result.credits_charged, result.credits_remaining)
    console.note(f"{how}, {credits}" if credits else how)
    return 0


# --- judge ---------------------------------------------------------------------------------------


def judge(client: LLMWise, args: argparse.Namespace, console: Console) -> int:
    """`llmwise judge`: the verdict as a table ranked best first, and the winner."""
    contestants: list[str] = args.models
    judge_model: str = args.judge
    params = cast(
        JudgeCreateArgs,
        {"contestants": contestants, "judge": judge_model, "messages": messages(args), **sampling(args)},
    )
    if args.criteria:
        params["criteria"] = args.criteria
    with client.judge.stream(**params) as stream:
        console.stream = stream
        if console.json:
            return json_events(stream, console)
        console.note(f"-> {', '.join(contestants)} answering; {judge_model} judges")
        for event in stream:
            if isinstance(event, ModelDoneEvent):
                console.note(f"ok {event.model} ({timing(event.latency_ms, event.completion_tokens)})")
            elif isinstance(event, ModelErrorEvent):
                console.note(f"x {event.model} failed ({failure(event.status_code, event.error)})")
        result = stream.get_final_result()
    # A verdict the server sent as text (not an object) has no table: its text is printed.
    verdict = result.verdict if isinstance(result.verdict, Verdict) else None
    scores = [s for s in (verdict.scores or []) if isinstance(s, JudgeScore)] if verdict is not None else []
    rows = [
        (number(s.rank, "-"), str(s.model or "?"), number(s.score, "-"), str(s.reasoning or "")) for s in scores
    ]
    console.lines(table(["rank", "model", "score", "reasoning"], rows, align="><><", width=terminal_size()[0]))
    console.line()
    console.line(f"winner: {result.winner or 'none'}")
    if verdict is not None and verdict.overall:
        console.line(verdict.overall)
    elif isinstance(result.verdict, str) and result.verdict:
        console.line(result.verdict)
    credits = credits_text(result.credits_charged, result.credits_remaining)
    if credits:
        console.note(f"-- judged by {result.judge or judge_model}, {credits}")
    return 0
