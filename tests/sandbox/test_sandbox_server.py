"""SandboxServer lifecycle, the /_sandbox control API and the command line."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx
import pytest

from llmwise.sandbox import Sandbox, SandboxServer, model_text

from .helpers import AUTH, USER, events

CHAT = {"model": "gpt-5.2", "messages": USER}
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # Like any server (SandboxServer included), tolerate TIME_WAIT leftovers of closed connections.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_server_urls_and_lifecycle() -> None:
    server = SandboxServer()
    assert repr(server) == "<SandboxServer stopped>"
    with server:
        assert server.running
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.base_url == server.url + "/api/v1"
        response = httpx.get(server.base_url + "/models", headers=AUTH)
        assert response.status_code == 200
        assert response.headers["content-length"] == str(len(response.content))
        port = server.port
    assert repr(server) == "<SandboxServer stopped>"
    assert _port_is_free(port)
    server.stop()  # idempotent


def test_sse_is_chunked_and_json_has_content_length(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        with client.stream("POST", "/chat", json=CHAT) as response:
            assert response.headers["transfer-encoding"] == "chunked"
            assert "content-length" not in response.headers
            assert response.headers["content-type"] == "text/event-stream"
            body = response.read().decode()
        assert body.endswith("data: [DONE]\n\n")
        plain = client.post("/chat", json={**CHAT, "stream": False})
        assert int(plain.headers["content-length"]) == len(plain.content)


def test_stop_does_not_hang_with_streams_in_flight() -> None:
    sandbox = Sandbox(latency=30.0)  # a stream that would take minutes
    server = SandboxServer(sandbox).start()
    port = server.port
    errors: queue.Queue[BaseException | None] = queue.Queue()

    def consume() -> None:
        try:
            with httpx.Client(timeout=10) as client:
                client.post(server.base_url + "/chat", json=CHAT, headers=AUTH)
        except BaseException as exc:  # the connection is dropped: any httpx error is fine
            errors.put(exc)
        else:
            errors.put(None)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not sandbox.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3
    thread.join(timeout=5)
    assert isinstance(errors.get(timeout=1), httpx.HTTPError)
    assert _port_is_free(port)
    with SandboxServer(port=port) as again:  # the same port can be served again at once
        assert httpx.get(again.base_url + "/models", headers=AUTH).status_code == 200


def test_concurrent_streams_over_tcp(server: SandboxServer) -> None:
    server.sandbox.reset()
    results: dict[str, str] = {}

    def run(model: str) -> None:
        with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as client:
            found = events(client.post("/chat", json={"model": model, "messages": USER}))
            results[model] = "".join(e["delta"] for e in found if isinstance(e, dict) and "delta" in e)

    threads = [threading.Thread(target=run, args=(m,)) for m in ("gpt-5.2", "deepseek-v3", "gemini-3-flash")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == {m: model_text(m, USER) for m in ("gpt-5.2", "deepseek-v3", "gemini-3-flash")}
    assert server.sandbox.credits == 997


# -- control API ----------------------------------------------------------------------------------


def test_control_api(server: SandboxServer) -> None:
    server.sandbox.reset()
    with (
        # Control POSTs must be JSON (415 otherwise), with or without a body.
        httpx.Client(base_url=server.url, headers={"Content-Type": "application/json"}) as control,
        httpx.Client(base_url=server.base_url, headers=AUTH) as api,
    ):
        assert control.post("/_sandbox/reset").json()["ok"] is True
        listing = control.get("/_sandbox/").json()["control_endpoints"]
        assert "POST /_sandbox/faults" in listing

        added = control.post("/_sandbox/faults", json={"type": "rate_limit", "times": 1, "retry_after": 2})
        assert added.status_code == 200 and added.json()["faults"][0]["type"] == "rate_limit"
        control.post(
            "/_sandbox/faults", json=[{"spec": "server_error:status=504"}, {"type": "cut", "after": 1}]
        )
        assert [f["type"] for f in control.get("/_sandbox/faults").json()["faults"]] == [
            "rate_limit",
            "server_error",
            "cut_stream",
        ]
        limited = api.post("/chat", json=CHAT)
        assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
        assert api.post("/chat", json=CHAT).status_code == 504
        with pytest.raises(httpx.RemoteProtocolError):
            api.post("/chat", json=CHAT)
        bad = control.post("/_sandbox/faults", json={"type": "explode"})
        assert bad.status_code == 400 and "explode" in bad.json()["error"]

        behaviour = control.post("/_sandbox/models/gpt-5.2", json={"fail_status": 429})
        assert behaviour.json()["fail_status"] == 429
        assert control.get("/_sandbox/models/gpt-5.2").json()["fail_status"] == 429
        assert control.post("/_sandbox/models/nope", json={}).status_code == 404
        assert control.post("/_sandbox/models/gpt-5.2", json={"colour": "red"}).status_code == 400
        failover = api.post(
            "/chat", json={**CHAT, "stream": False, "routing": {"fallback": ["deepseek-v3"]}}
        ).json()
        assert failover["final_model"] == "deepseek-v3"
        control.post("/_sandbox/models/gpt-5.2", json={})
        assert api.post("/chat", json={**CHAT, "stream": False}).status_code == 200

        assert control.post("/_sandbox/credits", json={"credits": 0}).json()["credits"] == 0
        assert api.post("/chat", json=CHAT).status_code == 402
        credits = control.get("/_sandbox/credits").json()
        assert credits["credits"] == 0 and credits["transactions"][-1]["type"] == "adjustment"
        assert control.post("/_sandbox/credits", json={"credits": "many"}).status_code == 400

        control.post("/_sandbox/policy", json={"max_fallbacks": 1})
        assert control.get("/_sandbox/policy").json()["max_fallbacks"] == 1

        recorded = control.get("/_sandbox/requests").json()["requests"]
        assert recorded[0]["path"] == "/chat" and recorded[0]["method"] == "POST"
        assert recorded[0]["headers"]["authorization"] == "REDACTED"
        assert recorded[0]["json"] == CHAT and recorded[0]["status"] == 429
        history = control.get("/_sandbox/history").json()["history"]
        assert [h["mode"] for h in history] == ["chat", "mesh", "chat"]  # the cut stream, failover, plain

        control.post("/_sandbox/reset")
        assert control.get("/_sandbox/requests").json()["requests"] == []
        assert control.get("/_sandbox/credits").json()["credits"] == 1000
        assert control.get("/_sandbox/faults").json()["faults"] == []
        assert control.get("/_sandbox/nothing").status_code == 404
        assert control.delete("/_sandbox/reset").status_code == 405


def test_control_api_in_process_too(sb: Sandbox) -> None:
    response = sb.request("POST", "/_sandbox/faults", json={"spec": "credits:0"})
    assert response.status == 200
    assert sb.credits == 0
    assert sb.requests == []  # control calls are not recorded


# -- command line ---------------------------------------------------------------------------------


def _read_line(stream: IO[str], timeout: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    return lines.get(timeout=timeout)


def _cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "llmwise.sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_cli_serves_until_signalled(stop_signal: signal.Signals) -> None:
    args = ("--port", "0", "--fault", "rate_limit:times=1,retry_after=3", "--fault", "model:gpt-5.2:fail=503")
    with _cli(*args) as process:
        try:
            assert process.stdout is not None
            # The first line is the URL alone, so that scripts can read it.
            line = _read_line(process.stdout, timeout=15)
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v1\n", line), line
            base_url = line.strip()
            with httpx.Client(base_url=base_url, headers=AUTH, timeout=10) as client:
                limited = client.post("/chat", json=CHAT)
                assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
                failed = client.post("/chat", json={**CHAT, "stream": False})
                assert failed.status_code == 503
                assert client.get("/models").status_code == 200
            process.send_signal(stop_signal)
            assert process.wait(timeout=10) == 0
            assert process.stdout.read() == ""  # exactly one line was printed
            assert process.stderr is not None and process.stderr.read() == ""  # 127.0.0.1: no warning
        finally:
            if process.poll() is None:
                process.kill()


def test_cli_help_documents_the_fault_language() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "llmwise.sandbox", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": SRC},
    )
    assert result.returncode == 0
    for needle in (
        "--fault SPEC",
        "rate_limit:times=2,retry_after=1",
        "cut[:after=K",
        "model:ID:fail=STATUS",
        "credits:N",
    ):
        assert needle in result.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "llmwise.sandbox", "--fault", "explode"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": SRC},
    )
    assert bad.returncode == 2 and "explode" in bad.stderr
