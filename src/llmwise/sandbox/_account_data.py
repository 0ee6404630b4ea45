"""Conversations, history and semantic memory, plus the privacy state that governs what is kept.

Wire shapes: ``docs/account-wire.md``. The orchestration endpoints feed these stores through the
``BEFORE_CHARGE`` / ``AFTER_RECORD`` hooks of ``_orchestration``: a request naming an unknown
``conversation_id`` is a 404 before any credit is reserved; a successful request appends the user
message and the answer(s) to its conversation; a successful ``/chat`` with ``semantic_memory`` (default
true) stores one memory; under zero-retention nothing is kept and the history entry is redacted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._account_util import (
    bad,
    body_str,
    iso,
    newest_first,
    not_found,
    now,
    optional_body,
    page,
    q_enum,
    q_float,
    q_int,
    q_limit,
    q_offset,
    q_str,
)
from ._http import RequestContext, SandboxResponse, json_response
from ._memory import Memories, Memory, Privacy, memory_enabled, rank
from ._orchestration import AFTER_RECORD, BEFORE_CHARGE
from ._routing import API_ROUTES
from ._state import HistoryEntry, SandboxState, new_id
from ._validation import CommonParams

REDACTED = "[redacted]"
MODES = ("chat", "auto", "mesh", "compare", "blend", "judge")
CHAT_MODES = ("chat", "auto", "mesh")
MAX_TITLE = 200


# -- stores (per-sandbox components, dropped by reset) --------------------------------------------


@dataclass
class Message:
    role: str
    content: str
    model: str | None = None
    created_at: float = field(default_factory=now)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.model is not None:
            data["model"] = self.model
        data["created_at"] = iso(self.created_at)
        return data


@dataclass
class Conversation:
    id: str
    title: str | None = None
    created_at: float = field(default_factory=now)
    updated_at: float = 0.0
    messages: list[Message] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at

    def to_dict(self, *, messages: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "message_count": len(self.messages),
        }
        if messages:
            data["messages"] = [m.to_dict() for m in self.messages]
        return data


class Conversations:
    """Conversations by id, oldest first."""

    def __init__(self) -> None:
        self.items: dict[str, Conversation] = {}

    def get(self, conversation_id: str) -> Conversation:
        try:
            return self.items[conversation_id]
        except KeyError:
            raise not_found("Conversation", conversation_id) from None


# -- redaction and purge --------------------------------------------------------------------------


def redact_entry(state: SandboxState, entry: HistoryEntry) -> bool:
    """Blank a history entry's prompt and texts (billing metadata stays); False if already done."""
    privacy = state.component(Privacy)
    if entry.id in privacy.redacted:
        return False
    entry.prompt = REDACTED
    if entry.content is not None:
        entry.content = REDACTED
    entry.messages = [{"role": m.get("role"), "content": REDACTED} for m in entry.messages]
    entry.responses = dict.fromkeys(entry.responses, REDACTED)
    privacy.redacted.add(entry.id)
    return True


def purge(state: SandboxState) -> dict[str, int]:
    """Delete memories, scrub conversations (title and message texts), redact the history."""
    memories = state.component(Memories)
    deleted = len(memories.items)
    memories.items.clear()
    scrubbed = 0
    for conversation in state.component(Conversations).items.values():
        dirty = conversation.title is not None or any(m.content != REDACTED for m in conversation.messages)
        if dirty:
            conversation.title = None
            for message in conversation.messages:
                message.content = REDACTED
            scrubbed += 1
    redacted = sum(redact_entry(state, entry) for entry in state.history)
    return {"memories": deleted, "conversations_scrubbed": scrubbed, "requests_redacted": redacted}


# -- orchestration hooks --------------------------------------------------------------------------


def _check_conversation(ctx: RequestContext, common: CommonParams) -> None:
    if common.conversation_id is not None:
        ctx.state.component(Conversations).get(common.conversation_id)


def _answers(entry: HistoryEntry) -> list[Message]:
    if entry.content is not None:
        return [Message("assistant", entry.content, entry.resolved_model or entry.models[0])]
    return [Message("assistant", text, model) for model, text in entry.responses.items()]


def _after_record(ctx: RequestContext, entry: HistoryEntry) -> None:
    state = ctx.state
    if state.component(Privacy).zero_retention_mode:
        redact_entry(state, entry)
        return
    if entry.status != "ok":
        return
    if entry.conversation_id is not None:
        conversation = state.component(Conversations).items.get(entry.conversation_id)
        if conversation is not None:
            conversation.messages += [Message("user", entry.prompt), *_answers(entry)]
            conversation.updated_at = now()
    body = ctx.parsed_json if isinstance(ctx.parsed_json, dict) else {}
    if entry.mode in CHAT_MODES and entry.content is not None and body.get("semantic_memory") is not False:
        state.component(Memories).items.append(
            Memory(
                id=new_id("mem"),
                content=f"Q: {entry.prompt}\nA: {entry.content}",
                conversation_id=entry.conversation_id,
                source_request_id=entry.id,
            )
        )


BEFORE_CHARGE.append(_check_conversation)
AFTER_RECORD.append(_after_record)


# -- conversations --------------------------------------------------------------------------------


@API_ROUTES.route("GET", "/conversations")
def list_conversations(ctx: RequestContext) -> SandboxResponse:
    """``GET /conversations?limit=20&offset=0`` (newest first)."""
    limit, offset = q_limit(ctx, 20), q_offset(ctx)
    items = newest_first(list(ctx.state.component(Conversations).items.values()))
    return json_response(
        {
            "conversations": [c.to_dict() for c in page(items, limit, offset)],
            "total": len(items),
            "limit": limit,
            "offset": offset,
        }
    )


@API_ROUTES.route("POST", "/conversations")
def create_conversation(ctx: RequestContext) -> SandboxResponse:
    """``POST /conversations`` (body ``{}``; an optional ``title`` is kept)."""
    title = body_str(optional_body(ctx), "title", max_length=MAX_TITLE)
    conversation = Conversation(new_id("conv"), title or None)
    ctx.state.component(Conversations).items[conversation.id] = conversation
    return json_response(conversation.to_dict())


@API_ROUTES.route("GET", "/conversations/{conversation_id}")
def get_conversation(ctx: RequestContext) -> SandboxResponse:
    """``GET /conversations/{id}``: the conversation and its messages."""
    conversation = ctx.state.component(Conversations).get(ctx.params["conversation_id"])
    return json_response(conversation.to_dict(messages=True))


@API_ROUTES.route("PATCH", "/conversations/{conversation_id}")
def update_conversation(ctx: RequestContext) -> SandboxResponse:
    """``PATCH /conversations/{id}?title=...`` (no body; an empty title clears it)."""
    conversation = ctx.state.component(Conversations).get(ctx.params["conversation_id"])
    title = ctx.query.get("title")
    if title is not None:
        if len(title) > MAX_TITLE:
            raise bad(f"Query parameter 'title' must be at most {MAX_TITLE} characters")
        conversation.title = title.strip() or None
        conversation.updated_at = now()
    return json_response(conversation.to_dict())


@API_ROUTES.route("DELETE", "/conversations/{conversation_id}")
def delete_conversation(ctx: RequestContext) -> SandboxResponse:
    """``DELETE /conversations/{id}``."""
    store = ctx.state.component(Conversations)
    conversation = store.get(ctx.params["conversation_id"])
    del store.items[conversation.id]
    return json_response({"deleted": True, "id": conversation.id})


# -- history --------------------------------------------------------------------------------------


def history_dict(entry: HistoryEntry) -> dict[str, Any]:
    """A ``HistoryEntry`` on the wire."""
    data: dict[str, Any] = {
        "id": entry.id,
        "mode": entry.mode,
        "models": list(entry.models),
        "prompt": entry.prompt,
        "content": entry.content,
        "status": entry.status,
        "credits_charged": entry.credits_charged,
        "latency_ms": entry.latency_ms,
    }
    if entry.conversation_id is not None:
        data["conversation_id"] = entry.conversation_id
    data["created_at"] = iso(entry.created_at)
    return data


def _responses(entry: HistoryEntry) -> list[dict[str, Any]]:
    out = [{"model": model, "content": text, "status": "ok"} for model, text in entry.responses.items()]
    for model in entry.models:
        name = entry.resolved_model if model == "auto" and entry.resolved_model else model
        if name not in entry.responses and name != "auto":
            out.append({"model": name, "content": "", "status": "error"})
    return out


@API_ROUTES.route("GET", "/history")
def list_history(ctx: RequestContext) -> SandboxResponse:
    """``GET /history?limit=20&offset=0&mode=&search=`` (newest first)."""
    limit, offset = q_limit(ctx, 20), q_offset(ctx)
    mode = q_enum(ctx, "mode", MODES)
    search = q_str(ctx, "search")
    needle = search.lower() if search else None
    items = [
        entry
        for entry in newest_first(ctx.state.history)
        if (mode is None or entry.mode == mode)
        and (
            needle is None
            or needle in entry.prompt.lower()
            or (entry.content is not None and needle in entry.content.lower())
        )
    ]
    return json_response(
        {
            "history": [history_dict(e) for e in page(items, limit, offset)],
            "total": len(items),
            "limit": limit,
            "offset": offset,
        }
    )


@API_ROUTES.route("GET", "/history/{request_id}")
def get_history(ctx: RequestContext) -> SandboxResponse:
    """``GET /history/{request_id}``: the entry, its messages and per-model responses."""
    request_id = ctx.params["request_id"]
    for entry in ctx.state.history:
        if entry.id == request_id:
            return json_response(
                {**history_dict(entry), "messages": entry.messages, "responses": _responses(entry)}
            )
    raise not_found("Request", request_id)


# -- semantic memory ------------------------------------------------------------------------------

@API_ROUTES.route("GET", "/memory")
def list_memory(ctx: RequestContext) -> SandboxResponse:
    """``GET /memory?limit=20`` (newest first; empty and disabled under zero-retention)."""
    limit = q_limit(ctx, 20)
    enabled = memory_enabled(ctx.state)
    items = newest_first(ctx.state.component(Memories).items) if enabled else []
    return json_response(
        {"memories": [m.to_dict() for m in page(items, limit)], "total": len(items), "enabled": enabled}
    )


@API_ROUTES.route("GET", "/memory/search")
def search_memory(ctx: RequestContext) -> SandboxResponse:
    """``GET /memory/search?q=&top_k=4&min_score=``: word-overlap ranking, best first."""
    query = q_str(ctx, "q")
    if query is None:
        raise bad("Query parameter 'q' is required")
    top_k = q_int(ctx, "top_k", 4, 1, 50)
    min_score = q_float(ctx, "min_score", 0.0, 1.0)
    enabled = memory_enabled(ctx.state)
    found = rank(ctx.state.component(Memories).items, query, top_k, min_score) if enabled else []
    results = [{**memory.to_dict(), "score": value} for memory, value in found]
    return json_response({"query": query, "enabled": enabled, "results": results})


@API_ROUTES.route("DELETE", "/memory/{memory_id}")
def delete_memory(ctx: RequestContext) -> SandboxResponse:
    """``DELETE /memory/{id}``."""
    memory_id = ctx.params["memory_id"]
    items = ctx.state.component(Memories).items
    for memory in items:
        if memory.id == memory_id:
            items.remove(memory)
            return json_response({"deleted": True, "id": memory_id})
    raise not_found("Memory", memory_id)


@API_ROUTES.route("DELETE", "/memory")
def clear_memory(ctx: RequestContext) -> SandboxResponse:
    """``DELETE /memory``: every memory; answers how many were deleted."""
    items = ctx.state.component(Memories).items
    count = len(items)
    items.clear()
    return json_response({"deleted": count})
