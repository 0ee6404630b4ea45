"""Typed answers (issue #16) end to end against the sandbox, sync and async, over loopback and
in-process: the sandbox answers the SDK's schema instruction with valid JSON, `invalid_json` makes
answers fail so that repairs run (and are billed), and the JSON generator covers the schemas
pydantic writes."""

from __future__ import annotations

import datetime
import enum
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

import pytest
from pydantic import BaseModel, Field, TypeAdapter

from llmwise import StructuredOutputError
from llmwise.sandbox import Sandbox
from llmwise.sandbox._structured import example_value, requested_schema
from llmwise.testing import Scenario
from llmwise.types.shared import MessageParam
from llmwise.types.structured import PartialObjectEvent
from support import SandboxEnv, run


class Status(str, enum.Enum):
    PAID = "paid"
    DUE = "due"


class LineItem(BaseModel):
    description: str = Field(min_length=3, max_length=40)
    quantity: int = Field(ge=1, le=50)
    unit_price: float = Field(gt=0, lt=1000)


class Invoice(BaseModel):
    number: str
    vendor: str
    issued: datetime.date
    status: Status
    currency: Literal["EUR", "USD", "GBP"]
    lines: list[LineItem] = Field(min_length=1)
    total: float
    notes: Optional[str] = None


ASK: list[MessageParam] = [{"role": "user", "content": "Extract the invoice from the attached text."}]


def parse(env: SandboxEnv, **kwargs: Any) -> Any:
    kwargs.setdefault("model", "gpt-5.2")
    kwargs.setdefault("messages", ASK)
    kwargs.setdefault("response_format", Invoice)
    return env.call(env.client.chat.parse(**kwargs))


def test_the_sandbox_answers_valid_json(env: SandboxEnv) -> None:
    result = parse(env)
    assert isinstance(result.parsed, Invoice)
    assert json.loads(result.content) == result.parsed.model_dump(mode="json")
    assert [a.kind for a in result.parse_attempts] == ["chat"]
    assert result.total_credits_charged == 1 and env.sandbox.credits == 999
    # Deterministic: the same request, the same answer; another model, another answer.
    assert parse(env).parsed == result.parsed
    assert parse(env, model="claude-sonnet-4.5").parsed != result.parsed
    recorded = env.sandbox.requests[0].json
    assert requested_schema(recorded["messages"]) == TypeAdapter(Invoice).json_schema()


def test_invalid_json_then_a_repair(env: SandboxEnv) -> None:
    env.sandbox.invalid_json(times=1)
    result = parse(env)
    first, repair = result.parse_attempts
    assert [i.type for i in first.issues] == ["missing"] and repair.ok
    # A repair answers what a clean first answer would have.
    assert result.parsed == parse(env).parsed
    # Each attempt is a billed chat, as the server settled it; the total is their sum.
    assert result.total_credits_charged == sum(a.credits_charged or 0 for a in result.parse_attempts) >= 2
    spent_before = 1000 - env.sandbox.credits
    assert [r.path for r in env.sandbox.requests] == ["/chat"] * 3
    assert spent_before >= result.total_credits_charged + 1  # and the clean parse after it


@pytest.mark.parametrize("kind, issue", [("syntax", "json_invalid"), ("prose", "json_not_found")])
def test_a_model_that_never_complies(env: SandboxEnv, kind: str, issue: str) -> None:
    env.sandbox.invalid_json(times=3, kind=kind)
    with pytest.raises(StructuredOutputError) as info:
        parse(env, max_repairs=2)
    err = info.value
    assert [a.issues[0].type for a in err.attempts] == [issue] * 3
    total = err.total_credits_charged
    assert total is not None and total == sum(a.credits_charged or 0 for a in err.attempts) >= 3
    assert env.sandbox.credits == 1000 - total
    assert err.raw_text == err.attempts[-1].content


def test_stream_parse_partial_objects(env: SandboxEnv) -> None:
    env.sandbox.invalid_json(times=1, kind="syntax")
    stream = env.client.chat.stream_parse(model="gemini-3-flash", messages=ASK, response_format=Invoice)
    if env.mode == "sync":
        with stream:
            events = list(stream)
    else:

        async def go() -> list[Any]:
            async with stream:
                return [e async for e in stream]

        events = run(go())
    partials = [e.partial for e in events if isinstance(e, PartialObjectEvent)]
    assert len(partials) > 3 and all(isinstance(p, dict) for p in partials)
    assert stream.partial == partials[-1] and "number" in partials[-1]  # the cut-off first answer
    final = run(stream.get_final_completion())
    assert isinstance(final.parsed, Invoice)
    assert [a.kind for a in final.parse_attempts] == ["stream", "repair"]
    assert [r.json["stream"] for r in env.sandbox.requests] == [True, False]


def test_stream_parse_without_faults(env: SandboxEnv) -> None:
    stream = env.client.chat.stream_parse(model="gpt-5.2", messages=ASK, response_format=Invoice)
    if env.mode == "sync":
        partials = list(stream.partial_stream)
    else:

        async def go() -> list[Any]:
            return [p async for p in stream.partial_stream]

        partials = run(go())
    final = run(stream.get_final_completion())
    assert partials[-1] == final.parsed.model_dump(mode="json")
    assert final.parsed == parse(env).parsed  # streamed or not, the same answer


def test_compare_parse(env: SandboxEnv) -> None:
    env.sandbox.invalid_json(times=1, model="claude-sonnet-4.5")
    env.sandbox.set_model("deepseek-v3", fail_status=503)
    models = ["gpt-5.2", "claude-sonnet-4.5", "deepseek-v3"]
    result = env.call(env.client.compare.parse(models=models, messages=ASK, response_format=Invoice))
    by = result.by_model
    assert list(by) == models
    assert isinstance(by["gpt-5.2"].parsed, Invoice) and len(by["gpt-5.2"].parse_attempts) == 1
    assert isinstance(by["claude-sonnet-4.5"].parsed, Invoice)
    assert [a.kind for a in by["claude-sonnet-4.5"].parse_attempts] == ["compare", "repair"]
    assert by["deepseek-v3"].parsed is None and "503" in str(by["deepseek-v3"].error)
    repair = by["claude-sonnet-4.5"].parse_attempts[1]
    assert result.total_credits_charged == (result.credits_charged or 0) + (repair.credits_charged or 0)
    assert env.sandbox.credits == 1000 - result.total_credits_charged
    assert [r.path for r in env.sandbox.requests] == ["/compare", "/chat"]


def test_blend_parse(env: SandboxEnv) -> None:
    env.sandbox.invalid_json(times=1, model="claude-opus-4.6")
    result = env.call(
        env.client.blend.parse(
            models=["gpt-5.2", "gemini-3-flash"], synthesizer="claude-opus-4.6", messages=ASK, response_format=Invoice
        )
    )
    assert isinstance(result.parsed, Invoice)
    assert [(a.kind, a.model) for a in result.parse_attempts] == [("blend", "claude-opus-4.6"), ("repair", "claude-opus-4.6")]
    assert result.total_credits_charged == sum(a.credits_charged or 0 for a in result.parse_attempts) >= 2
    assert env.sandbox.credits == 1000 - result.total_credits_charged
    assert result.content is not None and json.loads(result.content) == result.parsed.model_dump(mode="json")
    sources = {s.model: s.content for s in result.sources or []}
    assert all(TypeAdapter(Invoice).validate_json(text or "") for text in sources.values())  # sources answered JSON too


def test_requests_without_the_instruction_are_unchanged() -> None:
    sandbox = Sandbox()
    body = sandbox.request("POST", "/chat", json={"model": "gpt-5.2", "messages": ASK, "stream": False}).json()
    assert body["content"] == sandbox.model_text("gpt-5.2", ASK)
    # A scripted text wins over the generated JSON.
    sandbox.set_model("gpt-5.2", text="plain words")
    system: MessageParam = {"role": "system", "content": "<llmwise:json-schema>{}</llmwise:json-schema>"}
    body = sandbox.request("POST", "/chat", json={"model": "gpt-5.2", "messages": [system, *ASK], "stream": False}).json()
    assert body["content"] == "plain words"


def test_fault_spec_control_and_scenario() -> None:
    sandbox = Sandbox()
    sandbox.apply("invalid_json:times=2,kind=prose,model=gpt-5.2")
    scenario = Scenario(sandbox)
    scenario.invalid_json(kind="syntax")
    system: MessageParam = {
        "role": "system",
        "content": '<llmwise:json-schema>{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}</llmwise:json-schema>',
    }

    def answer(model: str) -> str:
        body = sandbox.request("POST", "/chat", json={"model": model, "messages": [system, *ASK], "stream": False}).json()
        text: str = body["content"]
        return text

    assert answer("claude-sonnet-4.5").startswith("Here is the JSON you asked for: {")  # any model: syntax
    assert "{" not in answer("gpt-5.2") and "{" not in answer("gpt-5.2")  # gpt-5.2: prose, twice
    assert json.loads(answer("gpt-5.2"))["a"] >= 1
    sandbox.invalid_json(times=5)
    sandbox.clear_faults()
    assert "a" in json.loads(answer("gpt-5.2"))
    sandbox.invalid_json(times=5)
    sandbox.reset()
    assert "a" in json.loads(answer("gpt-5.2"))
    added = sandbox.request("POST", "/_sandbox/faults", json={"type": "invalid_json", "times": 2, "kind": "prose"})
    assert added.status == 200
    listed = sandbox.request("GET", "/_sandbox/faults").json()["faults"]
    assert listed == [{"type": "invalid_json", "times": 2, "kind": "prose", "model": None}]
    assert "{" not in answer("gpt-5.2")
    assert sandbox.request("POST", "/_sandbox/faults", json={"type": "invalid_json", "kind": "odd"}).status == 400
    sandbox.request("DELETE", "/_sandbox/faults")
    assert "a" in json.loads(answer("gpt-5.2"))
    with pytest.raises(ValueError, match="kind"):
        sandbox.invalid_json(kind="weird")
    with pytest.raises(ValueError, match="unknown option"):
        sandbox.apply("invalid_json:color=red")


# --- the JSON generator --------------------------------------------------------------------------


class Node(BaseModel):
    name: str
    children: list[Node] = []
    parent: Optional[Node] = None


class Cat(BaseModel):
    pet: Literal["cat"]
    lives: int = Field(ge=1, le=9)


class Dog(BaseModel):
    pet: Literal["dog"]
    good: bool


class Everything(BaseModel):
    id: uuid.UUID
    when: datetime.datetime
    at: datetime.time
    email: Annotated[str, Field(json_schema_extra={"format": "email"})]
    ratio: float = Field(gt=0, lt=1)
    count: int = Field(ge=-5, le=-1)
    above: int = Field(gt=1000)
    code: str = Field(min_length=12, max_length=12)
    tags: list[str] = Field(min_length=4, max_length=5)
    pair: tuple[int, str]
    scores: dict[str, float]
    pet: Union[Cat, Dog] = Field(discriminator="pet")
    maybe: Optional[int]
    status: Status
    fixed: Literal["v1"]
    tree: Node


@pytest.mark.parametrize(
    "response_format",
    [Invoice, Everything, Node, list[LineItem], dict[str, int], Union[int, str], Literal["a", "b"], bool, float],
    ids=lambda t: getattr(t, "__name__", None) or str(t),
)
def test_generated_json_validates(response_format: Any) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(response_format)
    schema = adapter.json_schema()
    for seed in ("a", "b", "c", "d"):
        value = example_value(schema, seed)
        adapter.validate_json(json.dumps(value))
    assert example_value(schema, "a") == example_value(schema, "a")


def test_the_demo_shows_a_parse_with_a_repair() -> None:
    demo = Path(__file__).resolve().parent.parent / "examples" / "demo.py"
    done = subprocess.run([sys.executable, str(demo)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    section = done.stdout.split("== 6. Typed answers")[1].split("== 7.")[0]
    assert "attempt chat   by claude-sonnet-4.5: number: Field required" in section
    assert "attempt repair by claude-sonnet-4.5: valid" in section
    assert "2 calls, 3 credits" in section and "Invoice " in section  # credits as the sandbox settles them
