"""``python -m llmwise.sandbox``: run the sandbox as a real HTTP server until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from ._core import Sandbox
from ._faults import SPEC_HELP
from ._idempotency import DEFAULT_TTL
from ._server import DEFAULT_IDLE_TIMEOUT, SandboxServer


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m llmwise.sandbox",
        description="Run a local, deterministic LLMWise-compatible API server (everything under /api/v1; "
        "control API under /_sandbox).",
        epilog=SPEC_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free port (default: 0)")
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds between streamed chunks of each model (default: 0)",
    )
    parser.add_argument("--credits", type=int, default=1000, help="starting credit balance (default: 1000)")
    parser.add_argument(
        "--api-key", default=None, help="accept only this key (default: any 'mm_sk_...' bearer token)"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault or model behaviour; repeatable (see below)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"close a connection silent for this long (default: {DEFAULT_IDLE_TIMEOUT:g})",
    )
    parser.add_argument(
        "--idempotency-ttl",
        type=float,
        default=DEFAULT_TTL,
        metavar="SECONDS",
        help="how long a POST's Idempotency-Key replays its first answer; 0: never "
        f"(default: {DEFAULT_TTL:g}, 24 h)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each request to stderr")
    return parser


def is_loopback(host: str) -> bool:
    """Whether ``host`` names the loopback interface (reachable from this machine only)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """The warning printed when ``host`` lets other machines reach the sandbox, else None."""
    if is_loopback(host):
        return None
    return (
        f"llmwise sandbox: warning: listening on {host} makes the sandbox reachable from other "
        "machines; it accepts any 'mm_sk_' key and its /_sandbox control API has no authentication. "
        "Use --host 127.0.0.1 unless this is what you want."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.latency < 0:
        parser.error("--latency must be >= 0")
    if args.idle_timeout <= 0:
        parser.error("--idle-timeout must be > 0")
    if args.idempotency_ttl < 0:
        parser.error("--idempotency-ttl must be >= 0")
    sandbox = Sandbox(
        latency=args.latency,
        credits=args.credits,
        api_key=args.api_key,
        idempotency_ttl=args.idempotency_ttl,
    )
    for spec in args.fault:
        try:
            sandbox.apply(spec)
        except ValueError as exc:
            parser.error(f"--fault {spec!r}: {exc}")

    warning = exposure_warning(args.host)
    if warning is not None:
        print(warning, file=sys.stderr, flush=True)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        server = SandboxServer(
            sandbox, host=args.host, port=args.port, verbose=args.verbose, idle_timeout=args.idle_timeout
        ).start()
    except OSError as exc:
        print(f"llmwise sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    # The URL alone, as the only line on stdout, so that a script can read it.
    print(server.base_url, flush=True)
    try:
        # A timeout keeps the main thread responsive to signals on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
