"""`client.settings` against the sandbox: provider keys (BYOK), privacy (zero retention and purge),
the copilot."""

from __future__ import annotations

import pytest

from account_support import chat
from llmwise import BadRequestError, NotFoundError
from llmwise.types.settings import (
    CopilotAnswer,
    CopilotState,
    PrivacySettings,
    ProviderKeyDeleted,
    ProviderKeyList,
)
from support import SandboxEnv


def test_provider_keys(env: SandboxEnv) -> None:
    keys = env.client.settings.provider_keys
    assert env.call(keys.list()).providers == []

    saved = env.call(keys.save({"openai": "sk-openai-secret-1234", "anthropic": "sk-ant-secret-9876"}))
    sent = env.sandbox.requests[-1]
    assert (sent.method, sent.path) == ("PUT", "/settings/keys")
    assert sent.json == {"keys": {"openai": "sk-openai-secret-1234", "anthropic": "sk-ant-secret-9876"}}
    assert isinstance(saved, ProviderKeyList)
    by_provider = {p.provider: p for p in saved.data}
    assert set(by_provider) == {"openai", "anthropic"}
    assert by_provider["openai"].configured is True and by_provider["openai"].last4 == "1234"
    assert by_provider["openai"].updated_at
    assert "secret" not in saved.to_json()  # raw keys never come back

    listed = env.call(keys.list())
    assert {p.provider for p in listed.providers} == {"openai", "anthropic"}

    deleted = env.call(keys.delete("openai"))
    assert isinstance(deleted, ProviderKeyDeleted) and (deleted.deleted, deleted.provider) == (True, "openai")
    assert [p.provider for p in env.call(keys.list()).providers] == ["anthropic"]
    with pytest.raises(NotFoundError):
        env.call(keys.delete("openai"))
    with pytest.raises(NotFoundError):
        env.call(keys.delete("open ai/v2"))
    assert env.sandbox.requests[-1].path == "/settings/keys/open%20ai%2Fv2"
    with pytest.raises(ValueError, match="provider"):
        env.call(keys.delete(""))
    with pytest.raises(BadRequestError):
        env.call(keys.save({"openai": "x"}))  # too short to be a key


def test_privacy_defaults_and_partial_updates(env: SandboxEnv) -> None:
    privacy = env.client.settings.privacy
    current = env.call(privacy.retrieve())
    assert isinstance(current, PrivacySettings)
    assert (current.zero_retention_mode, current.data_training_opt_in, current.purged) == (False, False, None)

    updated = env.call(privacy.update(data_training_opt_in=True))
    # Only what was given is sent: no purge unless asked for.
    assert env.sandbox.requests[-1].json == {"data_training_opt_in": True}
    assert updated.data_training_opt_in is True and updated.zero_retention_mode is False
    assert updated.purged is not None and updated.purged.memories == 0

    forced = env.call(privacy.update(zero_retention_mode=True))
    assert env.sandbox.requests[-1].json == {"zero_retention_mode": True}
    assert forced.zero_retention_mode is True and forced.data_training_opt_in is False  # forced off


def test_zero_retention_with_purge(env: SandboxEnv) -> None:
    conversation = env.call(env.client.conversations.create())
    env.call(env.client.conversations.update(conversation.id, title="Secret project"))
    chat(env, "Remember the launch code word", conversation_id=conversation.id)
    chat(env, "Another private question")
    assert env.call(env.client.memory.list()).total == 2

    result = env.call(env.client.settings.privacy.update(zero_retention_mode=True, purge_existing_data=True))
    assert env.sandbox.requests[-1].json == {"zero_retention_mode": True, "purge_existing_data": True}
    assert result.zero_retention_mode is True and result.purged is not None
    assert (
        result.purged.memories,
        result.purged.conversations_scrubbed,
        result.purged.requests_redacted,
    ) == (
        2,
        1,
        2,
    )

    memories = env.call(env.client.memory.list())
    assert memories.memories == [] and memories.enabled is False
    assert env.call(env.client.conversations.retrieve(conversation.id)).title is None
    assert all("private" not in (e.prompt or "") for e in env.call(env.client.history.list()).data)

    # New requests are not stored either.
    chat(env, "A question after the switch")
    assert env.call(env.client.memory.list()).total == 0
    found = env.call(env.client.memory.search("question"))
    assert found.results == [] and found.enabled is False

    # Purging again finds nothing left.
    again = env.call(env.client.settings.privacy.update(purge_existing_data=True))
    assert again.purged is not None and again.purged.memories == 0


def test_copilot(env: SandboxEnv) -> None:
    copilot = env.client.settings.copilot
    state = env.call(copilot.retrieve())
    assert isinstance(state, CopilotState)
    assert (state.goal, state.onboarded, state.checklist) == (None, False, {})

    updated = env.call(copilot.update(goal="cut costs", checklist={"first_request": True}))
    assert env.sandbox.requests[-1].json == {"goal": "cut costs", "checklist": {"first_request": True}}
    assert (updated.goal, updated.onboarded, updated.checklist) == (
        "cut costs",
        False,
        {"first_request": True},
    )
    done = env.call(copilot.update(onboarded=True))
    assert env.sandbox.requests[-1].json == {"onboarded": True}
    assert done.onboarded is True and done.goal == "cut costs"

    answer = env.call(
        copilot.ask("How do I buy credits?", path="/dashboard/billing", context={"plan": "free"})
    )
    assert env.sandbox.requests[-1].json == {
        "question": "How do I buy credits?",
        "path": "/dashboard/billing",
        "context": {"plan": "free"},
    }
    assert isinstance(answer, CopilotAnswer)
    assert (
        answer.answer and answer.answer.startswith("On /dashboard/billing:") and "cut costs" in answer.answer
    )
    assert answer.sources == ["/docs/billing-and-credits"]
    with pytest.raises(BadRequestError):
        env.call(copilot.ask(""))
