"""The argument parser of the `llmwise` command: global options, sub-commands, help texts.

Building it imports nothing but argparse, so `llmwise --help` stays instant; the SDK is loaded once
a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, Optional

from .._version import __version__

__all__ = [
    "build_parser",
    "check_args",
    "command_index",
    "json_requested",
    "CHAT_STRATEGIES",
    "BLEND_STRATEGIES",
    "DEFAULT_JUDGES",
    "SANDBOX_EXAMPLES",
]

# Kept literal so that building the parser does not import pydantic; tests/test_cli.py checks them
# against the SDK's `RoutingParam` and `BlendStrategy`.
CHAT_STRATEGIES = ("rate-limit", "latency", "cost", "round-robin")
BLEND_STRATEGIES = ("consensus", "council", "best_of", "chain", "moa", "self_moa")
DEFAULT_JUDGES = ("gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash", "claude-haiku-4.5")
"""`judge` without `--judge`: the first of these that is not a contestant judges."""

# Global options taking a value: `command_index` must skip their values to find the command.
_VALUE_OPTIONS = ("--api-key", "--base-url", "--timeout", "--max-retries")

_MAIN_EPILOG = """\
Global options may come before or after the command.

examples:
  llmwise chat "Write a haiku about rate limits"
  llmwise chat -m claude-sonnet-4.5 --fallback gpt-5.2 "Explain recursion"
  llmwise compare -m gpt-5.2 -m claude-sonnet-4.5 "Name three sorting algorithms"
  llmwise blend -m gpt-5.2 -m gemini-3-flash --strategy moa --layers 2 "Plan a launch"
  llmwise judge -m gpt-5.2 -m deepseek-v3 --criteria accuracy "What is a monad?"
  llmwise --json models | jq -r '.[].id'
  llmwise sandbox --port 8080 &   # then: llmwise --base-url http://127.0.0.1:8080 ...

Answers go to stdout; progress, routing and credits to stderr (on a terminal, also a waiting
indicator and retry notices; LLMWISE_PROGRESS=1 forces them, 0 hides them). Errors are one line on
stderr (with --json, one JSON object: type, status_code, message, request_id); exit status 1 for
API errors, 2 for usage errors, 130 when interrupted.
"""

_CHAT_EPILOG = """\
examples:
  llmwise chat "Write a haiku about rate limits"            # model auto
  llmwise chat -m gpt-5.2 --temperature 0.2 --max-tokens 200 "Summarize RFC 9110"
  llmwise chat -m claude-sonnet-4.5 --fallback gpt-5.2 --fallback gemini-3-flash \\
      --strategy rate-limit "Explain recursion"
  llmwise chat --system "Answer in French" "What is an API?"
  git diff | llmwise chat -m claude-sonnet-4.5 --system "Review this diff" -
  llmwise --json chat "Hi" | jq -r 'select(.event == "done") | .credits_remaining'

With fallbacks, each attempt is reported on stderr ("-> trying gpt-5.2", "x claude-sonnet-4.5
failed (429)"). When stdout is not a terminal, an attempt's text is written once that attempt
succeeds, so a failover never leaves a failed model's partial answer in the output.
"""

_COMPARE_EPILOG = """\
examples:
  llmwise compare -m gpt-5.2 -m claude-sonnet-4.5 "Name three sorting algorithms"
  llmwise compare -m gpt-5.2,gemini-3-flash,deepseek-v3 --width 150 "Explain CAP"
  llmwise compare -m gpt-5.2 -m claude-sonnet-4.5 "Hi" > answers.txt
  llmwise --json compare -m gpt-5.2 -m deepseek-v3 "Hi" | jq -c 'select(.event == "summary")'

On a terminal the answers stream side by side, in columns sized to the terminal (or --width, or
$COLUMNS). Otherwise each model's answer is printed when it finishes, under a line
"== model (latency ms, tokens) ==". Then the fastest and the longest answer.
"""

_BLEND_EPILOG = """\
examples:
  llmwise blend -m gpt-5.2 -m claude-sonnet-4.5 "Write a product announcement"
  llmwise blend -m gpt-5.2 -m gemini-3-flash -m deepseek-v3 --strategy council \\
      --synthesizer claude-sonnet-4.5 "Pros and cons of microservices"
  llmwise blend -m gpt-5.2 -m gemini-3-flash --strategy moa --layers 2 "Plan a launch"
  llmwise blend -m gpt-5.2 --strategy self_moa --samples 4 "Name a startup"

The sources' progress goes to stderr; the synthesized answer streams to stdout.
"""

_JUDGE_EPILOG = f"""\
examples:
  llmwise judge -m gpt-5.2 -m deepseek-v3 "What is a monad?"
  llmwise judge -m gpt-5.2 -m gemini-3-flash --judge claude-sonnet-4.5 \\
      --criteria accuracy --criteria brevity "Explain TCP slow start"
  llmwise --json judge -m gpt-5.2 -m deepseek-v3 "Hi" | jq 'select(.event == "verdict")'

Prints the verdict as a table ranked best first (rank, model, score, reasoning) and the winner.
Without --judge, the first of {", ".join(DEFAULT_JUDGES)} that is not a contestant judges.
"""

_MODELS_EPILOG = """\
examples:
  llmwise models
  llmwise --json models | jq -r '.[] | select(.is_free) | .id'
"""

_CREDITS_EPILOG = """\
examples:
  llmwise credits
  llmwise --json credits | jq .credits
"""

SANDBOX_EXAMPLES = """\
Runs in the foreground until Ctrl-C; its first line on stdout is the base URL.

examples:
  llmwise sandbox --port 8080
  llmwise sandbox --port 8080 --latency 0.05 --fault model:claude-sonnet-4.5:fail=429
  LLMWISE_API_KEY=mm_sk_test llmwise --base-url http://127.0.0.1:8080 chat "Hi"
"""


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def _global_options(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an option left out after the command must not overwrite one given before it.
    group = parser.add_argument_group("global options (before or after the command)")
    group.add_argument(
        "--api-key", metavar="KEY", default=argparse.SUPPRESS, help="API key (default: $LLMWISE_API_KEY)"
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="API base URL (default: $LLMWISE_BASE_URL, else https://llmwise.ai/api/v1)",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="machine output: one JSON object per line per stream event; the result object otherwise;"
        " an error is one JSON object on stderr",
    )
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_positive_float,
        default=argparse.SUPPRESS,
        help="request timeout; for streams, the longest wait between two chunks (default: 60)",
    )
    group.add_argument(
        "--max-retries",
        metavar="N",
        type=_count(0),
        default=argparse.SUPPRESS,
        help="retries of connection errors, 408/409/429 and 5xx (default: 2)",
    )


def _add_prompt(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "prompt",
        metavar="PROMPT",
        nargs="?",
        help="the user message; '-' or nothing reads it from stdin (when stdin is not a terminal)",
    )
    parser.add_argument("--system", metavar="TEXT", help="a system message sent before the prompt")
    parser.add_argument("--temperature", metavar="T", type=float, help="sampling temperature, 0 to 2")
    parser.add_argument("--max-tokens", metavar="N", type=_count(1), help="most tokens to generate (per model)")


def _add_models(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument(
        "-m", "--model", dest="models", metavar="MODEL", action="append", default=[], help=help
    )


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are a JSON object on stderr under `--json`."""

    json_errors = False

    def error(self, message: str) -> NoReturn:
        if not self.json_errors:
            super().error(message)
        error = {"type": "UsageError", "status_code": None, "message": f"{self.prog}: {message}", "request_id": None}
        sys.stderr.write(json.dumps(error, ensure_ascii=False) + "\n")
        self.exit(2)


class _JSONParser(_Parser):
    json_errors = True


def json_requested(argv: Sequence[str]) -> bool:
    """Whether `--json` is among the options (before a `--`), even if the rest does not parse."""
    for token in argv:
        if token == "--":
            return False
        if token == "--json":
            return True
    return False


def _command(
    sub: argparse._SubParsersAction[_Parser], name: str, help: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        prog=f"llmwise {name}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _global_options(parser)
    parser.set_defaults(command=name, parser=parser)
    return parser


def build_parser(*, json_errors: bool = False) -> argparse.ArgumentParser:
    """The `llmwise` argument parser (the `sandbox` command is parsed by the sandbox's own parser).

    With `json_errors`, usage errors are written as a JSON object (`--json` was given).
    """
    # Sub-command parsers are built with the class of the main one.
    parser_class = _JSONParser if json_errors else _Parser
    parser = parser_class(
        prog="llmwise",
        description="The LLMWise multi-model LLM API from the command line: chat, compare, blend, judge.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        # Abbreviated global options would defeat `command_index`, which finds `sandbox` by hand.
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"llmwise {__version__}")
    _global_options(parser)
    parser.set_defaults(command=None, parser=parser)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    chat = _command(sub, "chat", "chat with one model, auto routing, or a failover chain",
                    "Stream one model's answer (default model: auto).", _CHAT_EPILOG)
    chat.add_argument("-m", "--model", default="auto", metavar="MODEL", help="model id, or auto (default)")
    chat.add_argument(
        "--fallback",
        metavar="MODEL",
        action="append",
        default=[],
        help="a backup model tried when the previous one fails; repeatable, or comma-separated",
    )
    chat.add_argument("--strategy", choices=CHAT_STRATEGIES, help="how fallbacks are preferred (with --fallback)")
    _add_prompt(chat)

    compare = _command(sub, "compare", "run 2 to 9 models side by side",
                       "Stream several models' answers to the same prompt side by side.", _COMPARE_EPILOG)
    _add_models(compare, "a model to compare; repeat (2 to 9), or comma-separated")
    compare.add_argument("--width", metavar="N", type=_count(20), help="layout width (default: $COLUMNS, else the terminal's)")
    _add_prompt(compare)

    blend = _command(sub, "blend", "merge several models' answers into one",
                     "Gather answers from several sources and stream one synthesized answer.", _BLEND_EPILOG)
    _add_models(blend, "a source model; repeat (2 to 6; one for self_moa), or comma-separated")
    blend.add_argument("--strategy", choices=BLEND_STRATEGIES, help="how sources are merged (default: consensus)")
    blend.add_argument("--synthesizer", metavar="MODEL", help="the model writing the answer (default: the first source)")
    blend.add_argument("--layers", metavar="N", type=_count(1), help="moa: rounds of sources, 1 to 3")
    blend.add_argument("--samples", metavar="N", type=_count(1), help="self_moa: candidates, 2 to 8")
    _add_prompt(blend)

    judge = _command(sub, "judge", "have a judge model rank 2 to 4 contestants",
                     "Have contestants answer, and a judge model rank them.", _JUDGE_EPILOG)
    _add_models(judge, "a contestant; repeat (2 to 4), or comma-separated")
    judge.add_argument("--judge", metavar="MODEL", help="the judging model (not a contestant)")
    judge.add_argument("--criteria", metavar="C", action="append", default=[], help="what the judge weighs; repeatable")
    _add_prompt(judge)

    _command(sub, "models", "list the model catalogue", "List the models you can call.", _MODELS_EPILOG)
    _command(sub, "credits", "show the credit balance", "Show the credit balance and wallet.", _CREDITS_EPILOG)
    # Listed here for `llmwise --help`; `main` hands `llmwise sandbox ...` to the sandbox's parser.
    sub.add_parser("sandbox", help="run the local sandbox API server", add_help=False)
    return parser


def command_index(argv: Sequence[str]) -> Optional[int]:
    """The position of the command in `argv` (skipping global options and their values), if any."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            return i + 1 if i + 1 < len(argv) else None
        if token in _VALUE_OPTIONS:
            i += 2
        elif token.startswith("-") and token != "-":
            i += 1
        else:
            return i
    return None


# The fewest models each command takes (the API checks the upper bounds and duplicates).
_LEAST_MODELS = {"compare": (2, "models"), "blend": (1, "source model"), "judge": (2, "contestants")}


def _ids(values: Sequence[str]) -> list[str]:
    """Model ids from repeated options, each of which may hold several ids separated by commas."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def check_args(args: argparse.Namespace) -> None:
    """Finish and check parsed arguments before anything is imported or sent.

    Usage errors exit with status 2 here (through `parser.error`), whatever the API key: the prompt
    is read from stdin when asked, model lists are split at commas and counted.
    """
    parser: argparse.ArgumentParser = args.parser
    if hasattr(args, "prompt"):
        args.prompt = _read_prompt(parser, args.prompt)
    if args.command in _LEAST_MODELS:
        least, what = _LEAST_MODELS[args.command]
        args.models = _ids(args.models)
        if len(args.models) < least:
            parser.error(f"give at least {least} {what} with -m MODEL (repeat it, or separate ids with commas)")
    if args.command == "chat":
        args.fallback = _ids(args.fallback)
        if args.strategy and not args.fallback:
            parser.error("--strategy orders a failover chain: add --fallback MODEL")
    if args.command == "judge" and not args.judge:
        args.judge = next((m for m in DEFAULT_JUDGES if m not in args.models), None)
        if args.judge is None:
            parser.error("choose the judge with --judge MODEL (it must not be a contestant)")


def _read_prompt(parser: argparse.ArgumentParser, prompt: Optional[str]) -> str:
    if prompt is not None and prompt != "-":
        return prompt
    if sys.stdin is None or sys.stdin.isatty():
        parser.error("a PROMPT is required (or '-' with the prompt piped on stdin)")
    # A piped prompt ends with a newline that is not part of the question.
    text = sys.stdin.read().rstrip()
    if not text:
        parser.error("the prompt read from stdin is empty")
    return text
