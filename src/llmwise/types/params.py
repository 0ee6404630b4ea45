"""The request types of every API area: the bodies' TypedDicts and the Literal aliases they use.

Each is also exported by its area's module (`llmwise.types.chat.ChatCreateParams`,
`llmwise.types.shared.MessageParam`, ...), the same object. They are defined here, apart from the
response models, because the resources need them at run time (as the bases of their `...Args`, and
to check arguments) and this module imports no pydantic: a client reaches `client.chat.create`
without loading pydantic's model machinery, which the first response read loads (issue #13).
"""

from __future__ import annotations

from typing import Literal, Union

from typing_extensions import Required, TypedDict

__all__ = [
    "ImageURL",
    "TextBlockParam",
    "ImageURLBlockParam",
    "ContentBlockParam",
    "MessageParam",
    "RoutingParam",
    "ChatCreateParams",
    "MultiModelParams",
    "CompareCreateParams",
    "BlendStrategy",
    "BlendCreateParams",
    "JudgeCreateParams",
    "OptimizationGoal",
    "PolicyUpdateParams",
    "TestCaseParam",
    "TestSuiteParams",
    "RegressionScheduleParams",
]

# --- messages (`llmwise.types.shared`) -------------------------------------------------------------


class ImageURL(TypedDict):
    """Where an image is."""

    url: str
    """An https URL of the image."""


class TextBlockParam(TypedDict):
    """A text part of a message's content."""

    type: Literal["text"]
    text: str


class ImageURLBlockParam(TypedDict):
    """An image part of a message's content (vision models; `auto` then picks a vision model)."""

    type: Literal["image_url"]
    image_url: ImageURL


ContentBlockParam = Union[TextBlockParam, ImageURLBlockParam]


class MessageParam(TypedDict, total=False):
    """One chat message, OpenAI-style: `{"role": "user", "content": "Hi"}`."""

    role: Required[Literal["system", "user", "assistant"]]
    """Who speaks: `system`, `user` or `assistant`."""
    content: Required[Union[str, list[ContentBlockParam]]]
    """Plain text, or a list of text / image_url blocks."""


# --- chat (`llmwise.types.chat`) -------------------------------------------------------------------


class RoutingParam(TypedDict, total=False):
    """Failover (Mesh) routing: backup models tried in order when the primary fails."""

    fallback: list[str]
    """Ordered backup model ids."""
    strategy: Literal["rate-limit", "latency", "cost", "round-robin"]
    """How fallbacks are preferred: `rate-limit`, `latency`, `cost` or `round-robin`."""


class ChatCreateParams(TypedDict, total=False):
    """The body of `POST /chat` (without `stream`, which the method sets)."""

    model: Required[str]
    """A model id from `client.models.list()`, or `"auto"` for smart routing."""
    messages: Required[list[MessageParam]]
    """The conversation so far, OpenAI-style."""
    temperature: float
    """Sampling temperature, 0 to 2."""
    max_tokens: int
    """Most tokens to generate, 1 to 128000."""
    cost_saver: bool
    """Force `auto` routing with the `cost` goal."""
    optimization_goal: Literal["balanced", "latency", "cost", "reliability"]
    """What `auto` optimises for: `balanced`, `latency`, `cost` or `reliability`."""
    semantic_memory: bool
    """Recall relevant past exchanges (server default: true)."""
    semantic_top_k: int
    """How many memories to recall, 1 to 12."""
    semantic_min_score: float
    """Least similarity (0 to 1) for a memory to be recalled."""
    routing: RoutingParam
    """Failover chain and strategy; turns on Mesh mode."""
    conversation_id: str
    """Attach the exchange to a conversation."""


# --- compare, blend, judge (`llmwise.types.compare`, `.blend`, `.judge`) ----------------------------


class MultiModelParams(TypedDict, total=False):
    """The body fields compare, blend and judge share (without `stream`, which the method sets)."""

    messages: Required[list[MessageParam]]
    """The conversation so far, OpenAI-style; every model answers it."""
    temperature: float
    """Sampling temperature, 0 to 2."""
    max_tokens: int
    """Most tokens each model generates, 1 to 128000."""
    semantic_memory: bool
    """Recall relevant past exchanges (server default: true)."""
    semantic_top_k: int
    """How many memories to recall, 1 to 12."""
    semantic_min_score: float
    """Least similarity (0 to 1) for a memory to be recalled."""
    conversation_id: str
    """Attach the exchange to a conversation."""


class CompareCreateParams(MultiModelParams, total=False):
    """The body of `POST /compare` (without `stream`, which the method sets)."""

    models: Required[list[str]]
    """2 to 9 distinct model ids, run concurrently on the same messages."""


BlendStrategy = Literal["consensus", "council", "best_of", "chain", "moa", "self_moa"]
"""How sources are gathered and merged (contract §3.3)."""


class BlendCreateParams(MultiModelParams, total=False):
    """The body of `POST /blend` (without `stream`, which the method sets)."""

    models: Required[list[str]]
    """The source models: 2 to 6 distinct ids, or exactly one for `self_moa`."""
    strategy: BlendStrategy
    """`consensus` (default), `council`, `best_of`, `chain`, `moa` (layers) or `self_moa` (samples)."""
    synthesizer: str
    """The model that writes the final answer (server default: the first source)."""
    layers: int
    """`moa` only: rounds of sources, 1 to 3; each round sees the previous round's answers."""
    samples: int
    """`self_moa` only: candidates drawn from the one model, 2 to 8."""


class JudgeCreateParams(MultiModelParams, total=False):
    """The body of `POST /judge` (without `stream`, which the method sets)."""

    contestants: Required[list[str]]
    """2 to 4 distinct model ids that answer the messages."""
    judge: Required[str]
    """The model that ranks the answers; it must not be a contestant."""
    criteria: list[str]
    """What the judge weighs, e.g. `["accuracy", "brevity"]` (free-form)."""


# --- optimization (`llmwise.types.optimization`) ----------------------------------------------------
# The server's schemas for these bodies are unknown (contract §3.12): these are the documented
# fields; the methods also pass any other keyword on to the server unchecked.

OptimizationGoal = Literal["balanced", "latency", "cost", "reliability"]
"""What `auto` routing optimises for."""


class PolicyUpdateParams(TypedDict, total=False):
    """Fields of `PUT /optimization/policy` (a partial policy: omitted fields keep their value)."""

    goal: OptimizationGoal
    """The default goal of `auto` routing."""
    max_fallbacks: int
    """0 to 5: how many fallbacks `model="auto"` may fail over to (0 turns failover off)."""
    allowed_models: list[str]
    """Only these models may be routed to (empty: all)."""
    blocked_models: list[str]
    """These models are never routed to."""
    max_cost_per_request_usd: float
    """The most one request may cost, in USD."""


class TestCaseParam(TypedDict, total=False):
    """One prompt of a test suite."""

    prompt: str
    """The prompt sent to each model."""
    expected_contains: str
    """The case passes when the answer contains this text."""


class TestSuiteParams(TypedDict, total=False):
    """Fields of `POST /optimization/test-suites` and `PUT /optimization/test-suites/{suite_id}`."""

    name: str
    """The suite's name (required to create one)."""
    description: str
    """What it checks."""
    cases: list[TestCaseParam]
    """The prompts (at least one to create a suite)."""
    models: list[str]
    """The models each case runs on."""


class RegressionScheduleParams(TypedDict, total=False):
    """Fields of `POST /optimization/regression-schedules` and `PUT .../{schedule_id}`."""

    suite_id: Union[str, int]
    """The test suite to run (required to create a schedule): a `TestSuite.id`, sent as given."""
    cadence: Literal["daily", "weekly"]
    """How often it runs."""
    enabled: bool
    """Whether it runs at all."""
