"""Helpers shared by the sandbox tests (imported by conftest and the test modules)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from llmwise.sandbox import Sandbox

API_KEY = "mm_sk_" + "ab" * 32
AUTH = {"Authorization": f"Bearer {API_KEY}"}
USER = [{"role": "user", "content": "How do I add retries to a flaky service?"}]


def events_from_text(text: str) -> list[Any]:
    """Parsed ``data:`` payloads; ``[DONE]`` and invalid JSON stay strings."""
    out: list[Any] = []
    for line in text.splitlines():
        if line.startswith("data:"):
            payload = line[5:].strip()
            try:
                out.append(json.loads(payload))
            except ValueError:
                out.append(payload)
    return out


def events(response: httpx.Response) -> list[Any]:
    """SSE payloads of a fully read httpx response."""
    assert response.headers["content-type"].startswith("text/event-stream")
    return events_from_text(response.text)


@dataclass
class Env:
    """A sandbox and an httpx client reaching it (through the transport or over TCP)."""

    sb: Sandbox
    client: httpx.Client
    kind: str

    def anonymous(self) -> httpx.Client:
        """A client like ``client`` but without the Authorization header."""
        transport = self.sb.transport() if self.kind == "transport" else None
        return httpx.Client(transport=transport, base_url=self.client.base_url, timeout=10)

    def post(self, path: str, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return self.client.post(path, json=body, **kwargs)

    def stream_events(self, path: str, body: dict[str, Any]) -> list[Any]:
        response = self.post(path, body)
        assert response.status_code == 200, response.text
        found = events(response)
        assert found[-1] == "[DONE]"
        return found[:-1]
