"""`main()`: parse, run one command, and turn every failure into one line and an exit status."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Optional

from ._console import Console
from ._parser import SANDBOX_EXAMPLES, build_parser, check_args, command_index

if TYPE_CHECKING:
    from .._client import LLMWise
    from .._exceptions import LLMWiseError

__all__ = ["main", "describe_error"]

# Command name -> (module, function).
COMMANDS = {
    "chat": ("._chat", "chat"),
    "compare": ("._multi", "compare"),
    "blend": ("._multi", "blend"),
    "judge": ("._multi", "judge"),
    "models": ("._account", "models"),
    "credits": ("._account", "credits"),
}

Command = Callable[["LLMWise", argparse.Namespace, Console], int]

EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # the shell's convention: 128 + SIGINT


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run `llmwise` with `argv` (default: `sys.argv[1:]`); returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(args)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`llmwise models | head`): stop quietly. stdout is pointed at
        # /dev/null so that the interpreter's final flush does not fail a second time.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # stdout is not a file descriptor
            pass
        return EXIT_API_ERROR


def _main(argv: list[str]) -> int:
    index = command_index(argv)
    if index is not None and argv[index] == "sandbox":
        return _sandbox(argv[index + 1 :])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    check_args(args)
    console = Console(json_mode=getattr(args, "json", False))
    api_key: Optional[str] = getattr(args, "api_key", None)
    try:
        return _run(args, console, api_key)
    finally:
        console.close()


def _run(args: argparse.Namespace, console: Console, api_key: Optional[str]) -> int:
    # Imported here: `llmwise --help` and usage errors need neither httpx nor pydantic, and each
    # command loads only its own endpoints' types.
    from .._client import LLMWise
    from .._exceptions import LLMWiseError

    module, name = COMMANDS[args.command]
    try:
        command: Command = getattr(importlib.import_module(module, __package__), name)
        with LLMWise(
            api_key=api_key,
            base_url=getattr(args, "base_url", None),
            timeout=getattr(args, "timeout", None),
            max_retries=getattr(args, "max_retries", None),
        ) as client:
            return command(client, args, console)
    except LLMWiseError as err:
        console.close()
        console.note(_redact(describe_error(err, console.stream), api_key))
        return EXIT_API_ERROR
    except BrokenPipeError:
        raise  # handled by main(): the reader of stdout went away
    except Exception as exc:  # a bug: still one line, unless a traceback was asked for
        if os.environ.get("LLMWISE_LOG", "").strip().lower() == "debug":
            raise
        console.close()
        line = f"error: unexpected {type(exc).__name__}: {exc} (LLMWISE_LOG=debug shows the traceback)"
        console.note(_redact(" ".join(line.split()), api_key))
        return EXIT_API_ERROR


def describe_error(err: LLMWiseError, stream: Any = None) -> str:
    """`error: <message> (status N, request_id req_...)`, on one line."""
    from .._exceptions import APIStatusError, ServerStreamError, error_message

    message = err.message
    if isinstance(err, ServerStreamError):
        # The SDK's message repeats the status; the server's own words read better here.
        message = error_message(err.body, message)
        if err.refunded:
            message += "; the credits were refunded"
    elif isinstance(err, APIStatusError):
        message = error_message(err.body, message)  # without the SDK's "Error code: N - " prefix
    message = message.replace("; they are in `partial_text`.", ".")  # Python advice, not CLI advice
    details = []
    if err.status_code is not None:
        details.append(f"status {err.status_code}")
    request_id = err.request_id or getattr(stream, "request_id", None)
    if request_id:
        details.append(f"request_id {request_id}")
    line = f"error: {message}" + (f" ({', '.join(details)})" if details else "")
    return " ".join(line.split())


def _redact(line: str, api_key: Optional[str]) -> str:
    # Belt and braces: no SDK message contains the key, but a server could echo it back.
    for key in (api_key, os.environ.get("LLMWISE_API_KEY")):
        key = (key or "").strip()
        if len(key) >= 8:
            line = line.replace(key, "<api key>")
    return line


def _sandbox(argv: list[str]) -> int:
    """`llmwise sandbox ...`: `python -m llmwise.sandbox ...`, under this command's name."""
    from ..sandbox import Sandbox
    from ..sandbox.__main__ import build_parser as sandbox_parser
    from ..sandbox.__main__ import main as sandbox_main

    parser = sandbox_parser()
    parser.prog = "llmwise sandbox"
    parser.epilog = f"{SANDBOX_EXAMPLES}\n{parser.epilog or ''}"
    args = parser.parse_args(argv)
    # The sandbox's main() checks these too, but its messages would name `python -m llmwise.sandbox`.
    if args.latency < 0:
        parser.error("--latency must be >= 0")
    probe = Sandbox()
    for spec in args.fault:
        try:
            probe.apply(spec)
        except ValueError as exc:
            parser.error(f"--fault {spec!r}: {exc}")
    return sandbox_main(argv)
