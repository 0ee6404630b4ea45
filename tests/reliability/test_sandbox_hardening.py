"""The sandbox as a server people run (issue #11): hostile requests, idle connections, exposure.

- Request bodies: the 16 MiB limit holds for chunked bodies; malformed chunk sizes and JSON nested
  too deeply are 400s (not a hang, not a dropped connection with a traceback).
- Silent connections are closed after the (configurable) idle timeout.
- The control API refuses the POSTs a web page can send cross-origin without a CORS preflight.
- A non-loopback `--host` prints a warning.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from llmwise.sandbox import Sandbox, SandboxServer, model_text
from llmwise.sandbox import __main__ as sandbox_cli

from .reliability_support import HANG_GUARD, KEY, MSG

MODEL = "gpt-5.2"
TEXT = model_text(MODEL, MSG)
CHAT = {"model": MODEL, "messages": MSG, "stream": False}
AUTH = {"Authorization": f"Bearer {KEY}"}
SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(Sandbox()) as running:
        yield running


def _exchange(server: SandboxServer, head: bytes, body: bytes = b"", *, half_close: bool = False) -> bytes:
    """Send raw bytes, then read until the server closes the connection (HANG_GUARD bounds a hang)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=HANG_GUARD) as conn:
        conn.sendall(head + body)
        if half_close:
            conn.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def _status_and_json(raw: bytes) -> tuple[int, Any]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def _chunked_head(path: str = "/api/v1/chat") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()


def test_a_chunked_body_over_the_limit_is_refused_before_it_is_read(server: SandboxServer) -> None:
    # One chunk announced at 16 MiB + 1 byte: refused on sight, not buffered (only 5 bytes follow).
    raw = _exchange(server, _chunked_head(), b"1000001\r\nhello")
    status, body = _status_and_json(raw)
    assert status == 413 and "16 MiB" in body["error"]
    assert server.sandbox.requests == []


@pytest.mark.parametrize("size_line", [b"-1", b"zz", b"+5", b"0x5", b"1_0", b""])
def test_a_malformed_chunk_size_is_a_400(server: SandboxServer, size_line: bytes) -> None:
    # The client keeps its side open: a server reading "to the end of the connection" would hang.
    raw = _exchange(server, _chunked_head(), size_line + b"\r\n" + b'{"model":"x"}\r\n0\r\n\r\n')
    status, body = _status_and_json(raw)
    assert status == 400 and "chunk" in body["error"]
    assert server.sandbox.requests == []


def test_a_chunked_body_that_ends_early_is_a_400(server: SandboxServer) -> None:
    raw = _exchange(server, _chunked_head(), b"20\r\n{}", half_close=True)
    status, body = _status_and_json(raw)
    assert status == 400 and "ended" in body["error"]


def test_a_well_formed_chunked_body_still_works(server: SandboxServer) -> None:
    payload = json.dumps(CHAT).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (payload[:10], payload[10:]))
    head = _chunked_head().replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    raw = _exchange(server, head, chunks + b"0\r\n\r\n")
    status, body = _status_and_json(raw)
    assert status == 200 and body["content"] == TEXT


@pytest.mark.parametrize("depth", [101, 5_000, 200_000])
def test_deeply_nested_json_is_a_400(server: SandboxServer, depth: int) -> None:
    nested = b"[" * depth + b"]" * depth
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=HANG_GUARD) as client:
        response = client.post(
            "/chat",
            content=b'{"model":"gpt-5.2","messages":' + nested + b"}",
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert "nested more than 100 levels" in response.json()["error"]
        # The server is fine afterwards, and so is the record of that request.
        assert client.get("/models").status_code == 200
    listed = httpx.get(server.url + "/_sandbox/requests", timeout=HANG_GUARD)
    assert listed.status_code == 200 and listed.json()["requests"][0]["json"] is None


def test_json_nested_within_the_limit_is_accepted() -> None:
    sb = Sandbox()
    deep: Any = "leaf"
    for _ in range(90):
        deep = {"k": deep}
    response = sb.request("POST", "/chat", json={**CHAT, "metadata": deep})
    assert response.status == 200


def test_an_idle_connection_is_closed_after_the_idle_timeout() -> None:
    with SandboxServer(Sandbox(), idle_timeout=0.2) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=HANG_GUARD) as conn:
            assert conn.recv(1) == b""  # closed by the server, without a request ever sent
        # A keep-alive connection is closed once it has been idle that long, too.
        with socket.create_connection(("127.0.0.1", server.port), timeout=HANG_GUARD) as conn:
            conn.sendall(
                f"GET /api/v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\r\n".encode()
            )
            received = b""
            while chunk := conn.recv(65536):
                received += chunk
            assert received.startswith(b"HTTP/1.1 200")
    with pytest.raises(ValueError):
        SandboxServer(idle_timeout=0)
    assert SandboxServer().idle_timeout == 60.0


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_control_posts_a_web_page_could_send_are_refused(
    server: SandboxServer, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    with httpx.Client(base_url=server.url + "/_sandbox", timeout=HANG_GUARD) as control:
        response = control.post("/faults", content=b'{"spec": "credits:0"}', headers=headers)
        assert response.status_code == 415
        assert "Content-Type: application/json" in response.json()["error"]
        assert control.post("/reset", headers=headers).status_code == 415
    assert server.sandbox.credits == 1000  # nothing happened


def test_control_posts_with_json_work(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url + "/_sandbox", timeout=HANG_GUARD) as control:
        assert control.post("/faults", json={"spec": "credits:5"}).status_code == 200
        assert server.sandbox.credits == 5
        json_type = {"Content-Type": "application/json; charset=utf-8"}
        assert control.post("/reset", headers=json_type).json()["credits"] == 1000
        # Reads and the other methods need no header (a browser preflights those cross-origin).
        assert control.get("/faults").status_code == 200
        assert control.delete("/faults").status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.org", False),
    ],
)
def test_non_loopback_hosts_get_a_warning(host: str, loopback: bool) -> None:
    assert sandbox_cli.is_loopback(host) is loopback
    warning = sandbox_cli.exposure_warning(host)
    assert (warning is None) is loopback
    if warning is not None:
        assert host in warning and "127.0.0.1" in warning


def _read_line(stream: IO[str]) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    return lines.get(timeout=HANG_GUARD)


def test_the_cli_warns_on_stderr_about_a_non_loopback_host() -> None:
    # 192.0.2.1 (TEST-NET-1) is on no interface: the warning comes first, then binding fails.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    with subprocess.Popen(
        [sys.executable, "-m", "llmwise.sandbox", "--host", "192.0.2.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        try:
            assert process.stderr is not None
            line = _read_line(process.stderr)
            assert line.startswith("llmwise sandbox: warning: listening on 192.0.2.1"), line
        finally:
            if process.poll() is None:
                process.kill()
