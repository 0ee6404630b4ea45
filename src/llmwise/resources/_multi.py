"""What the compare, blend and judge resources share: request building (their streams are in
`llmwise._streaming.multi`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .._base_client import Operation, split_options
from .._lazy import lazy_exports
from .._validate import check_params

if TYPE_CHECKING:
    from .._streaming.multi import AsyncMultiModelStream, MultiModelStream
else:
    __getattr__ = lazy_exports(
        globals(),
        {"MultiModelStream": "llmwise._streaming.multi", "AsyncMultiModelStream": "llmwise._streaming.multi"},
    )

__all__ = ["MultiModelStream", "AsyncMultiModelStream", "multi_model_operation"]

R = TypeVar("R")


def multi_model_operation(
    path: str, kwargs: dict[str, Any], *, params: type, parse: Callable[[Any], R], stream: bool, where: str
) -> Operation[R]:
    """The `POST` of a compare, blend or judge call, its arguments checked against `params`; `parse`
    reads the result (its model's `from_api`)."""
    body, options = split_options(kwargs)
    check_params(where, body, params)
    body["stream"] = stream
    return Operation("POST", path, body=body, options=options, stream=stream, parse=parse)
