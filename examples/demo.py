"""The llmwise tour: chat, streaming, auto routing, failover, typed answers, compare, blend and judge;
then budgets, a fan-out with a progress bar, judge bias controls and the cost ledger.

Runs against the built-in sandbox (a local LLMWise-compatible server on 127.0.0.1), so it needs no
API key and no network. Point it at the real API with `--real` (reads LLMWISE_API_KEY).

    python examples/demo.py
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import textwrap
from contextlib import ExitStack
from datetime import date
from typing import Literal

from pydantic import BaseModel

from llmwise import AsyncLLMWise, BudgetExceededError, LLMWise, LLMWiseError, ServerStreamError
from llmwise.types.chat import RouteEvent, TraceEvent
from llmwise.types.compare import ModelDoneEvent
from llmwise.types.judge import Verdict
from llmwise.types.shared import MessageParam


class LineItem(BaseModel):
    description: str
    quantity: int
    unit_price: float


class Invoice(BaseModel):
    number: str
    vendor: str
    issued: date
    currency: Literal["EUR", "USD", "GBP"]
    lines: list[LineItem]
    total: float


EMAIL = """From: billing@acme-tools.example
Invoice INV-2041, issued 2 March 2026. 2 x torque wrench at EUR 49.50, 1 x bit set at EUR 18.00.
Total due: EUR 117.00."""


def section(title: str) -> None:
    print(f"\n\033[1m== {title} ==\033[0m" if sys.stdout.isatty() else f"\n== {title} ==")


def ask(text: str) -> list[MessageParam]:
    return [{"role": "user", "content": text}]


def tour(client: LLMWise, sandbox: object | None) -> None:
    section("1. Chat (one model)")
    answer = client.chat.create(model="gpt-5.2", messages=ask("Write a haiku about rate limits."))
    print(answer.content)
    print(
        f"model={answer.model} credits charged={answer.credits_charged} remaining={answer.credits_remaining}"
    )

    section("2. Streaming")
    with client.chat.stream(
        model="claude-sonnet-4.5", messages=ask("Explain recursion to a 10-year-old.")
    ) as stream:
        for text in stream.text_stream:
            print(text, end="", flush=True)
        final = stream.get_final_completion()
    print(f"\n[{final.completion_tokens} tokens, finish_reason={final.finish_reason}]")

    section('3. Auto routing (model="auto")')
    answer = client.chat.create(model="auto", messages=ask("Write a Python function that reverses a list."))
    print(f"auto picked {answer.resolved_model}: {(answer.content or '')[:90]}...")

    section("4. Failover (primary rate limited -> fallback)")
    if sandbox is not None:
        sandbox.set_model("claude-sonnet-4.5", fail_status=429)  # type: ignore[attr-defined]
    with client.chat.stream(
        model="claude-sonnet-4.5",
        routing={"fallback": ["gpt-5.2", "gemini-3-flash"], "strategy": "rate-limit"},
        messages=ask("Summarize the incident in 3 bullets."),
    ) as stream:
        for event in stream:
            if isinstance(event, RouteEvent):
                code = f" ({event.status_code})" if event.status_code else ""
                print(f"  route: {event.model} {event.status}{code}")
            elif isinstance(event, TraceEvent):
                tried = " -> ".join(f"{a.model}:{a.status}" for a in event.attempts or [])
                print(f"  trace: {tried}; answered by {event.final_model}")
        print(f"  answer: {(stream.get_final_completion().content or '')[:90]}...")
    if sandbox is not None:
        sandbox.set_model("claude-sonnet-4.5")  # type: ignore[attr-defined]

    section("5. Errors are typed")
    if sandbox is not None:
        sandbox.set_model("gpt-5.2", fail_status=503, fail_after_chunks=2)  # type: ignore[attr-defined]
        try:
            client.chat.create(model="gpt-5.2", messages=ask("Hi"), stream=True).get_final_completion()
        except ServerStreamError as err:
            print(
                f"  {type(err).__name__}: {err.message}; refunded={err.refunded}; kept {len(err.partial_text)} chars"
            )
        sandbox.set_model("gpt-5.2")  # type: ignore[attr-defined]

    section("6. Typed answers: the answer read into a pydantic model")
    if sandbox is not None:
        # The sandbox answers JSON valid for the schema; make its first answer invalid to show a repair.
        sandbox.invalid_json(times=1)  # type: ignore[attr-defined]
    result = client.chat.parse(
        model="claude-sonnet-4.5",
        messages=ask(f"Extract the invoice from this email:\n\n{EMAIL}"),
        response_format=Invoice,
    )
    for attempt in result.parse_attempts:
        problems = "; ".join(str(issue) for issue in attempt.issues) or "valid"
        print(f"  attempt {attempt.kind:<6} by {attempt.model}: {problems}")
    invoice = result.parsed  # an Invoice (validated), not a string
    print(f"  {type(invoice).__name__} {invoice.number} from {invoice.vendor!r}, issued {invoice.issued}:")
    for line in invoice.lines:
        print(f"    {line.quantity} x {line.description} at {line.unit_price} {invoice.currency}")
    print(f"  total={invoice.total}; {len(result.parse_attempts)} calls, {result.total_credits_charged} credits")


def side_by_side(columns: dict[str, str], width: int = 34) -> None:
    wrapped = [
        [name, "-" * min(width, len(name)), *textwrap.wrap(text, width)] for name, text in columns.items()
    ]
    for row in itertools.zip_longest(*wrapped, fillvalue=""):
        print("  " + " | ".join(cell.ljust(width) for cell in row))


def multi_model_tour(client: LLMWise, sandbox: object | None) -> None:
    models = ["gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash"]
    section("7. Compare: three models in parallel, streamed side by side")
    if sandbox is not None:
        for model, latency in zip(models, (0.012, 0.02, 0.004), strict=True):
            sandbox.set_model(model, latency=latency)  # type: ignore[attr-defined]
    with client.compare.stream(models=models, messages=ask("Pitch a credit-based LLM gateway.")) as stream:
        for event in stream:
            if isinstance(event, ModelDoneEvent):
                print(f"  {event.model} finished ({event.completion_tokens} tokens, {event.latency_ms} ms)")
        result = stream.get_final_result()
    # `content` and the lists of a result are None when the server sends null (a content filter may).
    side_by_side({r.model or "?": r.content or "" for r in result.responses or []})
    if result.summary is not None:
        print(
            f"  fastest={result.summary.fastest} longest={result.summary.longest} credits={result.credits_charged}"
        )
    if sandbox is not None:
        for model in models:
            sandbox.set_model(model)  # type: ignore[attr-defined]

    section("8. Blend: Mixture-of-Agents, two layers, one synthesized answer")
    blended = client.blend.create(
        models=models[:2],
        strategy="moa",
        layers=2,
        synthesizer="claude-sonnet-4.5",
        messages=ask("How should we cache LLM answers?"),
    )
    print(f"  strategy={blended.strategy} synthesizer={blended.synthesizer} sources={blended.source_models}")
    print("  " + "\n  ".join(textwrap.wrap(blended.content or "", 96)))
    print(f"  credits={blended.credits_charged}")

    section("9. Judge: a judge model ranks the contestants")
    judged = client.judge.create(
        contestants=models,
        judge="claude-opus-4.6",
        criteria=["accuracy", "clarity"],
        messages=ask("Explain retries with jitter."),
    )
    # The verdict is a `Verdict` object, or the judge's text when the server sent a string.
    if isinstance(judged.verdict, Verdict):
        for score in judged.verdict.scores or []:
            print(f"  #{score.rank} {score.model:<20} {score.score:>4}  {score.reasoning}")
    print(f"  winner: {judged.winner}; credits={judged.credits_charged}")


def beyond_tour(client: LLMWise, sandbox: object | None) -> None:
    models = ["gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash"]
    section("10. Budgets: a call that would pass the budget is refused before it is sent")
    with client.budget(max_credits=8) as budget:
        client.chat.create(model="gpt-5.2", messages=ask("Name one caching strategy."))  # reserves 1
        client.compare.create(models=models[:2], messages=ask("Name one retry strategy."))  # reserves 2
        client.judge.create(contestants=models, judge="claude-opus-4.6", messages=ask("Best cache?"))  # 5
        print(f"  spent={budget.spent} remaining={budget.remaining} calls={budget.calls}")
        try:
            client.blend.create(models=models[:2], strategy="consensus", messages=ask("Cache or not?"))
        except BudgetExceededError as err:  # a blend reserves 4: 8 + 4 > 8
            print(f"  refused: {err.message}")

    section("11. Fan-out: 24 questions, 8 at a time (a progress bar on a terminal)")
    topics = ["caching", "retries", "backoff", "idempotency", "rate limits", "timeouts"]
    requests = [
        {"model": model, "messages": ask(f"One sentence on {topic}.")}
        for topic in topics
        for model in ("gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash", "deepseek-v3")
    ]
    if sandbox is not None:
        # Two 429s (a request may be retried twice, so none fails): the whole fan-out pauses for their
        # Retry-After, not just the requests that got them.
        sandbox.rate_limit(times=2, retry_after=0.3)  # type: ignore[attr-defined]
    results = client.chat.create_many(requests, concurrency=8, progress=True)
    answered = [r for r in results if not isinstance(r, LLMWiseError)]
    failed = [r for r in results if isinstance(r, LLMWiseError)]
    if sandbox is not None:
        limited = len([r for r in sandbox.requests if r.status == 429])  # type: ignore[attr-defined]
        print(f"  {limited} requests got 429: the whole fan-out paused for the Retry-After, then went on")
    print(f"  {len(answered)} answered, {len(failed)} failed, in input order:")
    for request, result in list(zip(requests, results, strict=True))[:3]:
        text = result.message if isinstance(result, LLMWiseError) else (result.content or "")
        print(f"  {request['model']:<18} {text[:70]}...")

    section("12. Judge bias controls: both orders, and a panel of judges")
    swapped = client.judge.create(
        contestants=models, judge="claude-opus-4.6", messages=ask("Explain jitter."), swap_positions=True
    )
    print(
        f"  winner {swapped.winner}, the same both ways: {swapped.same_winner} "
        f"({swapped.calls} calls, {swapped.credits_charged} credits)"
    )
    panel = client.judge.create(
        contestants=models, judges=["claude-opus-4.6", "deepseek-v3"], messages=ask("Explain jitter.")
    )
    for score in panel.scores:
        print(f"  #{score.rank} {score.model:<20} mean score {score.score}")
    print(f"  agreement {panel.agreement:.0%} over {panel.calls} judges" if panel.agreement is not None else "")

    section("13. The cost ledger: every billable call this client made")
    for operation, summary in client.ledger.by_operation().items():
        print(
            f"  {operation:<8} {summary.calls:>3} calls  {summary.credits:>5g} credits  "
            f"{summary.completion_tokens:>6} tokens  {summary.errors + summary.refunded} failed"
        )
    total = client.ledger.total()
    print(f"  total    {total.calls:>3} calls  {total.credits:>5g} credits   (ledger.to_csv() / to_json())")


async def async_tour(client: AsyncLLMWise) -> None:
    section("14. The same with AsyncLLMWise")
    answers = await asyncio.gather(
        *(
            client.chat.create(model=m, messages=ask("One sentence on caching."))
            for m in ("gpt-5.2", "deepseek-v3")
        )
    )
    for answer in answers:
        print(f"  {answer.model}: {(answer.content or '')[:70]}...")
    async with client.budget(max_credits=3) as budget:
        many = await client.chat.create_many(
            [{"model": "gpt-5.2", "messages": ask(f"Fact {i} about caches.")} for i in range(5)], concurrency=5
        )
    print(f"  create_many under a 3-credit budget: {sum(isinstance(r, BudgetExceededError) for r in many)} refused")
    print(f"  budget: spent={budget.spent} calls={budget.calls}; ledger total {client.ledger.total_credits:g}")


def main(argv: list[str]) -> int:
    with ExitStack() as stack:
        sandbox = None
        if "--real" in argv:
            base_url = None
            api_key = None
        else:
            from llmwise.sandbox import Sandbox, SandboxServer

            sandbox = Sandbox(latency=0.01)
            server = stack.enter_context(SandboxServer(sandbox))
            base_url, api_key = server.base_url, "mm_sk_demo"
            print(f"sandbox: {base_url}")
        client = stack.enter_context(LLMWise(api_key, base_url=base_url))
        tour(client, sandbox)
        multi_model_tour(client, sandbox)
        beyond_tour(client, sandbox)

        async def run_async() -> None:
            async with AsyncLLMWise(api_key, base_url=base_url) as aclient:
                await async_tour(aclient)

        asyncio.run(run_async())
    print("\ndemo finished")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
