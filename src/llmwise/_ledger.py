"""The cost ledger: one entry per billable call a client made (`client.ledger`).

Every chat, compare, blend and judge call, streamed or not, is recorded when it ends: what it was,
which models, the server's request id, the credits charged and left, tokens when the server said,
how long it took, and how it ended (`ok`, `error` or `refunded`). A call refused by a budget was
never made and is not recorded.

Memory is bounded: the ledger keeps the latest `maxlen` entries (10,000 by default, about 4 MB at
most; the client option `ledger_size` sets it) and drops the oldest beyond that (`dropped` counts
them). `ledger_size=0` turns recording off. Recording and reading are thread- and task-safe: the
readers (`entries()`, the summaries, the exports) work on a snapshot.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from typing import IO, Any, ClassVar, Literal, Optional

__all__ = ["Ledger", "LedgerEntry", "LedgerSummary", "DEFAULT_LEDGER_SIZE", "Outcome"]

DEFAULT_LEDGER_SIZE = 10_000
"""Entries a client's ledger keeps by default (the oldest are dropped beyond it)."""

Outcome = Literal["ok", "error", "refunded"]

# Plain slotted classes rather than dataclasses, and csv/json/datetime imported when exporting: this
# module loads with `from llmwise import LLMWise`, and those imports would add ~4 ms to it.


class _Record:
    __slots__ = ()
    _FIELDS: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict."""
        return {name: getattr(self, name) for name in self._FIELDS}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._FIELDS)

    __hash__: ClassVar[None] = None  # type: ignore[assignment]  # mutable, like a dataclass

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__name__}({fields})"


class LedgerEntry(_Record):
    """One billable call, as it ended."""

    _FIELDS = (
        "time",
        "operation",
        "models",
        "model",
        "request_id",
        "credits_charged",
        "credits_remaining",
        "prompt_tokens",
        "completion_tokens",
        "latency",
        "outcome",
        "error",
        "stream",
        "retries",
    )
    __slots__ = _FIELDS

    time: float
    """When the call started (seconds since the epoch, as `time.time()`)."""
    operation: str
    """`chat`, `compare`, `blend` or `judge`."""
    models: tuple[str, ...]
    """The models the request named (chat: the model, then any fallbacks; judge: the contestants,
    then the judge)."""
    model: Optional[str]
    """The model that answered when there is one (chat: the resolved model; blend: the
    synthesizer; judge: the judge); None for compare or when unknown."""
    request_id: Optional[str]
    """The server's request id (usable with `client.history.retrieve`)."""
    credits_charged: Optional[float]
    """What the server charged (0 when it refused or refunded the call); None when unknown."""
    credits_remaining: Optional[float]
    """The balance the server reported after the call."""
    prompt_tokens: Optional[int]
    completion_tokens: Optional[int]
    """Tokens, when the server reported them (compare, blend, judge: summed over the models)."""
    latency: float
    """Seconds from the call's start to its end (for a stream: to its last event)."""
    outcome: Outcome
    """`ok`; `refunded` (the server said it refunded the call); `error` (anything else that failed,
    or a stream closed before its end)."""
    error: Optional[str]
    """For failed calls: the error's type and message."""
    stream: bool
    """Whether the call was streamed."""
    retries: int
    """Retries the transport made before the call succeeded or gave up."""

    def __init__(
        self,
        time: float,
        operation: str,
        models: tuple[str, ...],
        model: Optional[str],
        request_id: Optional[str],
        credits_charged: Optional[float],
        credits_remaining: Optional[float],
        prompt_tokens: Optional[int],
        completion_tokens: Optional[int],
        latency: float,
        outcome: Outcome,
        error: Optional[str] = None,
        stream: bool = False,
        retries: int = 0,
    ) -> None:
        self.time = time
        self.operation = operation
        self.models = models
        self.model = model
        self.request_id = request_id
        self.credits_charged = credits_charged
        self.credits_remaining = credits_remaining
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.latency = latency
        self.outcome = outcome
        self.error = error
        self.stream = stream
        self.retries = retries

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready values (`time` also as an ISO 8601 string, `time_iso`)."""
        from datetime import datetime, timezone

        data = super().to_dict()
        data["models"] = list(self.models)
        data["time_iso"] = datetime.fromtimestamp(self.time, timezone.utc).isoformat()
        return data


class LedgerSummary(_Record):
    """Totals over a set of ledger entries."""

    _FIELDS = (
        "calls",
        "ok",
        "errors",
        "refunded",
        "credits",
        "unknown_credits",
        "prompt_tokens",
        "completion_tokens",
        "latency",
    )
    __slots__ = _FIELDS

    calls: int
    ok: int
    errors: int
    refunded: int
    credits: float
    """The sum of the known `credits_charged` (for `by_model()`, a share: see there)."""
    unknown_credits: int
    """Calls whose charge is unknown (not in `credits`)."""
    prompt_tokens: int
    completion_tokens: int
    latency: float
    """Seconds, summed over the calls."""

    def __init__(self) -> None:
        self.calls = self.ok = self.errors = self.refunded = self.unknown_credits = 0
        self.prompt_tokens = self.completion_tokens = 0
        self.credits = 0
        self.latency = 0.0

    def _add(self, entry: LedgerEntry, share: float = 1.0) -> None:
        self.calls += 1
        if entry.outcome == "ok":
            self.ok += 1
        elif entry.outcome == "refunded":
            self.refunded += 1
        else:
            self.errors += 1
        if entry.credits_charged is None:
            self.unknown_credits += 1
        else:
            charged = entry.credits_charged
            self.credits += charged if share == 1.0 else charged * share
        self.prompt_tokens += round((entry.prompt_tokens or 0) * share)
        self.completion_tokens += round((entry.completion_tokens or 0) * share)
        self.latency += entry.latency


class Ledger:
    """The billable calls of a client, latest last (see the module docstring)."""

    def __init__(self, maxlen: int = DEFAULT_LEDGER_SIZE) -> None:
        if isinstance(maxlen, bool) or not isinstance(maxlen, int) or maxlen < 0:
            raise ValueError(f"ledger_size must be an int >= 0 (0 turns the ledger off), got {maxlen!r}")
        self._entries: deque[LedgerEntry] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._recorded = 0

    @property
    def maxlen(self) -> int:
        """How many entries are kept (0: the ledger is off)."""
        return self._entries.maxlen or 0

    @property
    def dropped(self) -> int:
        """Entries dropped because the ledger was full (or cleared)."""
        return self._recorded - len(self._entries)

    def record(self, entry: LedgerEntry) -> None:
        """Add an entry (the client does this; the oldest entry goes when the ledger is full)."""
        with self._lock:
            self._entries.append(entry)
            self._recorded += 1

    def entries(self) -> list[LedgerEntry]:
        """The entries kept, oldest first (a copy)."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[LedgerEntry]:
        return iter(self.entries())

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    @property
    def total_credits(self) -> float:
        """The sum of the known `credits_charged` of the entries kept."""
        return sum(e.credits_charged for e in self.entries() if e.credits_charged is not None)

    def total(self) -> LedgerSummary:
        """Totals over every entry kept."""
        summary = LedgerSummary()
        for entry in self.entries():
            summary._add(entry)
        return summary

    def by_operation(self) -> dict[str, LedgerSummary]:
        """Totals per operation (`chat`, `compare`, `blend`, `judge`)."""
        out: dict[str, LedgerSummary] = {}
        for entry in self.entries():
            summary = out.get(entry.operation)
            if summary is None:
                summary = out[entry.operation] = LedgerSummary()
            summary._add(entry)
        return out

    def by_model(self) -> dict[str, LedgerSummary]:
        """Totals per model.

        A chat call counts under the model that answered (else the one requested). A compare,
        blend or judge call counts under each model it ran, with an equal share of its credits
        and tokens (the server bills the call, not each model; tokens are rounded), so the credits
        of all models still add up to `total_credits`.
        """
        out: dict[str, LedgerSummary] = {}
        for entry in self.entries():
            if entry.operation == "chat":
                keys: tuple[str, ...] = (entry.model or (entry.models[0] if entry.models else "?"),)
            else:
                keys = tuple(dict.fromkeys(entry.models)) or ("?",)
            share = 1.0 / len(keys)
            for key in keys:
                summary = out.get(key)
                if summary is None:
                    summary = out[key] = LedgerSummary()
                summary._add(entry, share)
        return out

    _CSV_FIELDS = (
        "time_iso",
        "operation",
        "models",
        "model",
        "request_id",
        "credits_charged",
        "credits_remaining",
        "prompt_tokens",
        "completion_tokens",
        "latency",
        "outcome",
        "error",
        "stream",
        "retries",
        "time",
    )

    def to_csv(self, file: IO[str] | None = None) -> str:
        """The entries as CSV (a header row, then one row per entry; `models` joined by spaces;
        empty cells for unknown values). Written to `file` too when given."""
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self._CSV_FIELDS)
        for entry in self.entries():
            data = entry.to_dict()
            data["models"] = " ".join(entry.models)
            writer.writerow(["" if data[name] is None else data[name] for name in self._CSV_FIELDS])
        text = buffer.getvalue()
        if file is not None:
            file.write(text)
        return text

    def to_json(self, file: IO[str] | None = None, *, indent: int | None = None) -> str:
        """The entries as a JSON array of objects (see `LedgerEntry.to_dict`). Written to `file`
        too when given."""
        import json

        text = json.dumps([entry.to_dict() for entry in self.entries()], indent=indent)
        if file is not None:
            file.write(text)
        return text

    def __repr__(self) -> str:
        return f"<Ledger {len(self)} entries, {self.total_credits:g} credits>"
