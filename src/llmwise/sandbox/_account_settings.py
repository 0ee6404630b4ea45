"""Settings: BYOK provider keys, privacy (zero-retention and purge), the dashboard copilot.

Wire shapes: ``docs/account-wire.md``. Raw provider keys are kept in memory only and never returned
(only their last four characters); which models they cover, and what that does to billing, is in
``_byok``.
"""

from __future__ import annotations

import re
from typing import Any

from ._account_data import purge
from ._account_util import bad, body_bool, body_str, not_found
from ._byok import ProviderKey, ProviderKeys
from ._http import RequestContext, SandboxResponse, json_response
from ._memory import Privacy
from ._routing import API_ROUTES

_PROVIDER = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")
MIN_PROVIDER_KEY = 8


# -- provider keys (BYOK) -------------------------------------------------------------------------


@API_ROUTES.route("GET", "/settings/keys")
def settings_keys(ctx: RequestContext) -> SandboxResponse:
    """``GET /settings/keys``: configured providers, never the raw keys."""
    return json_response(ctx.state.component(ProviderKeys).to_dict())


@API_ROUTES.route("PUT", "/settings/keys")
def save_settings_keys(ctx: RequestContext) -> SandboxResponse:
    """``PUT /settings/keys`` ``{"keys": {"openai": "sk-..."}}``: add or replace keys."""
    keys = ctx.json_object().get("keys")
    if keys is None:
        raise bad("'keys' is required (an object of provider name -> API key)")
    if not isinstance(keys, dict):
        raise bad("'keys' must be an object of provider name -> API key")
    checked: dict[str, str] = {}
    for name, secret in keys.items():
        provider = name.strip().lower()
        if not _PROVIDER.fullmatch(provider):
            raise bad(f"'keys.{name}': provider names are 1-40 lowercase letters, digits, '.', '_' or '-'")
        if not isinstance(secret, str) or len(secret.strip()) < MIN_PROVIDER_KEY:
            raise bad(f"'keys.{name}' must be an API key string of at least {MIN_PROVIDER_KEY} characters")
        checked[provider] = secret.strip()
    store = ctx.state.component(ProviderKeys)
    for provider, secret in checked.items():
        store.items[provider] = ProviderKey(secret)
    return json_response(store.to_dict())


@API_ROUTES.route("DELETE", "/settings/keys/{provider}")
def delete_settings_key(ctx: RequestContext) -> SandboxResponse:
    """``DELETE /settings/keys/{provider}``: 404 when that provider has no key."""
    provider = ctx.params["provider"].strip().lower()
    store = ctx.state.component(ProviderKeys)
    if provider not in store.items:
        raise not_found("Provider key", provider)
    del store.items[provider]
    return json_response({"deleted": True, "provider": provider})


# -- privacy --------------------------------------------------------------------------------------


@API_ROUTES.route("GET", "/settings/privacy")
def settings_privacy(ctx: RequestContext) -> SandboxResponse:
    """``GET /settings/privacy``."""
    return json_response(ctx.state.component(Privacy).to_dict())


@API_ROUTES.route("PUT", "/settings/privacy")
def update_privacy(ctx: RequestContext) -> SandboxResponse:
    """``PUT /settings/privacy``: zero-retention forces training opt-in off and may purge stored data."""
    body = ctx.json_object()
    training = body_bool(body, "data_training_opt_in")
    zero_retention = body_bool(body, "zero_retention_mode")
    purge_existing = body_bool(body, "purge_existing_data")
    privacy = ctx.state.component(Privacy)
    if zero_retention is not None:
        privacy.zero_retention_mode = zero_retention
    if training is not None:
        privacy.data_training_opt_in = training
    if privacy.zero_retention_mode:
        privacy.data_training_opt_in = False
    purged = {"memories": 0, "conversations_scrubbed": 0, "requests_redacted": 0}
    if purge_existing and privacy.zero_retention_mode:
        purged = purge(ctx.state)
    return json_response({**privacy.to_dict(), "purged": purged})


# -- copilot --------------------------------------------------------------------------------------


class Copilot:
    def __init__(self) -> None:
        self.goal: str | None = None
        self.onboarded = False
        self.checklist: dict[str, bool] = {}

    def to_dict(self) -> dict[str, Any]:
        return {"goal": self.goal, "onboarded": self.onboarded, "checklist": dict(self.checklist)}


@API_ROUTES.route("GET", "/settings/copilot")
def copilot_state(ctx: RequestContext) -> SandboxResponse:
    """``GET /settings/copilot``."""
    return json_response(ctx.state.component(Copilot).to_dict())


@API_ROUTES.route("PUT", "/settings/copilot")
def update_copilot(ctx: RequestContext) -> SandboxResponse:
    """``PUT /settings/copilot``: partial; ``checklist`` items are merged, ``goal: null`` clears it."""
    body = ctx.json_object()
    goal = body_str(body, "goal", max_length=200)
    onboarded = body_bool(body, "onboarded")
    checklist = body.get("checklist")
    if checklist is not None:
        if not isinstance(checklist, dict):
            raise bad("'checklist' must be an object of item name -> boolean")
        for key, value in checklist.items():
            if not isinstance(value, bool):
                raise bad(f"'checklist.{key}' must be a boolean, got {type(value).__name__}")
    copilot = ctx.state.component(Copilot)
    if "goal" in body:
        copilot.goal = (goal.strip() or None) if goal is not None else None
    if onboarded is not None:
        copilot.onboarded = onboarded
    if checklist is not None:
        copilot.checklist.update(checklist)
    return json_response(copilot.to_dict())


# Keyword topics the copilot knows: (keywords, answer sentence, docs page).
TOPICS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("credit", "credits", "billing", "balance", "wallet", "purchase", "top-up", "topup", "pay", "price"),
        "Credits are bought in packs or custom amounts ($1 = 100 credits); chat reserves 1 credit, "
        "compare 2, blend 4 and judge 5, settled against the tokens used, and auto top-up refills "
        "the wallet below a threshold.",
        "/docs/billing-and-credits",
    ),
    (
        ("key", "keys", "token", "auth", "authentication", "401", "403"),
        "API keys start with mm_sk_ and are sent as 'Authorization: Bearer <key>'; generating a new key "
        "(from the dashboard) revokes the previous one.",
        "/docs/authentication-and-api-keys",
    ),
    (
        ("memory", "memories", "recall", "semantic"),
        "Semantic memory stores each chat exchange and recalls related ones; list, search or delete "
        "entries under /memory.",
        "/docs/semantic-memory-api",
    ),
    (
        ("privacy", "retention", "purge", "training", "gdpr"),
        "Zero-retention mode stops storing prompts, responses and memories; with purge_existing_data it "
        "also deletes what was stored.",
        "/docs/privacy-security-and-data-controls",
    ),
    (
        ("fallback", "fallbacks", "failover", "mesh", "routing", "auto", "policy", "optimization"),
        "model='auto' picks a model per request; set max_fallbacks in the optimization policy to fail "
        "over to backup models automatically.",
        "/docs/auto-routing-and-optimization",
    ),
    (
        ("compare", "blend", "judge", "consensus", "moa"),
        "Compare runs 2-9 models side by side, blend synthesizes their answers, judge ranks contestants "
        "with a separate judge model.",
        "/docs/compare-blend-judge-reference",
    ),
    (
        ("rate", "limit", "limits", "429", "throttle", "throttled"),
        "Rate limits are per minute and per endpoint bucket; honour Retry-After on 429 answers.",
        "/docs/rate-limits-and-reliability",
    ),
    (
        ("replay", "regression", "test", "tests", "suite", "suites"),
        "Replay projects cost, latency and reliability of a routing change over recent traffic; test "
        "suites and regression schedules catch quality drift.",
        "/docs/replay-lab-tutorial",
    ),
)
_WORD = re.compile(r"[a-z0-9][a-z0-9-]*")


def copilot_answer(question: str, path: str | None, goal: str | None) -> dict[str, Any]:
    """A deterministic answer: one sentence per matching topic, with its docs page."""
    words = set(_WORD.findall(question.lower()))
    matched = [(answer, source) for keywords, answer, source in TOPICS if words & set(keywords)]
    if not matched:
        matched = [
            (
                "Start with POST /api/v1/chat and model='auto'; the docs cover billing, keys, memory, "
                "privacy and optimization in detail.",
                "/docs",
            )
        ]
    parts = [answer for answer, _ in matched]
    if path:
        parts.insert(0, f"On {path}:")
    if goal:
        parts.append(f"(Your goal: {goal}.)")
    return {"answer": " ".join(parts), "sources": [source for _, source in matched]}


@API_ROUTES.route("POST", "/settings/copilot/ask", bucket="copilot")
def ask_copilot(ctx: RequestContext) -> SandboxResponse:
    """``POST /settings/copilot/ask`` ``{"question", "path"?, "context"?}``."""
    body = ctx.json_object()
    question = body_str(body, "question", required=True, max_length=4000)
    assert question is not None
    path = body_str(body, "path", max_length=500)
    context = body.get("context")
    if context is not None:
        if not isinstance(context, dict):
            raise bad("'context' must be an object of string -> string")
        for key, value in context.items():
            if not isinstance(value, str):
                raise bad(f"'context.{key}' must be a string, got {type(value).__name__}")
    return json_response(copilot_answer(question, path, ctx.state.component(Copilot).goal))
