"""Modules the resources import on first use, so that reaching a method costs no pydantic.

A client's first `client.chat.create` (or `client.compare`, `client.models`, ...) imports the
resource module, which needs its request TypedDicts (`llmwise.types.params`, no pydantic) but
not the response models, the stream classes or the structured-output helpers: those define
pydantic models when imported, and pydantic's model machinery is most of the cost of a first call
(issue #13). A resource module refers to them through a `LazyModule`:

    if TYPE_CHECKING:
        from ..types import chat as _types  # what type checkers see: the module itself
    else:
        _types = LazyModule("llmwise.types.chat")

    ...parse=_types.ChatCompletion.from_api...

The module is imported by the first call that uses it (`chat.create()` names its response model
when it builds its request), once. The stream classes a resource module exports
(`llmwise.resources.chat.ChatStream`) are reached through `lazy_exports`.

Type checkers see the real modules and names (the `TYPE_CHECKING` imports), so signatures stay
precise; `typing.get_type_hints()` on a resource method needs those names in its namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["LazyModule", "lazy_exports"]


class LazyModule:
    """Stands for the module `name`, which is imported when an attribute is first read.

    Each attribute read is then kept on this object: a later read is an instance-dict look-up, as
    cheap as a module attribute, so per-call code (`_types.ChatCompletion.from_api`) pays nothing
    for the laziness after the first call. Thread-safe: the import system serialises the import,
    and at worst two threads store the same value.
    """

    def __init__(self, name: str) -> None:
        self.__dict__["_LazyModule__name"] = name

    def __getattr__(self, attr: str) -> Any:
        # Called only for attributes not yet kept (`__dict__` is looked up first).
        if attr.startswith("__") or attr == "_LazyModule__name":
            raise AttributeError(attr)  # copy, pickle and the like probe dunder names
        value = getattr(import_module(self.__name), attr)
        self.__dict__[attr] = value
        return value

    def __repr__(self) -> str:
        return f"<LazyModule {self.__name!r}>"


def lazy_exports(namespace: dict[str, Any], names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` (PEP 562) for the names a module exports without importing them:
    `names` maps each to the module that defines it, imported when the name is first read.

        if not TYPE_CHECKING:
            __getattr__ = lazy_exports(globals(), {"ChatStream": "llmwise._streaming.chat"})
    """

    def __getattr__(name: str) -> Any:
        source = names.get(name)
        if source is None:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(import_module(source), name)
        namespace[name] = value  # found directly from now on
        return value

    return __getattr__
