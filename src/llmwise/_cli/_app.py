"""`main()`: parse, run one command, and turn every failure into one line and an exit status."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Optional

from ._console import Console
from ._parser import SANDBOX_EXAMPLES, build_parser, check_args, command_index, json_requested

if TYPE_CHECKING:
    from .._client import LLMWise
    from .._exceptions import LLMWiseError

__all__ = ["main", "describe_error", "error_fields", "retry_notice", "RetryNotices"]

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

NO_KEY = "No API key given: pass --api-key KEY, or set the LLMWISE_API_KEY environment variable."


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
    parser = build_parser(json_errors=json_requested(argv))
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
        if not (api_key if api_key is not None else os.environ.get("LLMWISE_API_KEY", "")).strip():
            # The SDK's own message tells Python code to pass api_key='...': not CLI advice.
            raise LLMWiseError(NO_KEY)
        with LLMWise(
            api_key=api_key,
            base_url=getattr(args, "base_url", None),
            timeout=getattr(args, "timeout", None),
            max_retries=getattr(args, "max_retries", None),
        ) as client:
            console.wait(_waiting_label(args))
            with _retry_notices(console, client.max_retries):
                return command(client, args, console)
    except LLMWiseError as err:
        if console.json:
            fields = error_fields(err, console.stream)
            fields["message"] = _redact(fields["message"], api_key)
            console.error_json(fields)
        else:
            console.close()
            console.note(_redact(describe_error(err, console.stream), api_key))
        return EXIT_API_ERROR
    except BrokenPipeError:
        raise  # handled by main(): the reader of stdout went away
    except Exception as exc:  # a bug: still one line, unless a traceback was asked for
        if os.environ.get("LLMWISE_LOG", "").strip().lower() == "debug":
            raise
        message = _redact(" ".join(f"unexpected {type(exc).__name__}: {exc}".split()), api_key)
        if console.json:
            console.error_json({"type": type(exc).__name__, "status_code": None, "message": message, "request_id": None})
        else:
            console.close()
            console.note(f"error: {message} (LLMWISE_LOG=debug shows the traceback)")
        return EXIT_API_ERROR


def _waiting_label(args: argparse.Namespace) -> str:
    if args.command == "chat":
        return str(args.model)
    if args.command in ("compare", "blend", "judge"):
        return ", ".join(args.models)
    return "LLMWise"


# --- retry notices -------------------------------------------------------------------------------

# The transport's `_log_retry` logs "Retrying %s %s in %.2fs (%d retries left) after: %s" with
# (method, url, delay, retries_left, error message) on the `llmwise` logger at INFO.
_RETRY_PREFIX = "Retrying "
_STATUS_MESSAGE = re.compile(r"Error code: (\d{3}) - ")
_STATUS_WORDS = {
    408: "request timeout",
    409: "conflict",
    429: "rate limited",
    500: "server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


def _retry_reason(message: str) -> str:
    match = _STATUS_MESSAGE.match(message)
    if match:
        status = int(match[1])
        return f"{status} {_STATUS_WORDS.get(status, 'server error' if status >= 500 else 'error')}"
    if message.startswith("Request timed out"):
        return "timed out"
    if message.startswith("Connection error"):
        return "connection failed"
    if "stream ended" in message.lower():
        return "the stream broke off"
    words = " ".join(message.split())
    return words if len(words) <= 60 else words[:57] + "..."


def retry_notice(record: logging.LogRecord, max_retries: int) -> Optional[str]:
    """`429 rate limited, retrying in 2.0 s (attempt 2 of 3)` for the transport's retry log record.

    None for any other record, or one whose shape this does not know (the notice is a nicety: a
    changed log format must not break the command).
    """
    args = record.args
    if not (isinstance(record.msg, str) and record.msg.startswith(_RETRY_PREFIX)):
        return None
    if not (isinstance(args, tuple) and len(args) == 5):
        return None
    delay, retries_left, message = args[2], args[3], args[4]
    if not isinstance(delay, (int, float)) or not isinstance(retries_left, int) or not isinstance(message, str):
        return None
    attempts = max_retries + 1
    # `retries_left` counts the failed attempt's own retries: the next attempt is the one after it.
    attempt = min(max(attempts - retries_left + 1, 2), attempts)
    return f"{_retry_reason(message)}, retrying in {delay:.1f} s (attempt {attempt} of {attempts})"


class RetryNotices(logging.Handler):
    """Turns the transport's retry log records into notices on the console's stderr.

    Warnings pass through as Python's last-resort handler would print them when this is the only
    handler (it takes that handler's place: with a handler attached, Python no longer uses it).
    """

    def __init__(self, console: Console, max_retries: int) -> None:
        super().__init__(logging.INFO)
        self.console = console
        self.max_retries = max_retries

    def emit(self, record: logging.LogRecord) -> None:
        notice = retry_notice(record, self.max_retries)
        if notice is not None:
            self.console.progress_note(notice)
        elif record.levelno >= logging.WARNING and not self._others(record.name):
            self.console.progress_note(self.format(record))

    def _others(self, name: str) -> bool:
        logger: Optional[logging.Logger] = logging.getLogger(name)
        while logger is not None:
            if any(handler is not self for handler in logger.handlers):
                return True
            logger = logger.parent if logger.propagate else None
        return False


@contextmanager
def _retry_notices(console: Console, max_retries: int) -> Iterator[None]:
    if not console.progress:
        yield
        return
    logger = logging.getLogger("llmwise")
    handler = RetryNotices(console, max_retries)
    level = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)  # the retry records are INFO; nothing else gets through
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def describe_error(err: LLMWiseError, stream: Any = None) -> str:
    """`error: <message> (status N, request_id req_...)`, on one line."""
    fields = error_fields(err, stream)
    details = []
    if fields["status_code"] is not None:
        details.append(f"status {fields['status_code']}")
    if fields["request_id"]:
        details.append(f"request_id {fields['request_id']}")
    line = f"error: {fields['message']}" + (f" ({', '.join(details)})" if details else "")
    return " ".join(line.split())


def error_fields(err: LLMWiseError, stream: Any = None) -> dict[str, Any]:
    """The `--json` error object: `type` (the SDK's exception class), `status_code`, `message`, `request_id`."""
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
    request_id = err.request_id or getattr(stream, "request_id", None)
    return {
        "type": type(err).__name__,
        "status_code": err.status_code,
        "message": " ".join(message.split()),
        "request_id": request_id if isinstance(request_id, str) and request_id else None,
    }


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
