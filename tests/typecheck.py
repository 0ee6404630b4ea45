"""Run mypy on a small file, for tests of what users' type checkers see.

Lines of the snippet are tagged with a trailing comment `# @name`; `Report.at("name")` gives what
mypy said about that line (its errors and `reveal_type` notes).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent

_TAG = re.compile(r"#\s*@([\w.-]+)\s*$")
_LINE = re.compile(r"^[^:]+:(\d+): ((?:error|note): .*)$")


class Report:
    """mypy's output on a snippet, by tagged line."""

    def __init__(self, code: str, output: str) -> None:
        self.output = output
        tags: dict[int, str] = {}
        for number, line in enumerate(code.splitlines(), start=1):
            match = _TAG.search(line)
            if match:
                tags[number] = match.group(1)
        self._by_tag: dict[str, list[str]] = {tag: [] for tag in tags.values()}
        self.untagged: list[str] = []
        for line in output.splitlines():
            match = _LINE.match(line)
            if match is None:
                continue
            tag = tags.get(int(match.group(1)))
            (self._by_tag[tag] if tag is not None else self.untagged).append(match.group(2))

    def at(self, tag: str) -> list[str]:
        """What mypy said about the line tagged `# @tag`."""
        return self._by_tag[tag]

    def revealed(self, tag: str) -> str:
        """The type `reveal_type(...)` on the line tagged `# @tag` showed."""
        for message in self.at(tag):
            if message.startswith("note: Revealed type is "):
                # (mypy versions differ in spelling `builtins.str` or `str`.)
                return message[len("note: Revealed type is ") :].strip('"').replace("builtins.", "")
        raise AssertionError(f"no reveal_type on @{tag}: {self.at(tag)}\n{self.output}")

    def errors(self, tag: str) -> list[str]:
        """The errors (not notes) about the line tagged `# @tag`."""
        return [m[len("error: ") :] for m in self.at(tag) if m.startswith("error: ")]


def mypy_report(tmp_path: Path, code: str) -> Report:
    """Run mypy --strict (no config file, so the project's plugins and paths do not help) on `code`."""
    code = textwrap.dedent(code)
    path = tmp_path / "snippet.py"
    path.write_text(code, encoding="utf-8")
    stdout, stderr, _ = api.run(
        ["--strict", "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"), "--config-file", "", str(path)]
    )
    return Report(code, stdout + stderr)
