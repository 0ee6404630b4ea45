"""What the compare, blend and judge resources share: request building (their streams are in
`llmwise._streaming.multi`)."""

from __future__ import annotations

from typing import Any, TypeVar

from .._base_client import Operation, split_options
from .._models import BaseModel
from .._streaming.multi import AsyncMultiModelStream, MultiModelStream
from .._validate import check_params

__all__ = ["MultiModelStream", "AsyncMultiModelStream", "multi_model_operation"]

ModelT = TypeVar("ModelT", bound=BaseModel)


def multi_model_operation(
    path: str, kwargs: dict[str, Any], *, params: type, result: type[ModelT], stream: bool, where: str
) -> Operation[ModelT]:
    """The `POST` of a compare, blend or judge call, its arguments checked against `params`."""
    body, options = split_options(kwargs)
    check_params(where, body, params)
    body["stream"] = stream
    return Operation("POST", path, body=body, options=options, stream=stream, parse=result.from_api)
