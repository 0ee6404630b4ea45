"""Response models and request TypedDicts, one module per API area (`types.chat`, ...).

Import from the area's module (`from llmwise.types.chat import ChatCompletion`); the names are
also reachable here, loaded on first use. The request TypedDicts of every area are defined in
`llmwise.types.params` (which, unlike the response models, needs no pydantic) and exported by their
area's module too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Type checkers see every name precisely; at run time each area loads on first use.
    from .blend import *  # noqa: F403
    from .chat import *  # noqa: F403
    from .compare import *  # noqa: F403
    from .compat import *  # noqa: F403
    from .conversations import *  # noqa: F403
    from .credits import *  # noqa: F403
    from .history import *  # noqa: F403
    from .judge import *  # noqa: F403
    from .keys import *  # noqa: F403
    from .memory import *  # noqa: F403
    from .models import *  # noqa: F403
    from .optimization import *  # noqa: F403
    from .settings import *  # noqa: F403
    from .shared import *  # noqa: F403
    from .structured import *  # noqa: F403
    from .usage import *  # noqa: F403

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
    "compat",
    "structured",
)


if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt name is an error there

    def __getattr__(name: str) -> Any:
        from importlib import import_module

        for module_name in _MODULES:
            module = import_module(f".{module_name}", __name__)
            if name in getattr(module, "__all__", ()):
                value = getattr(module, name)
                globals()[name] = value
                return value
        raise AttributeError(f"module 'llmwise.types' has no attribute {name!r}")
