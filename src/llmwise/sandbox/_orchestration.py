"""``GET /models`` and the orchestration endpoints: ``/chat``, ``/compare``, ``/blend``, ``/judge``.

Wire format
===========

Where the API contract (``CONTRACT.md``) marks something unknown, the sandbox decides as follows.
SDK code is written against exactly this.

General
-------
* Everything lives under ``/api/v1``. Every response carries ``X-Request-Id: req_<24 hex>`` and
  ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset`` (seconds until the 60 s
  window of the request's bucket resets: chat 90, compare 45, blend 30, judge 30, default 180).
  Limits are only enforced with ``Sandbox(enforce_rate_limits=True)``.
* Errors are JSON objects ``{"error": msg, "detail": msg, "request_id": "req_..."}`` (plus
  context keys such as ``refunded``). Order of checks: unknown path 404 / wrong method 405 (with
  ``Allow``), then auth 401, then queued request faults (429 / 5xx), then body validation 400, then
  an unknown ``conversation_id`` 404, then credits 402, then the request runs. Account side effects
  (conversation messages, semantic memory, privacy, auto top-up) are in ``_account_*``.
* ``stream`` defaults to true. SSE frames are ``data: <compact json>\\n\\n``; the stream always ends
  with ``data: [DONE]\\n\\n``, also after a terminal error frame
  ``{"event":"error","error":msg,"status_code":N,"refunded":bool}``.
* The ``id`` in ``done`` events and JSON bodies equals the ``X-Request-Id`` header.
* Text: see :func:`llmwise.sandbox.model_text`; deltas are 3 words each and concatenate exactly to
  the text. ``max_tokens`` keeps the first N words and makes ``finish_reason`` ``"length"``.
  ``temperature`` and the ``semantic_*`` fields are validated but do not change the output.
  Tokens are words: ``completion_tokens`` = words emitted, ``prompt_tokens`` = words of all messages.
  ``cost`` is a flat made-up 0.000002 USD per token (0 for ``is_free`` models).
* Timing is virtual: chunk k (1-based) of a model with per-chunk latency L happens k*L seconds after
  the model starts; a failure happens one tick after the last emitted chunk. ``latency_ms``,
  ``ttft_ms`` and ``tokens_per_second`` report that virtual time (all 0 / 0.0 with zero latency).
  Non-stream answers are held back for the full virtual duration.
* Credits (``_billing``): chat/mesh/auto 1, compare 2, blend 4, judge 5, reserved before the run,
  then settled against the tokens of the runs that succeeded (100 tokens a credit, at least 1):
  extra charged, unused refunded, each its own transaction. ``credits_charged`` is the settled
  total, ``credits_remaining`` the balance after it. A request that fails entirely (terminal error)
  is refunded in full; partial failures (one compare model failing) are not (the answers that came
  are billed). Models covered by a saved provider key (``PUT /settings/keys``, ``_byok``) are not
  billed: a chat they answer reports ``"byok": true`` and charges 0.
* Semantic memory (``_memory``): results and ``done`` events of every mode carry
  ``"semantic_memory_used"``, ``"semantic_memory_hits"`` (a count) and ``"semantic_memories"``
  (``[{"id","score","content"}]``): the stored memories matching the last user message that the
  request injected (``semantic_memory``, ``semantic_top_k``, ``semantic_min_score``).
* Circuit breakers and routing strategies: ``_mesh`` (the sandbox clock drives them).
* Tests can script more than faults and model behaviour (``_scripts``): a model's next reply with
  its own numbers, a canned body for the next request to a path, what ``auto`` resolves to, and a
  strict mode answering 418 to anything unscripted.
* ``model: "auto"`` is accepted by ``/chat`` only; compare/blend/judge need catalogue ids.
* Vision is not enforced for explicitly named models; only ``auto`` uses it when choosing.

Chat
----
* Single mode (no ``routing``; ``auto`` while ``policy["max_fallbacks"] == 0``): chunks
  ``{"model","delta","done":false}``, a completion frame ``{"model","delta":"","done":true,
  "latency_ms","content_length"}``, then ``{"event":"done","id","model",["resolved_model",
  "auto_strategy","optimization_goal"],"finish_reason","credits_charged","credits_remaining",
  "prompt_tokens","completion_tokens","ttft_ms","tokens_per_second","cost","latency_ms","byok",
  "semantic_memory_used","semantic_memory_hits","semantic_memories",["conversation_id"],"mode"}``. ``model`` is always the model that produced the text (for auto:
  the resolved one). ``mode`` is ``"chat"`` or ``"auto"``.
* Auto routing (``auto_strategy`` is always ``"heuristic_routing"``): ``cost_saver: true`` forces
  auto with goal ``cost`` even when another model is named. Goal ``cost`` -> ``deepseek-v3``;
  else a prompt mentioning code -> ``claude-sonnet-4.5``; else a last user message of 80+ words ->
  ``gpt-5.2``; else ``gemini-3-flash``. With images a non-vision pick is swapped for ``gemini-3-flash`` (or the next vision model).
  With ``max_fallbacks = N > 0`` auto runs as mesh with N fallbacks from
  ``gpt-5.2, claude-sonnet-4.5, gemini-3-flash, deepseek-v3, claude-haiku-4.5, mistral-large``.
* Mesh mode (``routing`` present, or auto with fallbacks): the chain is the primary then
  ``routing.fallback`` (duplicates dropped), in the order ``routing.strategy`` gives it (``_mesh``:
  ``rate-limit`` tries models that answered 429 in the last 60 s last, ``latency`` and ``cost``
  sort the fallbacks fastest / cheapest first, ``round-robin`` rotates the chain by one per
  request). A model whose circuit breaker is open is skipped: ``{"event":"route","model",
  "status":"skipped","reason":"circuit_open","retry_in_ms","latency_ms":0}`` (a half-open probe's
  ``trying`` event has ``"reason":"circuit_half_open"``). Per attempt: ``{"event":"route","model","status":"trying"}``, the
  model's ``{"event":"chunk","model","delta","tokens","cost"}`` frames (the last successful one with
  ``finish_reason``), then ``{"event":"route","model","status":"ok","latency_ms"}`` or
  ``{"event":"route","model","status":"failed","status_code","error","latency_ms"}``. Only
  retryable statuses (408, 409, 425, 429, 500, 502, 503, 504) fail over; any other status ends the
  chain with that status as the terminal error. Then ``{"event":"trace","final_model","attempts",
  "trace","saved_ms":0}`` (attempts/trace are the same list of ``{"model","status":"ok"|"failed"|
  "skipped","status_code"?,"error"?,"reason"?,"latency_ms"}``) and the done event with ``"resolved_model"`` = the final
  model and ``"mode":"mesh"``. When every model fails: the trace has ``"final_model": null`` and
  ``"terminal_error":"All fallback models failed"``, then a terminal error (503, refunded).
* Non-stream: ``{"id","model","content","prompt_tokens","completion_tokens","latency_ms","ttft_ms",
  "tokens_per_second","cost","credits_charged","credits_remaining","finish_reason","byok","mode",
  the three ``semantic_memor*`` fields, ["conversation_id","resolved_model","auto_strategy",
  "optimization_goal"]}``, plus ``"trace"`` and
  ``"final_model"`` in mesh mode. A failed request is an HTTP error with the model's status (single)
  or 503 (mesh, body includes ``trace``), ``"refunded": true``.

Compare and judge contestants
-----------------------------
* All models run concurrently; frames are merged by virtual time (ties: chunk index, then model
  order), so with zero latency they alternate round-robin. Per model: chunks
  ``{"model","delta","done":false}``, then ``{"model","delta":"","done":true,"latency_ms",
  "content_length","completion_tokens"}`` or, for a failing model (after its partial chunks),
  ``{"model","error","status_code","done":true}``.
* Compare then sends ``{"event":"summary","fastest","longest","models":{id:{"latency_ms","tokens",
  "content_length","status":"ok"|"error",["status_code"]}}}``: ``fastest`` is the successful model
  with the smallest latency, ``longest`` the one with the longest content (ties: model order); then
  ``{"event":"done","id","credits_charged","credits_remaining","latency_ms", the
  ``semantic_memor*`` fields}``. All failing:
  terminal error 502 ``"All models failed"``, refunded.
* Non-stream compare: ``{"id","responses":[...],"summary":{"fastest","longest","models"},
  "credits_charged","credits_remaining","latency_ms",["conversation_id"]}``; a response is
  ``{"model","content","latency_ms","completion_tokens","prompt_tokens","cost","status":"ok"}`` or
  ``{"model","status":"error","error","status_code","content" (partial),"latency_ms"}``. All
  failing: HTTP 502 with ``refunded`` and ``responses``.

Blend
-----
* Sources stream like compare frames with extra keys: ``"phase":"gather"`` (consensus, council,
  best_of: all run concurrently; chain: ``"phase":"gather","step":k``, run one after another),
  ``"phase":"layer","layer":k`` (moa, layers run one after another; a source that failed is left
  out of later layers) or ``"phase":"sample","sample":i`` (self_moa, i = 1..samples of the one
  model). Source text: the plain ``model_text`` for consensus/council/best_of, chain step 1 and moa
  layer 1; ``model_text(..., sample=i)`` for samples. A model that reads other answers gets them as
  one more user message after the conversation (``_text.reading_messages``: the question, then
  each answer; a ``replies(callable)`` script receives these messages): chain step k reads step
  k-1's answer (the last one that came through), and its text is ``model_text(...,
  reading=[(previous model, its text)])``, starting ``[model] Building on <previous> ("first
  words..."):``; every model of moa layer k reads all answers of layer k-1, ``model_text(...,
  layer=k, reading=[...])``, starting ``[model] Refining layer <k-1> (<model>: "first words...";
  ...):``. Their ``prompt_tokens`` count what they read.
* Synthesis: ``{"model":synth,"delta","done":false,"phase":"synthesis"}`` chunks and a completion
  frame with ``"phase":"synthesis"``; the synthesizer (default ``models[0]``) reads the surviving
  answers of the last round (every chain step that came through) and answers a text derived from
  itself, the strategy and those texts. Then ``{"event":"done","id","strategy","synthesizer",
  "source_models","candidates","layers","latency_ms","content","finish_reason","credits_charged",
  "credits_remaining", the ``semantic_memor*`` fields}``. ``samples`` defaults to 3
  and ``layers`` to 1; both are ignored by strategies that do not use them. All sources failing
  (502 ``"All source models failed"``) or the synthesizer failing (its status) is a refunded
  terminal error.
* Non-stream blend: the done fields without ``event`` plus ``"sources":[{"model",["layer"|"sample"],
  "content","latency_ms","status",...}]`` (entries shaped like compare responses), in run order.

Judge
-----
* After the contestants, ``{"event":"verdict","winner","scores":[{"model","rank","score",
  "reasoning"}],"overall"}`` arrives one judge-latency tick later: scores come from sha256 of
  model + last user message + criteria (0.0-10.0, one decimal), listed by rank (score descending,
  ties by contestant order); failed contestants score 0 and rank last. Then ``{"event":"done","id",
  "judge","credits_charged","credits_remaining","latency_ms", the ``semantic_memor*`` fields}``.
  The judge's run (billed with the rest) reads the question and every answer and writes the
  verdict's ``overall`` and ``reasoning`` texts. All contestants failing (502) or
  the judge model failing (its status) is a refunded terminal error.
* Non-stream judge: ``{"id","verdict":{"winner","scores","overall"},"winner_response":{"model",
  "content"},"contestants":[compare-style responses],"judge","credits_charged","credits_remaining",
  "latency_ms",["conversation_id"]}``.

Faults (``Sandbox.rate_limit`` and friends)
-------------------------------------------
* Each request consumes at most one queued fault: the first one whose ``path`` matches and that
  applies to it (stream faults only apply to SSE answers and otherwise wait in the queue).
* ``rate_limit``: 429 ``{"error":"Rate limit exceeded, retry after N s"}`` with ``Retry-After: N``
  (whole seconds, rounded up) and ``retry-after-ms``. ``server_error``: the status with
  ``{"error":"Sandbox injected server error (HTTP N)"}``. Neither charges credits.
* Stream faults count frames from the first (``[DONE]`` included): ``cut_stream`` drops the
  connection after K frames; ``malformed_frame`` inserts ``data: {not json`` and
  ``unknown_event`` inserts ``{"event":"sandbox_mystery","detail":...}`` (or the given payload)
  after K frames, never after ``[DONE]``. The request itself completes and is charged normally.
* Per-model behaviour (``set_model``) is persistent, not queued: ``fail_status`` fails the model
  at the start (or after ``fail_after_chunks`` chunks) on every request until changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import _mesh
from ._billing import CREDIT_COSTS, Billing
from ._catalogue import AUTO
from ._engine import Generation, Lane, Timeline, answer_text, failure_message, ms, plan, price_of
from ._http import ApiError, RequestContext, SandboxResponse, json_response
from ._memory import Recall, recall
from ._mesh import RETRYABLE_STATUSES
from ._routing import API_ROUTES
from ._scripts import UNSCRIPTED_STATUS, is_scripted, scripts, unscripted_model
from ._state import HistoryEntry, SandboxState
from ._text import (
    count_words,
    generate,
    prompt_tokens,
    reading_lead,
    reading_messages,
    reasoning,
    score,
    split_words,
    variant_salt,
)
from ._validation import CommonParams, blend_params, chat_params, compare_params, judge_params

__all__ = ["AFTER_RECORD", "BEFORE_CHARGE", "CREDIT_COSTS", "RETRYABLE_STATUSES", "terminal_error", "verdict"]

AUTO_FALLBACK_ORDER = (
    "gpt-5.2",
    "claude-sonnet-4.5",
    "gemini-3-flash",
    "deepseek-v3",
    "claude-haiku-4.5",
    "mistral-large",
)
_CODE_HINTS = (
    "```",
    "code",
    "function",
    "python",
    "javascript",
    "typescript",
    "rust",
    "golang",
    "sql",
    "regex",
    "bug",
    "debug",
    "compile",
    "refactor",
    "script",
    "class ",
    "def ",
)
LONG_PROMPT_WORDS = 80

#: Hooks for the account modules (conversations, memory, privacy, auto top-up). ``BEFORE_CHARGE``
#: hooks run after body validation and before credits are reserved (they may raise ``ApiError``,
#: e.g. 404 for an unknown ``conversation_id``); ``AFTER_RECORD`` hooks run after each request is
#: added to the history (successful or not).
BEFORE_CHARGE: list[Callable[[RequestContext, CommonParams], None]] = []
AFTER_RECORD: list[Callable[[RequestContext, HistoryEntry], None]] = []


def terminal_error(message: str, status: int, refunded: bool) -> dict[str, Any]:
    """The in-stream error that ends a stream."""
    return {"event": "error", "error": message, "status_code": status, "refunded": refunded}


def _conversation(common: CommonParams) -> dict[str, Any]:
    return {} if common.conversation_id is None else {"conversation_id": common.conversation_id}


def _record(
    ctx: RequestContext,
    billing: Billing,
    common: CommonParams,
    models: Sequence[str],
    *,
    content: str | None,
    gens: Sequence[Generation] = (),
    error: tuple[int, str] | None = None,
    resolved: str | None = None,
    latency: float = 0.0,
) -> None:
    entry = HistoryEntry(
        id=ctx.request_id,
        mode=billing.mode,
        models=list(models),
        prompt=common.prompt,
        messages=common.messages,
        content=content,
        status="error" if error else "ok",
        status_code=error[0] if error else 200,
        error=error[1] if error else None,
        resolved_model=resolved,
        responses={g.model: g.text for g in gens if not g.failed},
        credits_charged=0 if billing.refunded else billing.charged,
        refunded=billing.refunded,
        conversation_id=common.conversation_id,
        latency_ms=ms(latency),
        prompt_tokens=common.prompt_tokens,
        completion_tokens=sum(g.completion_tokens for g in gens),
        cost=round(sum(g.cost for g in gens), 8),
    )
    ctx.state.history.append(entry)
    for hook in AFTER_RECORD:
        hook(ctx, entry)


def _start(ctx: RequestContext, common: CommonParams, billing: Billing, models: Sequence[str]) -> Recall:
    """Run the ``BEFORE_CHARGE`` hooks, reserve the credits (``models``: those the request may
    run, for BYOK), and recall the semantic memories the request injects."""
    for hook in BEFORE_CHARGE:
        hook(ctx, common)
    billing.reserve(models)
    return recall(
        ctx.state,
        common.prompt,
        enabled=common.semantic_memory,
        top_k=common.semantic_top_k,
        min_score=common.semantic_min_score,
    )


def _plan(
    ctx: RequestContext,
    model: str,
    common: CommonParams,
    *,
    billing: Billing,
    salt: str = "",
    prompt: str | None = None,
    messages: list[dict[str, Any]] | None = None,
    lead: str = "",
) -> Generation:
    """What ``model`` answers in this request: its queued one-call reply, else its script.

    ``messages`` (default: the request's) are what the model reads; a model reading other models'
    answers gets them (see ``_text.reading_messages``), and its ``prompt_tokens`` count them. The
    run counts for the model's circuit breaker. In strict mode a model with neither a reply nor a
    script (and no fault or allowed path covering the request) fails with 418 instead, so nothing
    unscripted reaches the code under test.
    """
    state = ctx.state
    book = scripts(state)
    reply = book.take_reply(model)
    tokens = common.prompt_tokens if messages is None else prompt_tokens(messages)
    if reply is None and book.strict and not book.covered and not is_scripted(state, model):
        message = unscripted_model(state, model, ctx.request.method, ctx.api_path)
        return Generation(
            model=model,
            chunks=[],
            latency=0.0,
            prompt_tokens=tokens,
            status_code=UNSCRIPTED_STATUS,
            error=message,
        )
    book.asked.add(model)
    gen = plan(
        state,
        model,
        common.messages if messages is None else messages,
        prompt=common.prompt if prompt is None else prompt,
        prompt_tokens=tokens,
        max_tokens=common.max_tokens,
        salt=salt,
        text=None if reply is None else reply.content,
        lead=lead,
    )
    if reply is not None:
        if reply.prompt_tokens is not None:
            gen.prompt_tokens = reply.prompt_tokens
        gen.scripted_completion_tokens = reply.completion_tokens
        gen.scripted_cost = reply.cost
        if reply.finish_reason is not None:
            gen.finish_reason = reply.finish_reason
        if reply.credits_charged is not None:
            billing.script_charge(reply.credits_charged)
    _mesh.record(state, model, gen.status_code)
    return gen


def _estimate(ctx: RequestContext, model: str, common: CommonParams) -> _mesh.Estimate:
    """What ``model`` would take and cost for this request (without using its queued reply)."""
    state = ctx.state
    queued = scripts(state).replies.get(model)
    reply = queued[0] if queued else None
    if reply is not None:
        text = reply.content
    elif callable(state.behaviour(model).text):
        # Never call a test's reply function just to estimate: it may count its calls.
        text = generate(model, common.prompt)
    else:
        text = answer_text(state, model, common.messages, prompt=common.prompt)
    words = len(split_words(text))
    if common.max_tokens is not None:
        words = min(words, common.max_tokens)
    chunks = -(-words // 3)
    latency = state.latency_for(model)
    if reply is not None and reply.cost is not None:
        cost = reply.cost
    else:
        cost = (common.prompt_tokens + words) * price_of(state, model)
    return _mesh.Estimate(duration=chunks * latency, latency=latency, cost=cost)


def _usage(gen: Generation, *, latency: float, ttft: float) -> dict[str, Any]:
    return {
        "prompt_tokens": gen.prompt_tokens,
        "completion_tokens": gen.completion_tokens,
        "ttft_ms": ms(ttft),
        "tokens_per_second": gen.tokens_per_second(),
        "cost": gen.cost,
        "latency_ms": ms(latency),
    }


# -- models ---------------------------------------------------------------------------------------


@API_ROUTES.route("GET", "/models")
def list_models(ctx: RequestContext) -> SandboxResponse:
    """``GET /models``: the catalogue as a JSON array."""
    return json_response([model.to_dict() for model in ctx.state.catalogue.values()])


# -- chat -----------------------------------------------------------------------------------------


def choose_auto(state: SandboxState, common: CommonParams, goal: str) -> str:
    """The model ``auto`` resolves to (deterministic heuristics, see the module docstring)."""
    scripted = scripts(state).auto_model
    if scripted is not None and scripted in state.catalogue:
        return scripted  # the test's choice (``Scenario.auto_resolves_to``), images or not
    lowered = common.prompt.lower()
    if goal == "cost":
        pick = "deepseek-v3"
    elif any(hint in lowered for hint in _CODE_HINTS):
        pick = "claude-sonnet-4.5"
    elif count_words(common.prompt) >= LONG_PROMPT_WORDS:
        pick = "gpt-5.2"
    else:
        pick = "gemini-3-flash"
    # With images, a non-vision pick gives way to the cheapest vision model first.
    candidates = [pick, "gemini-3-flash", *AUTO_FALLBACK_ORDER, *state.catalogue]
    for model in candidates:
        entry = state.catalogue.get(model)
        if entry is None or model == AUTO:
            continue
        if common.has_images and not entry.vision:
            continue
        return model
    raise ApiError(503, "Auto routing found no suitable model in the catalogue")


def _auto_fallbacks(state: SandboxState, primary: str, count: int, images: bool) -> list[str]:
    chain: list[str] = []
    for model in AUTO_FALLBACK_ORDER:
        entry = state.catalogue.get(model)
        if model == primary or entry is None or (images and not entry.vision):
            continue
        chain.append(model)
    return chain[:count]


def _max_fallbacks(state: SandboxState) -> int:
    value = state.policy.get("max_fallbacks", 0)
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(0, value)


@API_ROUTES.route("POST", "/chat", bucket="chat", streaming=True)
def chat(ctx: RequestContext) -> SandboxResponse:
    """``POST /chat``: single model, auto, or mesh failover."""
    state = ctx.state
    params = chat_params(state, ctx.json_object())
    common = params.common
    is_auto = params.model == AUTO or params.cost_saver
    goal = "cost" if params.cost_saver else (params.goal or "balanced")
    primary = choose_auto(state, common, goal) if is_auto else params.model
    chain: list[str] | None = None
    if params.routing:
        chain = list(dict.fromkeys([primary, *params.fallback]))
    elif is_auto and _max_fallbacks(state) > 0:
        chain = [primary, *_auto_fallbacks(state, primary, _max_fallbacks(state), common.has_images)]
    mode = "mesh" if chain is not None else ("auto" if is_auto else "chat")
    billing = Billing(state, ctx.request_id, mode)
    memory = _start(ctx, common, billing, chain or [primary])
    auto_meta: dict[str, Any] = (
        {"auto_strategy": "heuristic_routing", "optimization_goal": goal} if is_auto else {}
    )
    if chain is not None:
        ordered = _mesh.order_chain(state, chain, params.strategy, lambda m: _estimate(ctx, m, common))
        return _mesh_run(ctx, common, ordered, billing, auto_meta, memory)
    return _single(ctx, common, primary, billing, auto_meta, memory, requested=params.model)


def _single(
    ctx: RequestContext,
    common: CommonParams,
    model: str,
    billing: Billing,
    auto_meta: dict[str, Any],
    memory: Recall,
    *,
    requested: str,
) -> SandboxResponse:
    gen = _plan(ctx, model, common, billing=billing)
    meta = {"resolved_model": model, **auto_meta} if auto_meta else {}
    timeline = Timeline()
    for k, delta in enumerate(gen.chunks):
        timeline.add((k + 1) * gen.latency, {"model": model, "delta": delta, "done": False})
    if gen.failed:
        assert gen.status_code is not None and gen.error is not None
        billing.refund()
        _record(
            ctx,
            billing,
            common,
            [requested],
            content=None,
            gens=[gen],
            error=(gen.status_code, gen.error),
            resolved=model,
            latency=gen.duration,
        )
        if not common.stream:
            raise ApiError(
                gen.status_code, gen.error, extra={"model": model, "refunded": True}, delay=gen.duration
            )
        timeline.add(gen.duration, terminal_error(gen.error, gen.status_code, True))
        return timeline.to_sse()
    billing.settle([gen])
    _record(
        ctx, billing, common, [requested], content=gen.text, gens=[gen], resolved=model, latency=gen.duration
    )
    usage = _usage(gen, latency=gen.duration, ttft=gen.ttft)
    if not common.stream:
        body = {
            "id": ctx.request_id,
            "model": model,
            **meta,
            "content": gen.text,
            **usage,
            **billing.fields(),
            "finish_reason": gen.finish_reason,
            "byok": billing.byok,
            "mode": billing.mode,
            **memory.fields(),
            **_conversation(common),
        }
        return json_response(body, delay=gen.duration)
    timeline.add(
        gen.duration,
        {
            "model": model,
            "delta": "",
            "done": True,
            "latency_ms": ms(gen.duration),
            "content_length": len(gen.text),
        },
    )
    timeline.add(
        gen.duration,
        {
            "event": "done",
            "id": ctx.request_id,
            "model": model,
            **meta,
            "finish_reason": gen.finish_reason,
            **billing.fields(),
            **usage,
            "byok": billing.byok,
            **memory.fields(),
            **_conversation(common),
            "mode": billing.mode,
        },
    )
    return timeline.to_sse()


def _mesh_run(
    ctx: RequestContext,
    common: CommonParams,
    chain: list[str],
    billing: Billing,
    auto_meta: dict[str, Any],
    memory: Recall,
) -> SandboxResponse:
    state = ctx.state
    timeline = Timeline()
    attempts: list[dict[str, Any]] = []
    gens: list[Generation] = []
    clock = 0.0
    final: Generation | None = None
    final_start = 0.0
    stop: tuple[int, str] | None = None
    for model in chain:
        breaker = _mesh.breaker_state(state, model)
        if breaker == "open":
            retry_in = _mesh.health(state).breakers[model].retry_in(state.clock())
            skipped = {
                "model": model,
                "status": "skipped",
                "reason": "circuit_open",
                "retry_in_ms": ms(retry_in),
                "latency_ms": 0,
            }
            timeline.add(clock, {"event": "route", **skipped})
            attempts.append(skipped)
            continue
        trying: dict[str, Any] = {"event": "route", "model": model, "status": "trying"}
        if breaker == "half_open":
            trying["reason"] = "circuit_half_open"
        timeline.add(clock, trying)
        gen = _plan(ctx, model, common, billing=billing)
        gens.append(gen)
        for k, delta in enumerate(gen.chunks):
            event: dict[str, Any] = {
                "event": "chunk",
                "model": model,
                "delta": delta,
                "tokens": count_words(delta),
                "cost": gen.chunk_cost(delta),
            }
            if not gen.failed and k == len(gen.chunks) - 1:
                event["finish_reason"] = gen.finish_reason
            timeline.add(clock + (k + 1) * gen.latency, event)
        start, clock = clock, clock + gen.duration
        if gen.failed:
            assert gen.status_code is not None and gen.error is not None
            failed = {
                "model": model,
                "status": "failed",
                "status_code": gen.status_code,
                "error": gen.error,
                "latency_ms": ms(gen.duration),
            }
            timeline.add(clock, {"event": "route", **failed})
            attempts.append(failed)
            if gen.status_code not in RETRYABLE_STATUSES:
                stop = (gen.status_code, gen.error)
                break
            continue
        timeline.add(
            clock, {"event": "route", "model": model, "status": "ok", "latency_ms": ms(gen.duration)}
        )
        attempts.append({"model": model, "status": "ok", "latency_ms": ms(gen.duration)})
        final, final_start = gen, start
        break

    if final is None:
        status, message = stop or (503, "All fallback models failed")
        billing.refund()
        _record(ctx, billing, common, chain, content=None, gens=gens, error=(status, message), latency=clock)
        trace = {
            "final_model": None,
            "attempts": attempts,
            "trace": attempts,
            "saved_ms": 0,
            "terminal_error": message,
        }
        if not common.stream:
            raise ApiError(status, message, extra={"refunded": True, **trace}, delay=clock)
        timeline.add(clock, {"event": "trace", **trace})
        timeline.add(clock, terminal_error(message, status, True))
        return timeline.to_sse()

    # Billing settles once, on the model that answered (failed attempts are not billed).
    billing.settle([final])
    _record(
        ctx, billing, common, chain, content=final.text, gens=[final], resolved=final.model, latency=clock
    )
    meta = {"resolved_model": final.model, **auto_meta}
    usage = _usage(final, latency=clock, ttft=final_start + final.ttft)
    if not common.stream:
        body = {
            "id": ctx.request_id,
            "model": final.model,
            **meta,
            "content": final.text,
            **usage,
            **billing.fields(),
            "finish_reason": final.finish_reason,
            "byok": billing.byok,
            "mode": billing.mode,
            **memory.fields(),
            **_conversation(common),
            "final_model": final.model,
            "trace": attempts,
        }
        return json_response(body, delay=clock)
    timeline.add(
        clock,
        {
            "event": "trace",
            "final_model": final.model,
            "attempts": attempts,
            "trace": attempts,
            "saved_ms": 0,
        },
    )
    timeline.add(
        clock,
        {
            "event": "done",
            "id": ctx.request_id,
            "model": final.model,
            **meta,
            "finish_reason": final.finish_reason,
            **billing.fields(),
            **usage,
            "byok": billing.byok,
            **memory.fields(),
            **_conversation(common),
            "mode": billing.mode,
        },
    )
    return timeline.to_sse()


# -- compare --------------------------------------------------------------------------------------


def _summary(gens: Sequence[Generation]) -> dict[str, Any]:
    ok = [g for g in gens if not g.failed]
    models: dict[str, Any] = {}
    for gen in gens:
        entry: dict[str, Any] = {
            "latency_ms": ms(gen.duration),
            "tokens": gen.completion_tokens,
            "content_length": len(gen.text),
            "status": "error" if gen.failed else "ok",
        }
        if gen.failed:
            entry["status_code"] = gen.status_code
        models[gen.model] = entry
    # min()/max() return the first of equal items, which gives the documented model-order tie-break.
    return {
        "fastest": min(ok, key=lambda g: g.duration).model if ok else None,
        "longest": max(ok, key=lambda g: len(g.text)).model if ok else None,
        "models": models,
    }


def _response_entry(gen: Generation, **extra: Any) -> dict[str, Any]:
    if gen.failed:
        return {
            "model": gen.model,
            **extra,
            "status": "error",
            "error": gen.error,
            "status_code": gen.status_code,
            "content": gen.text,
            "latency_ms": ms(gen.duration),
        }
    return {
        "model": gen.model,
        **extra,
        "content": gen.text,
        "latency_ms": ms(gen.duration),
        "completion_tokens": gen.completion_tokens,
        "prompt_tokens": gen.prompt_tokens,
        "cost": gen.cost,
        "status": "ok",
    }


def _fail_all(
    ctx: RequestContext,
    billing: Billing,
    common: CommonParams,
    models: Sequence[str],
    gens: Sequence[Generation],
    timeline: Timeline,
    *,
    status: int,
    message: str,
    extra: dict[str, Any] | None = None,
) -> SandboxResponse:
    billing.refund()
    _record(
        ctx, billing, common, models, content=None, gens=gens, error=(status, message), latency=timeline.end
    )
    if not common.stream:
        raise ApiError(status, message, extra={"refunded": True, **(extra or {})}, delay=timeline.end)
    timeline.add(timeline.end, terminal_error(message, status, True))
    return timeline.to_sse()


@API_ROUTES.route("POST", "/compare", bucket="compare", streaming=True)
def compare(ctx: RequestContext) -> SandboxResponse:
    """``POST /compare``: 2-9 models side by side."""
    params = compare_params(ctx.state, ctx.json_object())
    common = params.common
    billing = Billing(ctx.state, ctx.request_id, "compare")
    memory = _start(ctx, common, billing, params.models)
    gens = [_plan(ctx, model, common, billing=billing) for model in params.models]
    timeline = Timeline()
    end = timeline.run_lanes([Lane(g) for g in gens], 0.0)
    if all(g.failed for g in gens):
        return _fail_all(
            ctx,
            billing,
            common,
            params.models,
            gens,
            timeline,
            status=502,
            message="All models failed",
            extra={"responses": [_response_entry(g) for g in gens]},
        )
    billing.settle(gens)
    _record(ctx, billing, common, params.models, content=None, gens=gens, latency=end)
    summary = _summary(gens)
    if not common.stream:
        body = {
            "id": ctx.request_id,
            "responses": [_response_entry(g) for g in gens],
            "summary": summary,
            **billing.fields(),
            "latency_ms": ms(end),
            **memory.fields(),
            **_conversation(common),
        }
        return json_response(body, delay=end)
    timeline.add(end, {"event": "summary", **summary})
    timeline.add(
        end,
        {
            "event": "done",
            "id": ctx.request_id,
            **billing.fields(),
            "latency_ms": ms(end),
            **memory.fields(),
            **_conversation(common),
        },
    )
    return timeline.to_sse()


# -- blend ----------------------------------------------------------------------------------------


def _answers(gens: Sequence[Generation]) -> list[tuple[str, str]]:
    return [(g.model, g.text) for g in gens]


@API_ROUTES.route("POST", "/blend", bucket="blend", streaming=True)
def blend(ctx: RequestContext) -> SandboxResponse:
    """``POST /blend``: gather sources (in parallel, a chain, layers or samples), then synthesize."""
    state = ctx.state
    params = blend_params(state, ctx.json_object())
    common = params.common
    billing = Billing(state, ctx.request_id, "blend")
    memory = _start(ctx, common, billing, [*params.models, params.synthesizer])
    timeline = Timeline()
    sources: list[dict[str, Any]] = []
    all_gens: list[Generation] = []
    survivors: list[Generation] = []

    if params.strategy == "self_moa":
        assert params.samples is not None
        model = params.models[0]
        lanes = [
            Lane(
                _plan(ctx, model, common, billing=billing, salt=variant_salt(sample=i)),
                {"sample": i, "phase": "sample"},
            )
            for i in range(1, params.samples + 1)
        ]
        timeline.run_lanes(lanes, 0.0)
        sources = [_response_entry(lane.gen, sample=lane.extra["sample"]) for lane in lanes]
        all_gens = [lane.gen for lane in lanes]
        survivors = [g for g in all_gens if not g.failed]
    elif params.strategy == "moa":
        assert params.layers is not None
        active = list(params.models)
        previous: list[Generation] = []
        for layer in range(1, params.layers + 1):
            lanes = []
            for model in active:
                if layer == 1:
                    gen = _plan(ctx, model, common, billing=billing)
                else:
                    # Each model of layer k reads every answer of layer k-1.
                    read = reading_messages(common.messages, _answers(previous), layer=layer)
                    gen = _plan(
                        ctx,
                        model,
                        common,
                        billing=billing,
                        salt=variant_salt(layer=layer),
                        prompt=str(read[-1]["content"]),
                        messages=read,
                        lead=reading_lead(_answers(previous), layer=layer),
                    )
                lanes.append(Lane(gen, {"phase": "layer", "layer": layer}))
            timeline.run_lanes(lanes, timeline.end)
            sources += [_response_entry(lane.gen, layer=layer) for lane in lanes]
            all_gens += [lane.gen for lane in lanes]
            survivors = previous = [lane.gen for lane in lanes if not lane.gen.failed]
            active = [g.model for g in survivors]
            if not active:
                break
    elif params.strategy == "chain":
        # Sequential: each step starts when the previous one ends and reads its answer (a failed
        # step is passed over: the next one reads the last answer that came through).
        last: Generation | None = None
        for step, model in enumerate(params.models, start=1):
            if last is None:
                gen = _plan(ctx, model, common, billing=billing)
            else:
                read = reading_messages(common.messages, _answers([last]))
                gen = _plan(
                    ctx,
                    model,
                    common,
                    billing=billing,
                    prompt=str(read[-1]["content"]),
                    messages=read,
                    lead=reading_lead(_answers([last])),
                )
            timeline.run_lanes([Lane(gen, {"phase": "gather", "step": step})], timeline.end)
            sources.append(_response_entry(gen, step=step))
            all_gens.append(gen)
            if not gen.failed:
                last = gen
        survivors = [g for g in all_gens if not g.failed]
    else:
        lanes = [Lane(_plan(ctx, model, common, billing=billing), {"phase": "gather"}) for model in params.models]
        timeline.run_lanes(lanes, 0.0)
        sources = [_response_entry(lane.gen) for lane in lanes]
        all_gens = [lane.gen for lane in lanes]
        survivors = [g for g in all_gens if not g.failed]

    if not survivors:
        return _fail_all(
            ctx,
            billing,
            common,
            params.models,
            all_gens,
            timeline,
            status=502,
            message="All source models failed",
            extra={"sources": sources},
        )

    synth_prompt = "\x00".join([common.prompt, *(g.text for g in survivors)])
    synth_reads = reading_messages(
        common.messages,
        _answers(survivors),
        task=f"Synthesize one answer from these answers (strategy: {params.strategy}).",
    )
    synth = _plan(
        ctx,
        params.synthesizer,
        common,
        billing=billing,
        salt=f"synthesis:{params.strategy}",
        prompt=synth_prompt,
        messages=synth_reads,
    )
    end = timeline.run_lanes([Lane(synth, {"phase": "synthesis"})], timeline.end)
    if synth.failed:
        assert synth.status_code is not None and synth.error is not None
        return _fail_all(
            ctx,
            billing,
            common,
            params.models,
            [*all_gens, synth],
            timeline,
            status=synth.status_code,
            message=synth.error,
            extra={"sources": sources},
        )
    billing.settle([*all_gens, synth])
    _record(
        ctx,
        billing,
        common,
        params.models,
        content=synth.text,
        gens=[*all_gens, synth],
        resolved=params.synthesizer,
        latency=end,
    )
    result = {
        "strategy": params.strategy,
        "synthesizer": params.synthesizer,
        "source_models": list(params.models),
        "candidates": params.samples,
        "layers": params.layers,
        "latency_ms": ms(end),
        "content": synth.text,
        "finish_reason": synth.finish_reason,
        **billing.fields(),
        **memory.fields(),
        **_conversation(common),
    }
    if not common.stream:
        return json_response({"id": ctx.request_id, **result, "sources": sources}, delay=end)
    timeline.add(end, {"event": "done", "id": ctx.request_id, **result})
    return timeline.to_sse()


# -- judge ----------------------------------------------------------------------------------------


def verdict(gens: Sequence[Generation], prompt: str, criteria: Sequence[str], judge: str) -> dict[str, Any]:
    """The judge's ranked verdict (deterministic; see the module docstring)."""
    scored = []
    for order, gen in enumerate(gens):
        if gen.failed:
            scored.append((1, 0.0, order, gen, f"{gen.model} gave no answer: {gen.error}"))
        else:
            value = score(gen.model, prompt, criteria)
            scored.append((0, value, order, gen, reasoning(gen.model, value, criteria)))
    scored.sort(key=lambda item: (item[0], -item[1], item[2]))
    scores = [
        {"model": gen.model, "rank": rank, "score": value, "reasoning": why}
        for rank, (_, value, _, gen, why) in enumerate(scored, start=1)
    ]
    winner = scores[0]
    focus = f" on {', '.join(criteria)}" if criteria else ""
    overall = (
        f"{winner['model']} gives the strongest answer{focus} ({winner['score']:.1f}/10), judged by {judge}."
    )
    return {"winner": winner["model"], "scores": scores, "overall": overall}


def _judge_run(
    state: SandboxState, judge: str, common: CommonParams, gens: Sequence[Generation], result: dict[str, Any]
) -> Generation:
    """The judge's own run, for billing: it reads the question and every answer, and writes the verdict."""
    written = " ".join([str(result["overall"]), *(str(s["reasoning"]) for s in result["scores"])])
    return Generation(
        model=judge,
        chunks=[written],
        latency=state.latency_for(judge),
        prompt_tokens=common.prompt_tokens + sum(g.completion_tokens for g in gens if not g.failed),
        price=price_of(state, judge),
    )


@API_ROUTES.route("POST", "/judge", bucket="judge", streaming=True)
def judge(ctx: RequestContext) -> SandboxResponse:
    """``POST /judge``: contestants answer, the judge ranks them."""
    state = ctx.state
    params = judge_params(state, ctx.json_object())
    common = params.common
    billing = Billing(state, ctx.request_id, "judge")
    memory = _start(ctx, common, billing, [*params.contestants, params.judge])
    gens = [_plan(ctx, model, common, billing=billing) for model in params.contestants]
    timeline = Timeline()
    end = timeline.run_lanes([Lane(g) for g in gens], 0.0)
    contestants = [_response_entry(g) for g in gens]
    if all(g.failed for g in gens):
        return _fail_all(
            ctx,
            billing,
            common,
            params.contestants,
            gens,
            timeline,
            status=502,
            message="All contestants failed",
            extra={"contestants": contestants},
        )
    scripts(state).asked.add(params.judge)  # its verdict needs no script, but a scripted judge is used
    judge_behaviour = state.behaviour(params.judge)
    end += state.latency_for(params.judge)
    timeline.end = max(timeline.end, end)
    if judge_behaviour.fail_status is not None:
        status = judge_behaviour.fail_status
        message = judge_behaviour.fail_message or failure_message(params.judge, status)
        _mesh.record(state, params.judge, status)
        return _fail_all(
            ctx,
            billing,
            common,
            params.contestants,
            gens,
            timeline,
            status=status,
            message=message,
            extra={"contestants": contestants},
        )
    result = verdict(gens, common.prompt, params.criteria, params.judge)
    _mesh.record(state, params.judge, None)
    winner = next(g for g in gens if g.model == result["winner"])
    billing.settle([*gens, _judge_run(state, params.judge, common, gens, result)])
    _record(
        ctx,
        billing,
        common,
        params.contestants,
        content=winner.text,
        gens=gens,
        resolved=winner.model,
        latency=end,
    )
    if not common.stream:
        body = {
            "id": ctx.request_id,
            "verdict": result,
            "winner_response": {"model": winner.model, "content": winner.text},
            "contestants": contestants,
            "judge": params.judge,
            **billing.fields(),
            "latency_ms": ms(end),
            **memory.fields(),
            **_conversation(common),
        }
        return json_response(body, delay=end)
    timeline.add(end, {"event": "verdict", **result})
    timeline.add(
        end,
        {
            "event": "done",
            "id": ctx.request_id,
            "judge": params.judge,
            **billing.fields(),
            "latency_ms": ms(end),
            **memory.fields(),
            **_conversation(common),
        },
    )
    return timeline.to_sse()
