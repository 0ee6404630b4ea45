"""`client.models` against the sandbox, and list shapes other servers may use."""

from __future__ import annotations

import json

import httpx
import pytest

from llmwise import APIResponseValidationError
from llmwise.types.models import Model
from support import SandboxEnv, mock_client, run


def test_list(env: SandboxEnv) -> None:
    models = env.call(env.client.models.list())
    assert all(isinstance(m, Model) for m in models)
    assert [m.id for m in models] == [m.id for m in env.sandbox.models]
    by_id = {m.id: m for m in models}
    assert "auto" in by_id
    gpt = by_id["gpt-5.2"]
    assert (gpt.name, gpt.provider, gpt.vision, gpt.is_free) == ("GPT-5.2", "OpenAI", True, False)
    sent = env.sandbox.requests[-1]
    assert (sent.method, sent.path, sent.query) == ("GET", "/models", {})


def test_request_options_reach_the_server(env: SandboxEnv) -> None:
    env.call(env.client.models.list(extra_headers={"X-Team": "search"}, extra_query={"tier": "free"}))
    sent = env.sandbox.requests[-1]
    assert sent.headers["x-team"] == "search" and sent.query == {"tier": "free"}


@pytest.mark.parametrize(
    "body",
    [
        [{"id": "m1", "tier": "pro"}],
        {"data": [{"id": "m1", "tier": "pro"}]},
        {"models": [{"id": "m1", "tier": "pro"}], "object": "list"},
    ],
    ids=["array", "data", "models"],
)
def test_other_list_shapes_and_unknown_fields(mode: str, body: object) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json=body))
    (model,) = run(client.models.list())
    assert model.id == "m1" and model.name is None
    assert model.tier == "pro" and model["tier"] == "pro"  # unknown fields are kept


def test_not_a_list(mode: str) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, content=json.dumps({"error": None})))
    with pytest.raises(APIResponseValidationError, match="expected a list"):
        run(client.models.list())
