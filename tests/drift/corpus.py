"""Real response bodies for every endpoint, captured once from the sandbox: the drift suite's seeds.

Each entry is what the sandbox answered one call of one SDK method after a set-up that gives every
listing something to list (a conversation, chats in the history, a memory, a test suite, a run, a
regression schedule, a provider key). The drift tests perturb these bodies and serve them back
through an httpx.MockTransport, so what they exercise is the SDK's reading, not the sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx

from llmwise import LLMWise
from llmwise.sandbox import Sandbox
from llmwise.types.shared import MessageParam
from support import KEY

MSG: list[MessageParam] = [{"role": "user", "content": "How do I cache API responses?"}]
MODELS = ["gpt-5.2", "gemini-3-flash"]
SESSION_TOKEN = "eyJhbGciOiJSUzI1NiJ9.drift.suite"  # a dashboard session JWT, which may generate keys


@dataclass(frozen=True)
class Captured:
    """One endpoint's answer: how to call it again, and the JSON body the sandbox sent."""

    method: str
    """The SDK method, dotted from the client (`conversations.retrieve`)."""
    call: Callable[[Any], Any]
    """Calls the method on a client (same arguments as at capture time)."""
    body: Any
    """The decoded JSON body."""
    listing: str | None
    """For methods answering a list (a page, a list, a list wrapper): the documented items key."""


class _Recorder(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.last: bytes = b""
        self.last_type = ""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        self.last = content
        self.last_type = response.headers.get("content-type", "")
        return httpx.Response(response.status_code, headers=response.headers, content=content)


# (method, call, items key for listings). Ids come from the set-up through `ids`.
def _calls(ids: dict[str, str]) -> list[tuple[str, Callable[[Any], Any], str | None]]:
    return [
        ("chat.create", lambda c: c.chat.create(model="gpt-5.2", messages=MSG), None),
        ("chat.create[routing]", lambda c: c.chat.create(
            model="gpt-5.2", messages=MSG, routing={"fallback": ["gemini-3-flash"]}), None),
        ("compare.create", lambda c: c.compare.create(models=MODELS, messages=MSG), None),
        ("blend.create", lambda c: c.blend.create(models=MODELS, messages=MSG), None),
        ("judge.create", lambda c: c.judge.create(contestants=MODELS, judge="claude-sonnet-4.5", messages=MSG), None),
        ("models.list", lambda c: c.models.list(), "models"),
        ("conversations.list", lambda c: c.conversations.list(), "conversations"),
        ("conversations.retrieve", lambda c: c.conversations.retrieve(ids["conversation"]), None),
        ("conversations.create", lambda c: c.conversations.create(), None),
        ("conversations.update", lambda c: c.conversations.update(ids["conversation"], title="Renamed"), None),
        ("conversations.delete", lambda c: c.conversations.delete(ids["spare_conversation"]), None),
        ("history.list", lambda c: c.history.list(), "history"),
        ("history.retrieve", lambda c: c.history.retrieve(ids["request"]), None),
        ("credits.balance", lambda c: c.credits.balance(), None),
        ("credits.wallet", lambda c: c.credits.wallet(), None),
        ("credits.transactions", lambda c: c.credits.transactions(), "transactions"),
        ("credits.packs", lambda c: c.credits.packs(), "packs"),
        ("credits.purchase", lambda c: c.credits.purchase(amount_usd=5), None),
        ("credits.confirm_checkout", lambda c: c.credits.confirm_checkout(ids["checkout"]), None),
        ("credits.update_auto_topup", lambda c: c.credits.update_auto_topup(False), None),
        ("usage.summary", lambda c: c.usage.summary(), None),
        ("usage.recent", lambda c: c.usage.recent(), "usage"),
        ("keys.info", lambda c: c.keys.info(), None),
        ("memory.list", lambda c: c.memory.list(), "memories"),
        ("memory.search", lambda c: c.memory.search("cache"), "results"),
        ("memory.delete", lambda c: c.memory.delete(ids["memory"]), None),
        ("memory.clear", lambda c: c.memory.clear(), None),
        ("optimization.policy.retrieve", lambda c: c.optimization.policy.retrieve(), None),
        ("optimization.policy.update", lambda c: c.optimization.policy.update(max_fallbacks=1), None),
        ("optimization.report", lambda c: c.optimization.report(), None),
        ("optimization.evaluate", lambda c: c.optimization.evaluate(), None),
        ("optimization.snapshots", lambda c: c.optimization.snapshots(), "snapshots"),
        ("optimization.alerts", lambda c: c.optimization.alerts(), "alerts"),
        ("optimization.replay", lambda c: c.optimization.replay(), None),
        ("optimization.test_templates", lambda c: c.optimization.test_templates(), "templates"),
        ("optimization.test_suites.list", lambda c: c.optimization.test_suites.list(), "suites"),
        ("optimization.test_suites.create", lambda c: c.optimization.test_suites.create(
            name="Smoke", cases=[{"prompt": "Hi"}]), None),
        ("optimization.test_suites.update", lambda c: c.optimization.test_suites.update(
            ids["suite"], name="Renamed"), None),
        ("optimization.test_suites.run", lambda c: c.optimization.test_suites.run(ids["suite"]), None),
        ("optimization.test_runs.list", lambda c: c.optimization.test_runs.list(), "runs"),
        ("optimization.regression_schedules.list", lambda c: c.optimization.regression_schedules.list(), "schedules"),
        ("optimization.regression_schedules.create", lambda c: c.optimization.regression_schedules.create(
            suite_id=ids["suite"]), None),
        ("optimization.regression_schedules.update", lambda c: c.optimization.regression_schedules.update(
            ids["schedule"], enabled=False), None),
        ("optimization.regression_schedules.run", lambda c: c.optimization.regression_schedules.run(
            ids["schedule"]), None),
        ("settings.provider_keys.list", lambda c: c.settings.provider_keys.list(), "providers"),
        ("settings.provider_keys.save", lambda c: c.settings.provider_keys.save({"anthropic": "sk-ant-123456"}), "providers"),
        ("settings.provider_keys.delete", lambda c: c.settings.provider_keys.delete("openai"), None),
        ("settings.privacy.retrieve", lambda c: c.settings.privacy.retrieve(), None),
        ("settings.privacy.update", lambda c: c.settings.privacy.update(data_training_opt_in=True), None),
        ("settings.copilot.retrieve", lambda c: c.settings.copilot.retrieve(), None),
        ("settings.copilot.update", lambda c: c.settings.copilot.update(onboarded=True), None),
        ("settings.copilot.ask", lambda c: c.settings.copilot.ask("How do credits work?"), None),
        # Last: revoking ends the key the capture client uses; generating needs a dashboard JWT.
        ("keys.revoke", lambda c: c.keys.revoke(), None),
        ("keys.generate", lambda c: c.keys.generate(), None),
    ]


@cache
def corpus() -> tuple[Captured, ...]:
    """Every endpoint's captured answer (JSON endpoints; the CSV export is not JSON)."""
    sb = Sandbox()
    recorder = _Recorder(sb.transport())
    client = LLMWise(KEY, base_url="http://sandbox", http_client=httpx.Client(transport=recorder))
    ids: dict[str, str] = {}
    ids["conversation"] = str(client.conversations.create().id)
    ids["spare_conversation"] = str(client.conversations.create().id)
    answer = client.chat.create(
        model="gpt-5.2", messages=MSG, conversation_id=ids["conversation"], semantic_memory=True
    )
    ids["request"] = str(answer.id)
    memories = client.memory.list()
    ids["memory"] = str(memories.memories[0].id) if memories.memories else "mem_missing"
    checkout = client.credits.purchase(amount_usd=5)
    ids["checkout"] = str(checkout.get("session_id") or checkout.get("id"))
    suite = client.optimization.test_suites.create(name="Smoke", cases=[{"prompt": "Hi"}])
    ids["suite"] = str(suite.id)
    client.optimization.test_suites.run(ids["suite"])
    schedule = client.optimization.regression_schedules.create(suite_id=ids["suite"])
    ids["schedule"] = str(schedule.id)
    client.settings.provider_keys.save({"openai": "sk-openai-123456"})

    session = LLMWise(SESSION_TOKEN, base_url="http://sandbox", http_client=httpx.Client(transport=recorder))
    captured = []
    for method, call, listing in _calls(ids):
        call(session if method == "keys.generate" else client)
        assert recorder.last_type.startswith("application/json"), (method, recorder.last_type)
        captured.append(Captured(method, call, json.loads(recorder.last), listing))
    client.close()
    session.close()
    return tuple(captured)


def stream_frames(kind: str) -> list[str]:
    """The `data:` payloads of one stream of `kind` (chat, chat-routing, compare, blend, judge)."""
    sb = Sandbox()
    if kind == "chat-routing":
        sb.set_model("gpt-5.2", fail_status=429)
    body: dict[str, Any] = {"messages": MSG, "stream": True}
    path = "/chat" if kind.startswith("chat") else f"/{kind}"
    if kind == "chat":
        body["model"] = "gpt-5.2"
    elif kind == "chat-routing":
        body.update(model="gpt-5.2", routing={"fallback": ["gemini-3-flash"]})
    elif kind == "judge":
        body.update(contestants=MODELS, judge="claude-sonnet-4.5")
    else:
        body["models"] = MODELS
    with httpx.Client(transport=sb.transport(), base_url="http://sandbox/api/v1") as http:
        response = http.post(path, json=body, headers={"Authorization": f"Bearer {KEY}"})
    payloads = []
    for block in response.text.split("\n\n"):
        for line in block.splitlines():
            if line.startswith("data:"):
                payloads.append(line[5:].strip())
    return payloads


STREAM_KINDS = ("chat", "chat-routing", "compare", "blend", "judge")
