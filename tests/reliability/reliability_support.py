"""Helpers of the reliability suite: a recognisable key, fd and connection counts."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from llmwise import AsyncLLMWise, LLMWise
from llmwise.types.shared import MessageParam

# Accepted by the sandbox (any `mm_sk_` token is) and easy to spot anywhere it might leak.
KEY = "mm_sk_" + "R3liabilityS3cret" + "c0ffee" * 6
# A leak may be partial (a truncated repr, an escaped header): look for pieces of the key too.
KEY_PIECES = (KEY, KEY[len("mm_sk_") :], KEY[12:32], KEY[-20:])

MSG: list[MessageParam] = [{"role": "user", "content": "Explain circuit breakers in one paragraph."}]

# Upper bound of every wait-until-true loop: it only turns a hang into a failure, nothing here
# asserts how long anything took.
HANG_GUARD = 30.0


def key_leaks(text: str | bytes) -> list[str]:
    """The pieces of KEY found in `text` (empty when it is clean)."""
    if isinstance(text, bytes):
        return [piece for piece in KEY_PIECES if piece.encode() in text]
    return [piece for piece in KEY_PIECES if piece in text]


# --- connections and file descriptors -----------------------------------------------------------


def fd_count() -> int | None:
    """Open file descriptors of this process (None where /proc is not available)."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


def open_fds() -> set[tuple[str, str]]:
    """The open file descriptors of this process, as (number, what it refers to)."""
    fds: set[tuple[str, str]] = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
        if not target.startswith("/proc/"):  # the descriptor of the listing itself
            fds.add((fd, target))
    return fds


def new_fds(before: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Descriptors open now that were not open in `before`: a leak, once everything is closed.

    Compared as sets, not counts: descriptors that other tests left behind may close meanwhile
    (a stopped server's handler threads close their sockets a little later), and a reused number
    refers to another file or socket.
    """
    return open_fds() - before


def _socket_inodes() -> set[str]:
    inodes: set[str] = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def tcp_connections(port: int) -> int:
    """Sockets of this process connected to or accepted on `port`: both ends of each loopback
    connection to a server running in this process (its listening socket is not counted)."""
    inodes = _socket_inodes()
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if inode == "0" or inode not in inodes or state == "0A":  # 0A: LISTEN
                continue
            if int(local.rsplit(":", 1)[1], 16) == port or int(remote.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def linux_only() -> bool:
    return sys.platform.startswith("linux") and fd_count() is not None


def pool_connections(client: LLMWise | AsyncLLMWise) -> list[Any]:
    """The httpcore connections in the client's pool (the SDK-owned or given httpx client)."""
    transport: Any = client._http._transport
    pool = getattr(transport, "_pool", None)
    return list(pool.connections) if pool is not None else []


def busy_connections(client: LLMWise | AsyncLLMWise) -> int:
    """Pooled connections still serving a response (neither idle nor closed)."""
    return sum(1 for conn in pool_connections(client) if not conn.is_idle() and not conn.is_closed())


def wait_until(predicate: Callable[[], bool], guard: float = HANG_GUARD) -> bool:
    """Poll `predicate` until true or until `guard` seconds passed; its last value."""
    deadline = time.monotonic() + guard
    while not predicate():
        if time.monotonic() > deadline:
            return predicate()
        time.sleep(0.02)
    return True


async def async_wait_until(predicate: Callable[[], bool], guard: float = HANG_GUARD) -> bool:
    """`wait_until` for a running event loop."""
    deadline = time.monotonic() + guard
    while not predicate():
        if time.monotonic() > deadline:
            return predicate()
        await asyncio.sleep(0.02)
    return True
