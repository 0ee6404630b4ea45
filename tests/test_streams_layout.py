"""Streams have one home (`llmwise._streaming`); `llmwise.types` holds data only (issue #10, part 7)."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import llmwise.types

TYPES_DIR = Path(llmwise.types.__path__[0])
FORBIDDEN = {"_streaming", "_streams", "_base_client"}


def imported_modules(path: Path) -> list[str]:
    """Every module an `import` / `from ... import` in the file names (any level, any nesting)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            found.append(module)
            found.extend(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_types_modules_import_nothing_from_streams_or_the_transport() -> None:
    files = sorted(TYPES_DIR.glob("*.py"))
    assert len(files) >= 10
    for path in files:
        for module in imported_modules(path):
            assert not FORBIDDEN & set(module.split(".")), f"{path.name} imports {module}"


def test_no_types_module_loads_stream_or_transport_code() -> None:
    # Every area's types, account ones included (their list wrappers live in `llmwise._listing`,
    # apart from the paging requests of `llmwise._pagination`).
    modules = sorted(info.name for info in pkgutil.iter_modules(llmwise.types.__path__))
    assert {"chat", "compare", "memory", "optimization", "settings", "usage"} <= set(modules)
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('llmwise.types.' + name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith("
        "('llmwise._streaming', 'llmwise._base_client', 'llmwise._pagination', 'llmwise.resources', 'httpx')))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_stream_logic_is_no_longer_in_types() -> None:
    moved = {
        "ChatAccumulator", "parse_chat_event", "parse_chat_text", "MultiModelAccumulator", "event_parser",
        "CompareAccumulator", "BlendAccumulator", "JudgeAccumulator", "parse_compare_event",
        "parse_blend_event", "parse_judge_event",
    }  # fmt: skip
    for info in pkgutil.iter_modules(llmwise.types.__path__):
        module = __import__(f"llmwise.types.{info.name}", fromlist=["_"])
        assert not moved & set(vars(module)), info.name


def test_public_names_still_resolve() -> None:
    import llmwise
    import llmwise.resources.blend
    import llmwise.resources.chat
    import llmwise.resources.compare
    import llmwise.resources.judge
    from llmwise._streaming import _core, blend, chat, compare, judge
    from llmwise.types import ModelView
    from llmwise.types.compare import ModelView as CompareModelView

    assert llmwise.Stream is _core.Stream and llmwise.AsyncStream is _core.AsyncStream
    assert llmwise.resources.chat.ChatStream is chat.ChatStream
    assert llmwise.resources.chat.AsyncChatStream is chat.AsyncChatStream
    assert llmwise.resources.compare.CompareStream is compare.CompareStream
    assert llmwise.resources.blend.BlendStream is blend.BlendStream
    assert llmwise.resources.judge.JudgeStream is judge.JudgeStream
    assert ModelView is CompareModelView
