"""Every endpoint's answer, said differently: the SDK must give the user their data, never crash,
never quote a value in an error, and raise only for bodies with no usable shape (issue #10).

The seeds are real sandbox answers (`corpus.py`); hypothesis drops, retypes and nulls values and
adds fields at every level, and fixed rewrites apply the drifts real servers are known for (epoch
timestamps, integer ids, extra fields, null content, list keys renamed).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwise import APIResponseValidationError
from llmwise._models import BaseModel
from llmwise._pagination import BasePage, ListResponse

from .corpus import Captured, corpus
from .drift_support import assert_no_secret, captured_logs, client_for, first_list, issues_of, same
from .perturb import REALISTIC, SECRET, drop, nodes, perturbed, renamed_list, replace

ENTRIES = corpus()
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _call(entry: Captured, body: Any, *, strict: bool) -> Any:
    client = client_for(body, strict=strict)
    try:
        return entry.call(client)
    finally:
        client.close()


def _kind(entry: Captured) -> str:
    """What the method returns for the seed: "model", "wrapper" (a list wrapper model), "list"."""
    result = _call(entry, entry.body, strict=True)
    if isinstance(result, ListResponse):
        return "wrapper"
    if isinstance(result, BaseModel):
        return "model"
    assert isinstance(result, (list, BasePage)), type(result)
    return "list"


KINDS = {entry.method: _kind(entry) for entry in ENTRIES}


def usable(entry: Captured, body: Any) -> bool:
    """Whether a body has a shape the SDK must read: an object, or (listings) a list somewhere."""
    kind = KINDS[entry.method]
    if kind == "list":
        return first_list(body, entry.listing) is not None
    if kind == "wrapper":
        return isinstance(body, (dict, list))
    return isinstance(body, dict)


def check(entry: Captured, body: Any) -> None:
    """The reading policy, for one body: lenient reads keep the data, strict reads agree."""
    with captured_logs() as logs:
        try:
            result = _call(entry, body, strict=False)
        except APIResponseValidationError as exc:
            assert not usable(entry, body), f"{entry.method}: raised on a usable body: {exc}"
            assert_no_secret(exc, repr(exc), exc.errors)
            return
    assert_no_secret(*logs)
    issues = issues_of(result)
    assert_no_secret(*issues)
    if isinstance(result, BaseModel) and isinstance(body, dict):
        for key, value in body.items():
            # Nothing the server sent is lost: every key is readable, as the 0.1 dicts were.
            assert key in result, f"{entry.method}: {key!r} was lost"
            if key in ("credits_charged", "credits_remaining"):
                assert same(value, result[key]), f"{entry.method}: {key} {value!r} -> {result[key]!r}"
    if KINDS[entry.method] == "list":
        items = first_list(body, entry.listing)
        data = result.data if isinstance(result, BasePage) else result
        assert len(data) == (len(items) if items is not None else 0)
    # Strict mode raises exactly when the lenient read had to keep something as sent.
    try:
        _call(entry, body, strict=True)
    except APIResponseValidationError as exc:
        assert issues, f"{entry.method}: strict mode raised where lenient mode saw no issue: {exc}"
        assert_no_secret(exc, repr(exc), exc.errors)
    else:
        assert not issues, f"{entry.method}: strict mode accepted what lenient mode flagged: {issues}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.method)
def test_random_drift_keeps_the_data(entry: Captured) -> None:
    @SETTINGS
    @given(body=perturbed(entry.body))
    def run(body: Any) -> None:
        check(entry, body)

    run()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.method)
def test_every_value_dropped_nulled_or_retyped(entry: Captured) -> None:
    # Exhaustive over one change at a time: each value of the body dropped, nulled, made a string
    # (the secret, so quoting would show), an object and a number.
    for path in nodes(entry.body):
        variants: list[Any] = [None, SECRET, {"x_drift": 1}, 7]
        bodies = [replace(entry.body, path, value) for value in variants]
        if path:
            bodies.append(drop(entry.body, path))
        for body in bodies:
            check(entry, body)


REALISTIC_CASES = [
    pytest.param(entry, drift, id=f"{entry.method}-{drift}")
    for entry in ENTRIES
    for drift in sorted(REALISTIC)
    # Catalogue ids are model names (gpt-5.2), documented as strings: never integers.
    if not (drift == "integer_ids" and entry.method == "models.list")
]


@pytest.mark.parametrize(("entry", "drift"), REALISTIC_CASES)
def test_realistic_drift_is_read_without_issues(entry: Captured, drift: str) -> None:
    body = REALISTIC[drift](entry.body)
    result = _call(entry, body, strict=True)  # strict: any value that does not fit would raise
    assert not issues_of(result)
    check(entry, body)


@pytest.mark.parametrize("new_key", ["data", "items", ""])
@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.listing], ids=lambda e: e.method)
def test_listings_are_found_under_other_keys(entry: Captured, new_key: str) -> None:
    body = renamed_list(entry.body, entry.listing, new_key)
    result = _call(entry, body, strict=True)
    items = first_list(entry.body, entry.listing)
    assert items is not None
    if isinstance(result, ListResponse):
        listed = getattr(result, entry.listing or "")
        assert listed is not None and len(listed) == len(items) == len(result.data)
    else:
        data = result.data if isinstance(result, BasePage) else result
        assert len(data) == len(items)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.method)
@given(junk=st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none()))
@settings(max_examples=5, deadline=None, derandomize=True, database=None)
def test_no_usable_shape_raises_a_validation_error(entry: Captured, junk: Any) -> None:
    # A bare string, number, boolean or null where an object or a list belongs.
    with pytest.raises(APIResponseValidationError) as info:
        _call(entry, junk, strict=False)
    assert info.value.status_code == 200 and info.value.request_id == "req_drift"
    assert info.value.body == junk
