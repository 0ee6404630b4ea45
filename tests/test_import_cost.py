"""A client's first call costs no pydantic model machinery until a response is read (issue #13,
item 2): importing the client and reaching any resource method (`client.chat.create`,
`client.optimization.policy.update`, the async ones, the `with_raw_response` views) loads neither
`llmwise._models` nor pydantic's `BaseModel` machinery, nor any module defining a pydantic model.
They load with the first response or stream (see `llmwise._lazy`).

Deterministic checks of `sys.modules` in fresh interpreters; no timing.
"""

from __future__ import annotations

import ast
import copy
import importlib
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import llmwise
from llmwise._lazy import LazyModule

SRC = Path(llmwise.__file__).parent

# What the first call must not load: pydantic's model machinery, and llmwise's modules that define
# pydantic models (response models, stream events and their parsers, structured output, listings).
HEAVY = (
    "pydantic.main",
    "pydantic.fields",
    "pydantic._internal._model_construction",
    "llmwise._models",
    "llmwise._listing",
    "llmwise._streaming",
    "llmwise._structured",
    "llmwise._structured_calls",
    "llmwise._judging",
)


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_reaching_every_resource_method_loads_no_pydantic_model() -> None:
    out = run_python(
        """
        import json, sys
        from functools import cached_property
        from llmwise import AsyncLLMWise, LLMWise
        from llmwise._resource import APIResource, AsyncAPIResource, ResourceView

        def visit(obj, seen):
            # Every public attribute of a resource: its methods, sub-resources and views.
            for name in dir(type(obj)):
                if not name.startswith("_"):
                    value = getattr(obj, name)
                    seen.append(f"{type(obj).__name__}.{name}")
                    if isinstance(value, (APIResource, AsyncAPIResource, ResourceView)):
                        visit(value, seen)

        seen = []
        for client in (LLMWise(api_key="mm_sk_x"), AsyncLLMWise(api_key="mm_sk_x")):
            client.chat.create
            names = [n for n, v in vars(type(client)).items() if isinstance(v, cached_property)]
            for name in names:
                visit(getattr(client, name), seen)
        heavy = sorted(
            m for m in sys.modules
            if m.startswith(tuple(__HEAVY__)) or (m.startswith("llmwise.types.") and m != "llmwise.types.params")
        )
        print(json.dumps({"names": names, "seen": len(seen), "heavy": heavy}))
        """.replace("__HEAVY__", repr(HEAVY))
    )
    result = json.loads(out)
    assert {"chat", "compare", "blend", "judge", "models", "optimization", "settings"} <= set(result["names"])
    assert result["seen"] > 200  # the walk did reach the methods (and views) of every resource
    assert result["heavy"] == []


def test_first_calls_in_a_fresh_process_load_what_they_need() -> None:
    # Each kind of lazy reference, used first in a fresh interpreter (not after other tests loaded
    # the modules): a response model, a stream class, a list parser, a multi-model result.
    out = run_python(
        """
        import json, sys
        import httpx
        from llmwise import LLMWise

        def handler(request):
            path = request.url.path
            if path.endswith("/chat") and json.loads(request.content)["stream"]:
                body = b'data: {"delta": "Hel"}\\n\\ndata: {"delta": "lo"}\\n\\ndata: {"event": "done"}\\n\\n'
                return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})
            if path.endswith("/chat"):
                return httpx.Response(200, json={"id": "r1", "model": "m", "content": "hi"})
            if path.endswith("/compare"):
                return httpx.Response(200, json={"responses": [{"model": "a", "content": "x"}]})
            if path.endswith("/credits/packs"):
                return httpx.Response(200, json={"packs": [{"id": "p1", "credits": 100}]})
            return httpx.Response(200, json=[{"id": "m1"}, "auto"])

        client = LLMWise("mm_sk_x", base_url="http://test.local", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
        messages = [{"role": "user", "content": "Hi"}]
        assert "llmwise._models" not in sys.modules
        completion = client.chat.create(model="m", messages=messages)
        assert "llmwise._models" in sys.modules
        text = "".join(client.chat.stream(model="m", messages=messages).text_stream)
        compared = client.compare.create(models=["a", "b"], messages=messages)
        packs = client.credits.packs()
        models = client.models.list()
        print(json.dumps([
            type(completion).__name__, completion.content, text, type(compared).__name__,
            compared.responses[0].content, type(packs[0]).__name__, [m.id for m in models],
        ]))
        """
    )
    assert json.loads(out) == ["ChatCompletion", "hi", "Hello", "CompareResult", "x", "CreditPack", ["m1", "auto"]]


def test_lazily_exported_names_resolve_to_their_definitions() -> None:
    # `from llmwise.resources.chat import ChatStream` (and every other name a module lists in
    # `__all__` without importing it) works in a fresh process, and is the defining module's object.
    out = run_python(
        """
        import importlib, json, pkgutil
        import llmwise.resources
        checked = 0
        for info in pkgutil.iter_modules(llmwise.resources.__path__):
            module = importlib.import_module("llmwise.resources." + info.name)
            for name in getattr(module, "__all__", ()):
                value = getattr(module, name)
                if getattr(value, "__module__", module.__name__) != module.__name__:
                    owner = importlib.import_module(value.__module__)
                    assert getattr(owner, name) is value, (module.__name__, name)
                checked += 1
        import llmwise._pagination, llmwise._listing
        assert llmwise._pagination.ListResponse is llmwise._listing.ListResponse
        print(checked)
        """
    )
    assert int(out) > 30


def _lazy_declarations(path: Path) -> list[tuple[str, str, str]]:
    """(alias, module the `if TYPE_CHECKING:` import names, module the `LazyModule` names) for each
    `LazyModule` of a module: both branches must mean the same module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    found = []
    for node in tree.body:
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
            continue
        checked: dict[str, str] = {}
        for stmt in node.body:
            if isinstance(stmt, ast.ImportFrom):
                base = importlib.util.resolve_name("." * stmt.level + (stmt.module or ""), package)
                for alias in stmt.names:
                    checked[alias.asname or alias.name] = f"{base}.{alias.name}"
        for stmt in node.orelse:
            if (
                isinstance(stmt, ast.Assign)
                and isinstance(stmt.value, ast.Call)
                and isinstance(stmt.value.func, ast.Name)
                and stmt.value.func.id == "LazyModule"
            ):
                target = stmt.targets[0]
                assert isinstance(target, ast.Name)
                argument = stmt.value.args[0]
                assert isinstance(argument, ast.Constant)
                found.append((target.id, checked.get(target.id, "(missing)"), str(argument.value)))
    return found


def test_lazy_modules_are_the_modules_type_checkers_see() -> None:
    declarations = {
        str(path.relative_to(SRC)): _lazy_declarations(path) for path in sorted(SRC.rglob("*.py"))
    }
    declarations = {name: found for name, found in declarations.items() if found}
    assert {"resources/chat.py", "resources/models.py", "resources/judge.py"} <= set(declarations)
    for name, found in declarations.items():
        for alias, checked, lazy in found:
            assert checked == lazy, f"{name}: {alias} is {checked} for type checkers, {lazy} at run time"
            importlib.import_module(lazy)


def test_lazy_module_keeps_what_it_read() -> None:
    module = LazyModule("json.decoder")
    assert "JSONDecoder" not in vars(module)
    decoder = module.JSONDecoder
    assert decoder is importlib.import_module("json.decoder").JSONDecoder
    assert vars(module)["JSONDecoder"] is decoder  # later reads skip `__getattr__`
    assert repr(module) == "<LazyModule 'json.decoder'>"
    assert copy.copy(module).JSONDecoder is decoder
    try:
        module.no_such_name  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("a missing name must raise AttributeError")
