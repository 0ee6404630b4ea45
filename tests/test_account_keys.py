"""`client.keys` against the sandbox: status, generation (with a session token), revocation."""

from __future__ import annotations

import pytest

from llmwise import AuthenticationError, PermissionDeniedError
from llmwise.types.keys import GeneratedKey, KeyInfo, KeyRevoked
from support import KEY, SandboxEnv

SESSION_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJl"


def test_info(env: SandboxEnv) -> None:
    info = env.call(env.client.keys.info())
    assert isinstance(info, KeyInfo)
    assert info.has_key is True and info.key_prefix == KEY[:10]
    assert info.last_used_at


def test_generate_needs_a_session_token(env: SandboxEnv) -> None:
    with pytest.raises(PermissionDeniedError) as info:
        env.call(env.client.keys.generate())
    assert info.value.status_code == 403
    assert env.sandbox.requests[-1].json == {}


def test_generate_replaces_the_key(env: SandboxEnv) -> None:
    dashboard = env.client.with_options(api_key=SESSION_TOKEN)
    generated = env.call(dashboard.keys.generate())
    assert isinstance(generated, GeneratedKey)
    assert generated.api_key and generated.api_key.startswith("mm_sk_") and len(generated.api_key) == 70
    assert generated.key_prefix == generated.api_key[:10] and generated.created_at
    # The raw key is shown once: it stays out of repr (logs), but is readable.
    assert generated.api_key not in repr(generated) and generated.api_key not in str(generated)
    assert generated.to_dict()["api_key"] == generated.api_key

    # The previous key stops working; the new one works.
    with pytest.raises(AuthenticationError):
        env.call(env.client.credits.balance())
    fresh = env.client.with_options(api_key=generated.api_key)
    assert env.call(fresh.keys.info()).key_prefix == generated.key_prefix
    assert env.call(fresh.credits.balance()).credits == 1000


def test_revoke(env: SandboxEnv) -> None:
    revoked = env.call(env.client.keys.revoke())
    assert isinstance(revoked, KeyRevoked) and revoked.revoked is True
    assert env.sandbox.requests[-1].method == "DELETE"
    with pytest.raises(AuthenticationError):
        env.call(env.client.keys.info())
