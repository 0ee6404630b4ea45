"""The 0.1 names return the server's data for every endpoint, whatever its shape, as 0.1 did."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import pytest

from llmwise import APIResponseValidationError, LLMWise
from llmwise._legacy import LEGACY, params_of, signature
from llmwise._models import BaseModel
from llmwise._pagination import BasePage

from .corpus import MODELS, MSG, corpus
from .drift_support import client_for
from .perturb import epoch_timestamps, integer_ids

BY_METHOD = {entry.method: entry for entry in corpus()}
NAMES = [
    name
    for name, entry in LEGACY.items()
    if not name.endswith("_stream") and entry.replacement != "optimization.test_runs.csv"
]
SAMPLE_ARGS: dict[str, Any] = {
    "model": "gpt-5.2",
    "messages": MSG,
    "models": MODELS,
    "contestants": MODELS,
    "judge": "claude-sonnet-4.5",
    "payload": {"name": "x"},
    "keys": {"openai": "sk-123456"},
    "q": "cache",
    "question": "How?",
    "enabled": False,
    "session_id": "cs_1",
}


def _call(client: LLMWise, name: str) -> Any:
    args: dict[str, Any] = {}
    for param in signature(params_of(name, is_async=False)).parameters.values():
        if param.default is inspect.Parameter.empty and param.kind is not param.VAR_KEYWORD:
            args[param.name] = SAMPLE_ARGS.get(param.name, "id_1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return getattr(client, name)(**args)


def _seed(name: str) -> Any:
    return BY_METHOD[LEGACY[name].replacement].body


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("body", [[1, "two", None], "a bare string", 42])
def test_a_body_of_any_shape_comes_back_as_sent(name: str, body: Any) -> None:
    client = client_for(body, strict=False)
    result = _call(client, name)
    listing = BY_METHOD[LEGACY[name].replacement].listing
    if isinstance(body, list) and listing is not None:
        # A bare array is a listing's items: the typed listing holds them (better than 0.1, where
        # `resp["memories"]` failed on such an answer), each entry kept as sent, or read as a model
        # where it can be (a catalogue sent as bare ids: `"two"` is the model `two`).
        items = result if isinstance(result, list) else result.data if isinstance(result, BasePage) else result[listing]
        assert len(items) == len(body)
        for item, sent in zip(items, body, strict=True):
            assert item == sent or (isinstance(item, BaseModel) and item.get("id") == sent)
    else:
        assert result == body


@pytest.mark.parametrize("name", NAMES)
def test_drifted_answers_read_like_0_1_dicts(name: str) -> None:
    body = integer_ids(epoch_timestamps(_seed(name)))
    result = _call(client_for(body, strict=False), name)
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, (int, str)) and not isinstance(value, bool):
                assert result[key] == value or str(result[key]) == str(value), key


@pytest.mark.parametrize("name", ["usage_summary", "credits_balance"])
def test_strict_clients_still_raise_for_unusable_bodies(name: str) -> None:
    with pytest.raises(APIResponseValidationError):
        _call(client_for(["not", "an", "object"], strict=True), name)
