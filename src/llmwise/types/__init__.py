"""Response models and request TypedDicts, one module per API area (`types.chat`, ...).

Import from the area's module (`from llmwise.types.chat import ChatCompletion`); the names are
also reachable here, loaded on first use.
"""

from __future__ import annotations

from typing import Any

_MODULES = (
    "shared",
    "chat",
    "compare",
    "blend",
    "judge",
    "models",
    "conversations",
    "history",
    "credits",
    "usage",
    "keys",
    "memory",
    "optimization",
    "settings",
)


def __getattr__(name: str) -> Any:
    from importlib import import_module

    for module_name in _MODULES:
        module = import_module(f".{module_name}", __name__)
        if name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'llmwise.types' has no attribute {name!r}")
