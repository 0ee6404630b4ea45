"""The 0.1 client's API on 1.x, made from one table.

`LEGACY` maps each of the 0.1 client's 58 method names to the 1.x method that replaces it, the 0.1
parameters (as Python source, so that one text serves the run-time alias and the typed stub) and
how the result is adapted. From it come:

- the aliases `install()` puts on `LLMWise` / `AsyncLLMWise` (`client.credits_balance()`): each binds
  the 0.1 arguments, emits one `DeprecationWarning` naming its replacement and calls the typed method;
- the callable resources (`client.chat(...)`, `client.models()`, ...: `LegacyCallable`), for the seven
  0.1 names that are resources in 1.x;
- through scripts/gen_legacy.py: the typed `@deprecated` stubs in `_legacy_api.py`, and the table of
  docs/migration.md.

Nothing here imports pydantic or a resource module, so `import llmwise` stays light; a signature is
parsed the first time its alias is called.
"""

from __future__ import annotations

import ast
import inspect
import warnings
from collections.abc import Callable, Mapping
from functools import cache, reduce
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ._http import AsyncHttpClient, HttpClient

__all__ = [
    "LEGACY",
    "Legacy",
    "LegacyCallable",
    "install",
    "is_resource",
    "params_of",
    "signature",
    "replacement_call",
    "deprecation_message",
    "legacy_http_client",
]


class Legacy:
    """One 0.1 method: what replaces it, its parameters and how its result is adapted."""

    # A plain class, not a NamedTuple or a dataclass: those cost more to create at import.
    __slots__ = ("adapt", "async_params", "params", "replacement")

    def __init__(
        self, replacement: str, params: str, *, adapt: str = "", async_params: str | None = None
    ) -> None:
        self.replacement = replacement
        """The 1.x method, dotted from the client: `credits.balance`."""
        self.params = params
        """The 0.1 parameters (without `self`) as Python source; a `payload` dict is spread into the
        typed method's keywords, `None` means "not sent" as in 0.1, `stream=True` raises `ValueError`."""
        self.adapt = adapt
        """`""`: the typed result as it is. `"data"`: the page's `.data` list (0.1 returned one page as
        a list; the typed page would fetch every page when iterated)."""
        self.async_params = async_params
        """The async 0.1 method's parameters, where they differed (async `chat` had no `stream`)."""

    def __repr__(self) -> str:
        return f"Legacy({self.replacement!r}, {self.params!r}, adapt={self.adapt!r})"


_MEMORY = (
    "semantic_memory: bool | None = None, semantic_top_k: int | None = None, "
    "semantic_min_score: float | None = None"
)
_SAMPLING = "temperature: float | None = None, max_tokens: int | None = None"
# The four orchestration methods' parameters; `{stream}` is `stream: bool = False, ` or nothing.
_CHAT = (
    "*, model: str, messages: list[MessageParam], {stream}"
    f"{_SAMPLING}, cost_saver: bool | None = None, optimization_goal: str | None = None, {_MEMORY}, "
    "routing: RoutingParam | None = None, conversation_id: str | None = None"
)
_COMPARE = (
    "*, models: list[str], messages: list[MessageParam], {stream}"
    f"{_SAMPLING}, {_MEMORY}, conversation_id: str | None = None"
)
_BLEND = (
    "*, models: list[str], messages: list[MessageParam], {stream}"
    f"{_SAMPLING}, {_MEMORY}, strategy: str | None = None, synthesizer: str | None = None, "
    "layers: int | None = None, samples: int | None = None, conversation_id: str | None = None"
)
_JUDGE = (
    "*, contestants: list[str], judge: str, messages: list[MessageParam], {stream}"
    f"{_SAMPLING}, {_MEMORY}, criteria: list[str] | None = None, conversation_id: str | None = None"
)
_STREAM = "stream: bool = False, "

# In the 0.1 client's source order (contract §11).
LEGACY: dict[str, Legacy] = {
    "chat": Legacy("chat.create", _CHAT.format(stream=_STREAM), async_params=_CHAT.format(stream="")),
    "chat_stream": Legacy("chat.stream", _CHAT.format(stream="")),
    "compare": Legacy("compare.create", _COMPARE.format(stream=_STREAM)),
    "compare_stream": Legacy("compare.stream", _COMPARE.format(stream="")),
    "blend": Legacy("blend.create", _BLEND.format(stream=_STREAM)),
    "blend_stream": Legacy("blend.stream", _BLEND.format(stream="")),
    "judge": Legacy("judge.create", _JUDGE.format(stream=_STREAM)),
    "judge_stream": Legacy("judge.stream", _JUDGE.format(stream="")),
    "models": Legacy("models.list", ""),
    "conversations": Legacy("conversations.list", "*, limit: int = 20, offset: int = 0"),
    "get_conversation": Legacy("conversations.retrieve", "conversation_id: str"),
    "create_conversation": Legacy("conversations.create", ""),
    "update_conversation": Legacy(
        "conversations.update", "conversation_id: str, *, title: str | None = None"
    ),
    "delete_conversation": Legacy("conversations.delete", "conversation_id: str"),
    "history": Legacy(
        "history.list",
        "*, limit: int = 20, offset: int = 0, mode: str | None = None, search: str | None = None",
    ),
    "get_history_detail": Legacy("history.retrieve", "request_id: str"),
    "credits_wallet": Legacy("credits.wallet", ""),
    "credits_transactions": Legacy(
        "credits.transactions", "*, limit: int = 50, offset: int = 0", adapt="data"
    ),
    "credits_packs": Legacy("credits.packs", ""),
    "credits_purchase": Legacy(
        "credits.purchase", "amount_usd: float | None = None, pack_id: str | None = None, **tracking: str"
    ),
    "credits_confirm_checkout": Legacy("credits.confirm_checkout", "*, session_id: str"),
    "credits_update_auto_topup": Legacy(
        "credits.update_auto_topup",
        "*, enabled: bool, threshold_credits: int = 300, amount_usd: int = 10, monthly_cap_usd: int = 200",
    ),
    "usage_summary": Legacy("usage.summary", "*, days: int = 7"),
    "usage_recent": Legacy(
        "usage.recent",
        "*, limit: int = 20, offset: int = 0, days: int = 30, mode: str | None = None",
        adapt="data",
    ),
    "keys_info": Legacy("keys.info", ""),
    "revoke_api_key": Legacy("keys.revoke", ""),
    "memory_list": Legacy("memory.list", "*, limit: int = 20"),
    "memory_search": Legacy("memory.search", "*, q: str, top_k: int = 4, min_score: float | None = None"),
    "memory_delete": Legacy("memory.delete", "memory_id: str"),
    "memory_clear": Legacy("memory.clear", ""),
    "optimization_policy": Legacy("optimization.policy.retrieve", ""),
    "optimization_update_policy": Legacy("optimization.policy.update", "payload: dict[str, Any]"),
    "optimization_report": Legacy(
        "optimization.report",
        "*, goal: str = 'balanced', days: int = 30, min_calls_per_model: int = 3, use_policy: bool = True, "
        "persist_snapshot: bool = False",
    ),
    "optimization_evaluate": Legacy("optimization.evaluate", ""),
    "optimization_snapshots": Legacy("optimization.snapshots", "*, goal: str | None = None, limit: int = 20"),
    "optimization_alerts": Legacy("optimization.alerts", "*, limit: int = 12"),
    "optimization_replay": Legacy("optimization.replay", "*, days: int = 30, sample_size: int = 100"),
    "optimization_test_templates": Legacy("optimization.test_templates", ""),
    "optimization_test_suites": Legacy("optimization.test_suites.list", "*, limit: int = 25"),
    "optimization_create_test_suite": Legacy("optimization.test_suites.create", "payload: dict[str, Any]"),
    "optimization_update_test_suite": Legacy(
        "optimization.test_suites.update", "suite_id: str, payload: dict[str, Any]"
    ),
    "optimization_run_test_suite": Legacy("optimization.test_suites.run", "suite_id: str"),
    "optimization_test_runs": Legacy("optimization.test_runs.list", "*, limit: int = 20"),
    "optimization_test_run_csv": Legacy("optimization.test_runs.csv", "run_id: str"),
    "optimization_regression_schedules": Legacy(
        "optimization.regression_schedules.list", "*, limit: int = 30"
    ),
    "optimization_create_regression_schedule": Legacy(
        "optimization.regression_schedules.create", "payload: dict[str, Any]"
    ),
    "optimization_update_regression_schedule": Legacy(
        "optimization.regression_schedules.update", "schedule_id: str, payload: dict[str, Any]"
    ),
    "optimization_run_regression_schedule": Legacy(
        "optimization.regression_schedules.run", "schedule_id: str"
    ),
    "credits_balance": Legacy("credits.balance", ""),
    "generate_api_key": Legacy("keys.generate", ""),
    "settings_keys": Legacy("settings.provider_keys.list", ""),
    "settings_save_keys": Legacy("settings.provider_keys.save", "keys: dict[str, str]"),
    "settings_delete_key": Legacy("settings.provider_keys.delete", "provider: str"),
    "settings_privacy": Legacy("settings.privacy.retrieve", ""),
    "settings_update_privacy": Legacy(
        "settings.privacy.update",
        # 0.1 always sent purge_existing_data (True unless told otherwise); 1.x sends it only when given.
        "*, data_training_opt_in: bool | None = None, zero_retention_mode: bool | None = None, "
        "purge_existing_data: bool = True",
    ),
    "settings_copilot_state": Legacy("settings.copilot.retrieve", ""),
    "settings_update_copilot": Legacy(
        "settings.copilot.update",
        "*, goal: str | None = None, onboarded: bool | None = None, checklist: dict[str, bool] | None = None",
    ),
    "settings_ask_copilot": Legacy(
        "settings.copilot.ask",
        "*, question: str, path: str | None = None, context: dict[str, str] | None = None",
    ),
}


def is_resource(name: str) -> bool:
    """Whether the 0.1 name is a 1.x resource (`chat`, `models`, ...): served by calling it."""
    return LEGACY[name].replacement.split(".", 1)[0] == name


def params_of(name: str, *, is_async: bool) -> str:
    """The 0.1 parameters of `name` on the sync or the async client."""
    entry = LEGACY[name]
    return entry.async_params if is_async and entry.async_params is not None else entry.params


def replacement_call(name: str) -> str:
    """How the replacement is called, for messages and docs: `client.credits.balance()`."""
    entry = LEGACY[name]
    call = f"client.{entry.replacement}()"
    if entry.adapt == "data":
        call += " (its .data is the list 0.1 returned)"
    return call


def deprecation_message(owner: str, name: str) -> str:
    """`LLMWise.credits_balance() is deprecated; use client.credits.balance()`."""
    return f"{owner}.{name}() is deprecated; use {replacement_call(name)}"


@cache
def signature(params: str) -> inspect.Signature:
    """The `inspect.Signature` of a parameter list written as Python source (annotations kept as text)."""
    tree = ast.parse(f"def _({params}): pass").body[0]
    assert isinstance(tree, ast.FunctionDef)
    args = tree.args

    def param(arg: ast.arg, kind: inspect._ParameterKind, default: ast.expr | None) -> inspect.Parameter:
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else inspect.Parameter.empty
        value = ast.literal_eval(default) if default is not None else inspect.Parameter.empty
        return inspect.Parameter(arg.arg, kind, default=value, annotation=annotation)

    defaults: list[ast.expr | None] = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
    kind = inspect.Parameter
    out = [param(a, kind.POSITIONAL_OR_KEYWORD, d) for a, d in zip(args.args, defaults, strict=True)]
    out += [param(a, kind.KEYWORD_ONLY, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    if args.kwarg is not None:
        out.append(param(args.kwarg, kind.VAR_KEYWORD, None))
    return inspect.Signature(out)


# 0.1 converted scalar arguments with int()/float()/bool()/str() before sending them, so that
# `max_tokens="50"` worked; the 0.1 names keep doing so (the typed methods do not).
_COERCE: dict[str, Callable[[Any], Any]] = {"int": int, "float": float, "bool": bool, "str": str}


def _coerce(name: str, key: str, annotation: Any, value: Any) -> Any:
    kind = str(annotation).split(" | ")[0]
    convert = _COERCE.get(kind)
    if convert is None or type(value) is convert:
        return value
    try:
        return convert(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name}(): {key} must be {kind}, got {type(value).__name__} {value!r}") from None


def _typed_kwargs(name: str, bound: inspect.BoundArguments) -> dict[str, Any]:
    """The typed method's keyword arguments for bound 0.1 arguments."""
    from ._types import REQUEST_OPTION_KEYS

    kwargs: dict[str, Any] = {}
    for key, value in bound.arguments.items():
        parameter = bound.signature.parameters[key]
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            kwargs.update(value)
        elif key == "stream":
            if value:
                raise ValueError(f"Use {name}_stream(...), not {name}(stream=True)")
        elif key == "payload":
            if not isinstance(value, Mapping):
                raise TypeError(f"{name}(): payload must be a dict, got {type(value).__name__}")
            # A 0.1 payload is the request body, all of it: a field named like a request option
            # (`timeout`, `max_retries`, ...) is still a body field.
            collide = {k: v for k, v in value.items() if k in REQUEST_OPTION_KEYS}
            kwargs.update({k: v for k, v in value.items() if k not in collide})
            if collide:
                kwargs["extra_body"] = collide
        elif value is not None:
            # 0.1 sent an optional field only when it was not None.
            kwargs[key] = _coerce(name, key, parameter.annotation, value)
    return kwargs


def _invoke(client: Any, name: str, is_async: bool, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call 0.1 method `name` on `client`; the caller of the caller of this function is warned."""
    owner = type(client).__name__
    try:
        bound = signature(params_of(name, is_async=is_async)).bind(*args, **kwargs)
    except TypeError as exc:
        raise TypeError(f"{owner}.{name}(): {exc}") from None
    bound.apply_defaults()
    # stacklevel 3: this function, the alias (or `__call__`), then the code that called it.
    warnings.warn(deprecation_message(owner, name), DeprecationWarning, stacklevel=3)
    typed_kwargs = _typed_kwargs(name, bound)
    entry = LEGACY[name]
    method = reduce(getattr, entry.replacement.split("."), client)
    if is_async:
        call = method(**typed_kwargs)
        # A stream (`chat_stream`) is returned as it is: nothing was sent yet.
        return _async_result(client, call, entry.adapt) if inspect.isawaitable(call) else call
    try:
        result = method(**typed_kwargs)
    except Exception as exc:
        return _server_data(client, exc)
    if entry.adapt == "data":
        return result.data
    return result


async def _async_result(client: Any, call: Any, adapt: str) -> Any:
    try:
        result = await call
    except Exception as exc:
        return _server_data(client, exc)
    return result.data if adapt == "data" else result


def _server_data(client: Any, exc: Exception) -> Any:
    """What the server sent, for a 0.1 call whose answer the typed method could not read.

    0.1 returned the decoded JSON whatever its shape; so do the 0.1 names, unless the client reads
    strictly (`strict_responses=True`). Anything else (a status error, a body that is not JSON) is
    raised as it was.
    """
    from ._exceptions import APIResponseValidationError

    if (
        isinstance(exc, APIResponseValidationError)
        and not getattr(client, "strict_responses", False)
        and not any(isinstance(e, Mapping) and e.get("type") == "json_invalid" for e in exc.errors)
    ):
        return exc.body
    raise exc


def _alias(name: str, owner: str, is_async: bool) -> Callable[..., Any]:
    def alias(self: Any, *args: Any, **kwargs: Any) -> Any:
        return _invoke(self, name, is_async, args, kwargs)

    alias.__name__ = name
    alias.__qualname__ = f"{owner}.{name}"
    alias.__doc__ = f"Deprecated (the 0.1 `{name}({params_of(name, is_async=is_async)})`): use `{replacement_call(name)}`."
    return alias


def install(cls: type, owner: str, *, is_async: bool) -> None:
    """Put the 0.1 aliases on `cls` (the seven that are resources are served by `LegacyCallable`)."""
    for name in LEGACY:
        if not is_resource(name):
            setattr(cls, name, _alias(name, owner, is_async))


class LegacyCallable:
    """Makes a resource callable as the 0.1 method of its name: `client.chat(...)`, `client.models()`."""

    _legacy_name: ClassVar[str]
    _legacy_async: ClassVar[bool]
    _client: Any

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _invoke(self._client, self._legacy_name, self._legacy_async, args, kwargs)


def legacy_http_client(
    owner: str,
    client: HttpClient | AsyncHttpClient,
    http_client: HttpClient | AsyncHttpClient | None,
    api_key: str | None,
    base_url: str | None,
) -> tuple[str | None, str | None]:
    """The `api_key` and `base_url` for a client given the 0.1 way (`client=`), with a warning.

    0.1 used such a client as it was: its base URL and `Authorization` header were the configuration.
    So they are read from it here when not passed explicitly (before the environment).
    """
    if http_client is not None:
        raise TypeError(f"{owner}(): pass http_client= (or the 0.1 name client=), not both")
    # stacklevel 3: this function, `__init__`, then the code that built the client.
    message = f"{owner}(client=...) is deprecated; use {owner}(http_client=...)"
    warnings.warn(message, DeprecationWarning, stacklevel=3)
    headers = getattr(client, "headers", None)
    if api_key is None and headers is not None:
        auth = headers.get("authorization") or ""
        if auth[:7].lower() == "bearer " and auth[7:].strip():
            api_key = auth[7:].strip()
    if base_url is None and str(getattr(client, "base_url", "") or ""):
        base_url = str(client.base_url)
    return api_key, base_url
