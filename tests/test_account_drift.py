"""Every account endpoint against a server whose answers differ from the sandbox's in plausible ways.

The contract documents almost none of the account response bodies, so the SDK's models admit what
a real server plausibly sends: integer ids, epoch timestamps, `null` for text and containers, numbers
where the SDK assumed an object (`by_model: {"gpt-5.2": 12}`), provider names where it assumed
objects, listings under other keys, extra fields at every level. Each case is read by a lenient
client (as users have it): nothing raises, nothing is recorded in `response_issues` or logged, and
the values are readable. Strict mode still refuses a value that is truly wrong, without quoting it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from llmwise import APIResponseValidationError, LLMWise
from llmwise._models import BaseModel
from llmwise._pagination import BasePage
from llmwise.types.conversations import Conversation
from llmwise.types.credits import Transaction
from llmwise.types.history import HistoryEntry
from llmwise.types.memory import Memory
from llmwise.types.optimization import TestRun
from llmwise.types.settings import ProviderKey, PurgeCounts
from llmwise.types.usage import UsageBucket, UsageRecord
from support import KEY, Client, mock_client, run

EPOCH = 1771185540
"""2026-02-15T19:59:00Z in epoch seconds."""
EPOCH_MS = EPOCH * 1000 + 123
WHEN = datetime(2026, 2, 15, 19, 59, tzinfo=timezone.utc)
WHEN_MS = datetime(2026, 2, 15, 19, 59, 0, 123000, tzinfo=timezone.utc)
EXTRA: dict[str, Any] = {"x_extra": {"nested": [1, {"deep": None}], "flag": True}}
"""An unknown field, sent at every level of every body."""


def x(**fields: Any) -> dict[str, Any]:
    """A JSON object with the unknown extra field added."""
    return {**fields, **EXTRA}


@dataclass
class Case:
    """One call, what the server answers to each request it makes, and what the caller reads."""

    call: Callable[[Client], Any]
    routes: dict[str, Any]
    """`"METHOD /path"` (relative to /api/v1) -> JSON body."""
    check: Callable[[Any, list[httpx.Request]], object]
    """True when the caller reads what the server meant."""
    expect_sent: dict[str, Any] = field(default_factory=dict)
    """Body fields the request must carry (JSON)."""


def sent_json(requests: list[httpx.Request]) -> Any:
    return json.loads(requests[-1].content) if requests[-1].content else None


def path_of(requests: list[httpx.Request]) -> str:
    return requests[-1].url.path.removeprefix("/api/v1")


CASES: dict[str, Case] = {
    # --- models -------------------------------------------------------------------------------
    "models.list": Case(
        lambda c: c.models.list(),
        {
            "GET /models": x(
                object="list",
                data=[x(id="gpt-5.2", name=None, provider=None, vision=None, is_free=False, tier="pro")],
            )
        },
        lambda r, q: (
            [m.id for m in r] == ["gpt-5.2"]
            and r[0].name is None
            and r[0].is_free is False
            and r[0].tier == "pro"
            and r[0].x_extra == EXTRA["x_extra"]
        ),
    ),
    "models.list (bare ids)": Case(
        lambda c: c.models.list(),
        {"GET /models": ["gpt-5.2", "auto"]},
        lambda r, q: [m.id for m in r] == ["gpt-5.2", "auto"] and r[0].is_free is None,
    ),
    # --- conversations ------------------------------------------------------------------------
    "conversations.list": Case(
        lambda c: c.conversations.list(limit=5),
        {
            "GET /conversations": x(
                results=[
                    x(
                        id=42,
                        title=None,
                        created_at=EPOCH,
                        updated_at=EPOCH_MS,
                        message_count=0,
                        messages=None,
                    )
                ],
                total="1",
            )
        },
        lambda r, q: (
            [c.id for c in r.data] == [42]
            and r.data[0].created_at == WHEN
            and r.data[0].updated_at == WHEN_MS
            and r.data[0].title is None
            and r.data[0].messages is None
            and r.total == 1
            and not r.has_next_page()
        ),
    ),
    "conversations.retrieve": Case(
        lambda c: c.conversations.retrieve(42),
        {
            "GET /conversations/42": x(
                id=42,
                title="Plans",
                messages=[
                    x(role="user", content=None, model=None, created_at=EPOCH),
                    x(
                        role="assistant",
                        content=[x(type="text", text="Hi")],
                        model="gpt-5.2",
                        created_at=EPOCH_MS,
                    ),
                ],
            )
        },
        lambda r, q: (
            path_of(q) == "/conversations/42"
            and isinstance(r, Conversation)
            and r.id == 42
            and r.messages is not None
            and r.messages[0].content is None
            and r.messages[0].created_at == WHEN
            and r.messages[1].content[0]["text"] == "Hi"
            and r.messages[1]["x_extra"] == EXTRA["x_extra"]
        ),
    ),
    "conversations.create": Case(
        lambda c: c.conversations.create(),
        {"POST /conversations": x(id=7, title=None, created_at=EPOCH, updated_at=None, messages=[])},
        lambda r, q: r.id == 7 and r.created_at == WHEN and r.updated_at is None and r.messages == [],
    ),
    "conversations.update": Case(
        lambda c: c.conversations.update(7, title="Renamed"),
        {"PATCH /conversations/7": x(id=7, title="Renamed", updated_at="2026-02-15T19:59:00Z")},
        lambda r, q: (
            path_of(q) == "/conversations/7"
            and q[-1].url.params["title"] == "Renamed"
            and r.updated_at == WHEN
        ),
    ),
    "conversations.delete": Case(
        lambda c: c.conversations.delete(7),
        {"DELETE /conversations/7": x(deleted=True, id=7)},
        lambda r, q: (r.deleted, r.id) == (True, 7),
    ),
    # --- history ------------------------------------------------------------------------------
    "history.list": Case(
        lambda c: c.history.list(),
        {
            "GET /history": x(
                entries=[
                    x(
                        id=1001,
                        mode="chat",
                        models=None,
                        prompt=None,
                        content=None,
                        status=None,
                        credits_charged=0.25,
                        latency_ms=812.5,
                        conversation_id=42,
                        created_at=EPOCH,
                    )
                ],
                total=1.0,
            )
        },
        lambda r, q: (
            isinstance(r.data[0], HistoryEntry)
            and (r.data[0].id, r.data[0].conversation_id, r.data[0].credits_charged) == (1001, 42, 0.25)
            and r.data[0].content is None
            and r.data[0].models is None
            and r.data[0].created_at == WHEN
            and r.total == 1
        ),
    ),
    "history.retrieve": Case(
        lambda c: c.history.retrieve(1001),
        {
            "GET /history/1001": x(
                id=1001,
                messages=None,
                responses=[x(model="gpt-5.2", content=None, status="error")],
                created_at=EPOCH_MS,
            )
        },
        lambda r, q: (
            r.id == 1001
            and r.messages is None
            and r.responses is not None
            and r.responses[0].content is None
            and r.responses[0].x_extra == EXTRA["x_extra"]
            and r.created_at == WHEN_MS
        ),
    ),
    # --- credits ------------------------------------------------------------------------------
    "credits.balance": Case(
        lambda c: c.credits.balance(),
        {"GET /credits/balance": x(credits=12.5, paid_credits=10, free_credits=None)},
        lambda r, q: (r.credits, r.paid_credits, r.free_credits) == (12.5, 10, None),
    ),
    "credits.wallet": Case(
        lambda c: c.credits.wallet(),
        {
            "GET /credits/wallet": x(
                credits=100,
                has_payment_method=None,
                lifetime_purchased_usd=12.34,
                auto_topup=x(enabled=True, threshold_credits=250.5, amount_usd=10, monthly_cap_usd=None),
            )
        },
        lambda r, q: (
            r.auto_topup is not None
            and r.auto_topup.threshold_credits == 250.5
            and r.auto_topup.monthly_cap_usd is None
            and r.has_payment_method is None
        ),
    ),
    "credits.wallet (no auto top-up)": Case(
        lambda c: c.credits.wallet(),
        {"GET /credits/wallet": x(credits=0, auto_topup=None)},
        lambda r, q: r.auto_topup is None and r.credits == 0,
    ),
    "credits.transactions": Case(
        lambda c: c.credits.transactions(),
        {
            "GET /credits/transactions": [
                x(
                    id=9,
                    type="charge",
                    amount=-1.25,
                    balance_after=98.75,
                    request_id=1001,
                    mode=None,
                    description=None,
                    created_at=EPOCH_MS,
                )
            ]
        },
        lambda r, q: (
            isinstance(r.data[0], Transaction)
            and (r.data[0].id, r.data[0].request_id, r.data[0].amount) == (9, 1001, -1.25)
            and r.data[0].created_at == WHEN_MS
            and r.total is None
        ),
    ),
    "credits.packs": Case(
        lambda c: c.credits.packs(),
        {"GET /credits/packs": x(packs=[x(id=3, name=None, credits=500, price_usd=4.99)], currency="usd")},
        lambda r, q: [(p.id, p.credits, p.price_usd) for p in r] == [(3, 500, 4.99)],
    ),
    "credits.purchase": Case(
        lambda c: c.credits.purchase(pack_id=3, utm_source="docs"),
        {
            "POST /credits/purchase": x(
                session_id=555, checkout_url="https://pay.test/555", amount_usd=5, credits=500.0, status=None
            )
        },
        lambda r, q: r.session_id == 555 and r.status is None and r.credits == 500,
        expect_sent={"pack_id": "3", "utm_source": "docs"},
    ),
    "credits.confirm_checkout": Case(
        lambda c: c.credits.confirm_checkout(555),
        {
            "POST /credits/confirm-checkout": x(
                session_id=555, status="completed", credits_added=0, credits=1500.5
            )
        },
        lambda r, q: (r.session_id, r.credits_added, r.credits) == (555, 0, 1500.5),
        expect_sent={"session_id": "555"},
    ),
    "credits.update_auto_topup": Case(
        lambda c: c.credits.update_auto_topup(True),
        {
            "PUT /credits/auto-topup": x(
                auto_topup=x(enabled=True, threshold_credits=300, amount_usd=10.5, monthly_cap_usd=None)
            )
        },
        lambda r, q: r.auto_topup is not None and r.auto_topup.amount_usd == 10.5,
    ),
    # --- usage --------------------------------------------------------------------------------
    "usage.summary (numbers per key)": Case(
        lambda c: c.usage.summary(),
        {
            "GET /usage/summary": x(
                days=7,
                requests=3,
                credits_used=4.5,
                by_mode={"chat": 2, "compare": x(requests=1, credits=2.5)},
                by_model={"gpt-5.2": 12, "claude-sonnet-4.5": 1.5},
            )
        },
        lambda r, q: (
            r.by_model == {"gpt-5.2": 12, "claude-sonnet-4.5": 1.5}
            and r.by_mode is not None
            and r.by_mode["chat"] == 2
            and isinstance(r.by_mode["compare"], UsageBucket)
            and r.by_mode["compare"].credits == 2.5
        ),
    ),
    "usage.summary (null breakdowns)": Case(
        lambda c: c.usage.summary(),
        {"GET /usage/summary": x(days=7, requests=0, credits_used=0, by_mode=None, by_model=None)},
        lambda r, q: r.by_mode is None and r.by_model is None and r.requests == 0,
    ),
    "usage.recent": Case(
        lambda c: c.usage.recent(),
        {
            "GET /usage/recent": x(
                records=[
                    x(
                        id=5,
                        mode="chat",
                        models=None,
                        credits_charged=1,
                        latency_ms=None,
                        status=None,
                        created_at=EPOCH,
                    )
                ]
            )
        },
        lambda r, q: (
            isinstance(r.data[0], UsageRecord) and r.data[0].id == 5 and r.data[0].created_at == WHEN
        ),
    ),
    # --- keys ---------------------------------------------------------------------------------
    "keys.info": Case(
        lambda c: c.keys.info(),
        {"GET /keys/info": x(has_key=True, key_prefix=None, created_at=EPOCH, last_used_at=None)},
        lambda r, q: r.has_key is True and r.created_at == WHEN and r.last_used_at is None,
    ),
    "keys.generate (key under `key`)": Case(
        lambda c: c.keys.generate(),
        {"POST /keys/generate": x(key="mm_sk_" + "ab" * 32, key_prefix="mm_sk_abab", created_at=EPOCH)},
        lambda r, q: r.api_key == "mm_sk_" + "ab" * 32 and "abab" * 8 not in repr(r) and r.created_at == WHEN,
    ),
    "keys.revoke": Case(
        lambda c: c.keys.revoke(),
        {"DELETE /keys/revoke": x(revoked=True)},
        lambda r, q: r.revoked is True,
    ),
    # --- memory -------------------------------------------------------------------------------
    "memory.list": Case(
        lambda c: c.memory.list(),
        {
            "GET /memory": x(
                data=[x(id=77, content=None, conversation_id=None, source_request_id=1001, created_at=EPOCH)],
                total="1",
                enabled=True,
            )
        },
        lambda r, q: (
            [m.id for m in r.data] == [77]
            and isinstance(r.memories[0], Memory)
            and r.memories[0].content is None
            and r.memories[0].created_at == WHEN
            and r.total == 1
        ),
    ),
    "memory.list (null)": Case(
        lambda c: c.memory.list(),
        {"GET /memory": x(memories=None, total=0, enabled=False)},
        lambda r, q: r.memories is None and r.data == [] and r.enabled is False,
    ),
    "memory.search": Case(
        lambda c: c.memory.search("plans"),
        {
            "GET /memory/search": x(
                query=None, matches=[x(id=77, score=1, content="Q: plans", created_at=EPOCH_MS)]
            )
        },
        lambda r, q: [(m.id, m.score) for m in r.data] == [(77, 1)] and r.data[0].created_at == WHEN_MS,
    ),
    "memory.delete": Case(
        lambda c: c.memory.delete(77),
        {"DELETE /memory/77": x(deleted=True, id=77)},
        lambda r, q: path_of(q) == "/memory/77" and (r.deleted, r.id) == (True, 77),
    ),
    "memory.clear": Case(
        lambda c: c.memory.clear(),
        {"DELETE /memory": x(deleted=True)},
        lambda r, q: r.deleted is True,
    ),
    # --- optimization -------------------------------------------------------------------------
    "optimization.policy.retrieve": Case(
        lambda c: c.optimization.policy.retrieve(),
        {
            "GET /optimization/policy": x(
                goal=None,
                max_fallbacks=2,
                allowed_models=None,
                blocked_models=[],
                max_cost_per_request_usd=0.5,
                updated_at=EPOCH,
            )
        },
        lambda r, q: (r.max_fallbacks, r.goal, r.allowed_models, r.updated_at) == (2, None, None, WHEN),
    ),
    "optimization.policy.update": Case(
        lambda c: c.optimization.policy.update(max_fallbacks=1),
        {"PUT /optimization/policy": x(max_fallbacks=1, updated_at=EPOCH_MS, rules=[x(kind="guardrail")])},
        lambda r, q: r.max_fallbacks == 1 and r.updated_at == WHEN_MS and r.rules[0]["kind"] == "guardrail",
        expect_sent={"max_fallbacks": 1},
    ),
    "optimization.report": Case(
        lambda c: c.optimization.report(),
        {
            "GET /optimization/report": x(
                goal="balanced",
                days=30,
                recommended_model=None,
                models=[
                    x(model="gpt-5.2", calls=3, avg_latency_ms=812.5, success_rate=1, avg_cost_usd=0.0002)
                ],
                snapshot_id=12,
            )
        },
        lambda r, q: r.snapshot_id == 12 and r.models is not None and r.models[0].success_rate == 1,
    ),
    "optimization.evaluate": Case(
        lambda c: c.optimization.evaluate(),
        {"POST /optimization/evaluate": x(status="ok", evaluated_at=EPOCH_MS, alerts_created=0)},
        lambda r, q: r.evaluated_at == WHEN_MS,
    ),
    "optimization.snapshots": Case(
        lambda c: c.optimization.snapshots(),
        {"GET /optimization/snapshots": [x(id=12, goal=None, recommended_model=None, created_at=EPOCH)]},
        lambda r, q: [s.id for s in r.data] == [12] and r.snapshots[0].created_at == WHEN,
    ),
    "optimization.alerts": Case(
        lambda c: c.optimization.alerts(),
        {"GET /optimization/alerts": x(items=[x(id=3, severity=None, message=None, created_at=EPOCH)])},
        lambda r, q: [a.id for a in r.data] == [3] and r.data[0].message is None,
    ),
    "optimization.replay": Case(
        lambda c: c.optimization.replay(),
        {"POST /optimization/replay": x(days=30, sample_size=100, sampled=0, projected=None)},
        lambda r, q: r.projected is None and r.sampled == 0,
    ),
    "optimization.test_templates": Case(
        lambda c: c.optimization.test_templates(),
        {
            "GET /optimization/test-templates": x(
                test_templates=[x(id=1, name="Math", description=None, cases=None)]
            )
        },
        lambda r, q: [(t.id, t.cases) for t in r.data] == [(1, None)],
    ),
    "optimization.test_suites.list": Case(
        lambda c: c.optimization.test_suites.list(),
        {
            "GET /optimization/test-suites": x(
                test_suites=[
                    x(
                        id=4,
                        name="Smoke",
                        description=None,
                        cases=[x(prompt="2+2?", expected_contains=None)],
                        models=None,
                        created_at=EPOCH,
                        updated_at=EPOCH_MS,
                    )
                ]
            )
        },
        lambda r, q: (
            [s.id for s in r.data] == [4]
            and r.data[0].cases[0].expected_contains is None
            and r.data[0].updated_at == WHEN_MS
        ),
    ),
    "optimization.test_suites.create": Case(
        lambda c: c.optimization.test_suites.create(name="Smoke", cases=[{"prompt": "2+2?"}]),
        {"POST /optimization/test-suites": x(id=4, name="Smoke", cases=[x(prompt="2+2?")], created_at=EPOCH)},
        lambda r, q: r.id == 4 and r.created_at == WHEN,
    ),
    "optimization.test_suites.update": Case(
        lambda c: c.optimization.test_suites.update(4, name="Renamed"),
        {"PUT /optimization/test-suites/4": x(id=4, name="Renamed", updated_at=EPOCH)},
        lambda r, q: path_of(q) == "/optimization/test-suites/4" and r.name == "Renamed",
    ),
    "optimization.test_suites.run": Case(
        lambda c: c.optimization.test_suites.run(4),
        {
            "POST /optimization/test-suites/4/run": x(
                id=8,
                suite_id=4,
                schedule_id=None,
                status="completed",
                passed=1,
                failed=0,
                results=[x(prompt="2+2?", model="gpt-5.2", passed=True, output=None, latency_ms=12)],
                created_at=EPOCH,
            )
        },
        lambda r, q: (
            isinstance(r, TestRun)
            and (r.id, r.suite_id, r.schedule_id) == (8, 4, None)
            and r.results is not None
            and r.results[0].output is None
        ),
    ),
    "optimization.test_runs.list": Case(
        lambda c: c.optimization.test_runs.list(),
        {"GET /optimization/test-runs": x(results=[x(id=8, suite_id=4, created_at=EPOCH)])},
        lambda r, q: [(t.id, t.created_at) for t in r.data] == [(8, WHEN)],
    ),
    "optimization.regression_schedules.list": Case(
        lambda c: c.optimization.regression_schedules.list(),
        {
            "GET /optimization/regression-schedules": x(
                regression_schedules=[
                    x(
                        id=2,
                        suite_id=4,
                        cadence="weekly",
                        enabled=None,
                        next_run_at=EPOCH,
                        last_run_id=None,
                        created_at=EPOCH,
                    )
                ]
            )
        },
        lambda r, q: [(s.id, s.suite_id, s.next_run_at) for s in r.data] == [(2, 4, WHEN)],
    ),
    "optimization.regression_schedules.create": Case(
        lambda c: c.optimization.regression_schedules.create(suite_id=4),
        {"POST /optimization/regression-schedules": x(id=2, suite_id=4, next_run_at=EPOCH_MS)},
        lambda r, q: (r.id, r.suite_id, r.next_run_at) == (2, 4, WHEN_MS),
        expect_sent={"suite_id": 4},
    ),
    "optimization.regression_schedules.update": Case(
        lambda c: c.optimization.regression_schedules.update(2, enabled=False),
        {"PUT /optimization/regression-schedules/2": x(id=2, enabled=False, last_run_id=8)},
        lambda r, q: path_of(q) == "/optimization/regression-schedules/2" and r.last_run_id == 8,
    ),
    "optimization.regression_schedules.run": Case(
        lambda c: c.optimization.regression_schedules.run(2),
        {"POST /optimization/regression-schedules/2/run": x(id=9, suite_id=4, schedule_id=2, results=None)},
        lambda r, q: (r.id, r.schedule_id, r.results) == (9, 2, None),
    ),
    # --- settings -----------------------------------------------------------------------------
    "settings.provider_keys.list (names)": Case(
        lambda c: c.settings.provider_keys.list(),
        {"GET /settings/keys": x(providers=["openai", "anthropic"])},
        lambda r, q: r.providers == [ProviderKey(provider="openai"), ProviderKey(provider="anthropic")],
    ),
    "settings.provider_keys.list (map)": Case(
        lambda c: c.settings.provider_keys.list(),
        {"GET /settings/keys": x(providers={"openai": True, "anthropic": x(last4="abcd", updated_at=EPOCH)})},
        lambda r, q: (
            [(p.provider, p.configured, p.last4) for p in r.data]
            == [("openai", True, None), ("anthropic", None, "abcd")]
            and r.data[1].updated_at == WHEN
        ),
    ),
    "settings.provider_keys.save (names and objects)": Case(
        lambda c: c.settings.provider_keys.save({"openai": "sk-test-0000"}),
        {
            "PUT /settings/keys": x(
                providers=[x(provider="openai", configured=True, last4=None, updated_at=EPOCH), "anthropic"]
            )
        },
        lambda r, q: (
            [p.provider for p in r.data] == ["openai", "anthropic"]
            and r.data[0].updated_at == WHEN
            and r.data[1].configured is None
        ),
        expect_sent={"keys": {"openai": "sk-test-0000"}},
    ),
    "settings.provider_keys.delete": Case(
        lambda c: c.settings.provider_keys.delete("openai"),
        {"DELETE /settings/keys/openai": x(deleted=True, provider=None)},
        lambda r, q: r.deleted is True and r.provider is None,
    ),
    "settings.privacy.retrieve": Case(
        lambda c: c.settings.privacy.retrieve(),
        {"GET /settings/privacy": x(zero_retention_mode=None, data_training_opt_in=False)},
        lambda r, q: (r.zero_retention_mode, r.data_training_opt_in, r.purged) == (None, False, None),
    ),
    "settings.privacy.update (one count)": Case(
        lambda c: c.settings.privacy.update(zero_retention_mode=True, purge_existing_data=True),
        {"PUT /settings/privacy": x(zero_retention_mode=True, data_training_opt_in=False, purged=12)},
        lambda r, q: r.purged == 12,
    ),
    "settings.privacy.update (counts)": Case(
        lambda c: c.settings.privacy.update(zero_retention_mode=True, purge_existing_data=True),
        {
            "PUT /settings/privacy": x(
                zero_retention_mode=True, purged=x(memories=3, conversations_scrubbed=None)
            )
        },
        lambda r, q: isinstance(r.purged, PurgeCounts) and r.purged.memories == 3,
    ),
    "settings.copilot.retrieve": Case(
        lambda c: c.settings.copilot.retrieve(),
        {"GET /settings/copilot": x(goal=None, onboarded=False, checklist=None)},
        lambda r, q: (r.goal, r.onboarded, r.checklist) == (None, False, None),
    ),
    "settings.copilot.update": Case(
        lambda c: c.settings.copilot.update(onboarded=True),
        {"PUT /settings/copilot": x(goal="ship", onboarded=True, checklist={"first_call": True})},
        lambda r, q: r.checklist == {"first_call": True},
    ),
    "settings.copilot.ask": Case(
        lambda c: c.settings.copilot.ask("How do credits work?"),
        {
            "POST /settings/copilot/ask": x(
                answer=None, sources=["/docs/billing", x(title="Billing", url="/docs/billing")]
            )
        },
        lambda r, q: r.answer is None and r.sources is not None and r.sources[0] == "/docs/billing",
    ),
}


def serve(routes: dict[str, Any], seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    """A server answering `routes` (404 for anything else), recording what it receives."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        route = f"{request.method} {request.url.path.removeprefix('/api/v1')}"
        if route not in routes:
            return httpx.Response(404, json={"error": f"no route {route}"})
        return httpx.Response(200, json=routes[route])

    return handler


def issues_of(result: Any) -> list[str]:
    """Every response issue recorded on a result (a model, a page, or a list of models), and any
    item that was kept raw because it had no usable shape."""
    if isinstance(result, BaseModel):
        return [str(issue) for issue in result.response_issues]
    items = result.data if isinstance(result, BasePage) else result
    found: list[str] = []
    for item in items:
        found.extend(issues_of(item) if isinstance(item, BaseModel) else [f"raw item {type(item).__name__}"])
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_plausible_answers_read_without_issues(
    mode: str, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    case = CASES[name]
    seen: list[httpx.Request] = []
    client = mock_client(mode, serve(case.routes, seen), strict_responses=False)
    with caplog.at_level(logging.WARNING, logger="llmwise"):
        result = run(case.call(client))
    assert issues_of(result) == []
    assert [r.message for r in caplog.records if r.name == "llmwise"] == []
    assert case.check(result, seen) is True
    if case.expect_sent:
        body = sent_json(seen)
        assert {k: body.get(k) for k in case.expect_sent} == case.expect_sent


@pytest.mark.parametrize("name", list(CASES))
def test_plausible_answers_pass_strict_mode(name: str) -> None:
    # The honest shapes are not mismatches: a strict client reads them too (sync is enough here).
    case = CASES[name]
    client = mock_client("sync", serve(case.routes, []), strict_responses=True)
    assert issues_of(run(case.call(client))) == []


def test_every_account_endpoint_has_a_drift_case() -> None:
    # One case at least per method of the account resources (csv answers text, not JSON).
    covered = {name.split(" (")[0] for name in CASES}
    expected = {
        "models.list",
        *(f"conversations.{m}" for m in ("list", "retrieve", "create", "update", "delete")),
        "history.list",
        "history.retrieve",
        *(
            f"credits.{m}"
            for m in (
                "balance",
                "wallet",
                "transactions",
                "packs",
                "purchase",
                "confirm_checkout",
                "update_auto_topup",
            )
        ),
        "usage.summary",
        "usage.recent",
        "keys.info",
        "keys.generate",
        "keys.revoke",
        *(f"memory.{m}" for m in ("list", "search", "delete", "clear")),
        "optimization.policy.retrieve",
        "optimization.policy.update",
        *(
            f"optimization.{m}"
            for m in ("report", "evaluate", "snapshots", "alerts", "replay", "test_templates")
        ),
        *(f"optimization.test_suites.{m}" for m in ("list", "create", "update", "run")),
        "optimization.test_runs.list",
        *(f"optimization.regression_schedules.{m}" for m in ("list", "create", "update", "run")),
        *(f"settings.provider_keys.{m}" for m in ("list", "save", "delete")),
        "settings.privacy.retrieve",
        "settings.privacy.update",
        *(f"settings.copilot.{m}" for m in ("retrieve", "update", "ask")),
    }
    assert expected <= covered


def test_usage_summary_01_returns_the_servers_data(mode: str) -> None:
    # The 0.1 method (a dict to its callers) hands back what the server sent, numbers and all.
    body = x(days=7, requests=3, credits_used=4.5, by_mode={"chat": 3}, by_model={"gpt-5.2": 12})
    client = mock_client(mode, serve({"GET /usage/summary": body}, []), strict_responses=False)
    with pytest.warns(DeprecationWarning):
        summary = run(client.usage_summary(days=7))
    assert summary["by_model"] == {"gpt-5.2": 12} and summary["by_mode"]["chat"] == 3
    assert summary["requests"] == 3 and summary["x_extra"] == EXTRA["x_extra"]
    assert summary.to_dict() == body


SECRET = "mm_sk_" + "5e" * 32


@pytest.mark.parametrize(
    ("route", "body", "call", "where"),
    [
        # `max_fallbacks` is documented as an integer.
        (
            "GET /optimization/policy",
            {"max_fallbacks": SECRET},
            lambda c: c.optimization.policy.retrieve(),
            "max_fallbacks",
        ),
        # `is_free` is a documented flag.
        ("GET /models", [{"id": "gpt-5.2", "is_free": SECRET}], lambda c: c.models.list(), "is_free"),
        # An assumed number that is no number at all.
        ("GET /credits/balance", {"credits": SECRET}, lambda c: c.credits.balance(), "credits"),
        # A timestamp that is no time.
        ("GET /keys/info", {"created_at": SECRET}, lambda c: c.keys.info(), "created_at"),
    ],
    ids=["policy.max_fallbacks", "models.is_free", "credits.balance", "keys.created_at"],
)
def test_strict_mode_refuses_a_wrong_value_without_quoting_it(
    mode: str, route: str, body: Any, call: Callable[[Client], Any], where: str
) -> None:
    strict = mock_client(mode, serve({route: body}, []), strict_responses=True)
    with pytest.raises(APIResponseValidationError) as info:
        run(call(strict))
    assert where in str(info.value) and SECRET not in str(info.value) and SECRET not in repr(info.value)

    # A lenient client keeps the value as sent and says where it did not fit.
    lenient = mock_client(mode, serve({route: body}, []), strict_responses=False)
    result = run(call(lenient))
    obj = result[0] if isinstance(result, list) else result
    assert [issue.path for issue in obj.response_issues] == [where]
    assert getattr(obj, where) == SECRET


def test_a_raw_item_is_skipped_by_data(mode: str) -> None:
    # A list holding something other than objects: the field keeps it as sent; `data` skips it.
    routes = {"GET /optimization/test-suites": {"suites": [{"id": 4}, "suite_5", None]}}
    client = mock_client(mode, serve(routes, []), strict_responses=False)
    listed = run(client.optimization.test_suites.list())
    assert listed.suites is not None and listed.suites[1:] == ["suite_5", None]
    assert [s.id for s in listed.data] == [4]
    assert [issue.path for issue in listed.response_issues] == ["suites[1]", "suites[2]"]


def test_a_wrong_item_inside_another_wrapper_key_is_repaired_in_place(mode: str) -> None:
    # The listing came under `data`; one of its items has a bad value: the rest is still read.
    routes = {"GET /memory": {"data": [{"id": 1, "created_at": "yesterday"}, {"id": 2}], "total": 2}}
    client = mock_client(mode, serve(routes, []), strict_responses=False)
    listed = run(client.memory.list())
    assert [m.id for m in listed.data] == [1, 2]
    assert listed.data[0].created_at == "yesterday"
    assert [issue.path for issue in listed.response_issues] == ["memories[0].created_at"]


def test_ids_of_either_kind_reach_the_path(mode: str) -> None:
    seen: list[httpx.Request] = []
    routes = {
        "GET /history/17": {"id": 17},
        "GET /history/req_17": {"id": "req_17"},
        "GET /optimization/test-runs/8/csv": "x",
    }
    client = mock_client(mode, serve(routes, seen), strict_responses=False)
    assert run(client.history.retrieve(17)).id == 17
    assert run(client.history.retrieve("req_17")).id == "req_17"
    run(client.optimization.test_runs.csv(8))
    assert [r.url.path for r in seen] == [
        "/api/v1/history/17",
        "/api/v1/history/req_17",
        "/api/v1/optimization/test-runs/8/csv",
    ]


@pytest.mark.parametrize("bad", [True, None, "", " ", 1.5])
def test_bad_ids_are_refused_before_sending(bad: object) -> None:
    seen: list[httpx.Request] = []
    client = mock_client("sync", serve({}, seen))
    assert isinstance(client, LLMWise)
    for call in (
        lambda: client.history.retrieve(bad),  # type: ignore[arg-type]
        lambda: client.memory.delete(bad),  # type: ignore[arg-type]
        lambda: client.optimization.test_suites.run(bad),  # type: ignore[arg-type]
        lambda: client.optimization.regression_schedules.update(bad),  # type: ignore[arg-type]
        lambda: client.credits.confirm_checkout(bad),  # type: ignore[arg-type]
    ):
        with pytest.raises(ValueError, match="must be a non-empty string or an integer"):
            call()
    assert seen == []
    assert KEY not in repr(client)
