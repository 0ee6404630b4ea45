"""`client.settings`: provider keys (BYOK), privacy controls, and the dashboard copilot."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Final

from typing_extensions import Unpack

from .._lazy import LazyModule
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from ._params import api_operation, path_param

if TYPE_CHECKING:
    from ..types import settings as _types
    from ..types.settings import (
        CopilotAnswer,
        CopilotState,
        PrivacySettings,
        ProviderKeyDeleted,
        ProviderKeyList,
    )
else:
    # Imported by the first call that needs them: pydantic models (see `llmwise._lazy`).
    _types = LazyModule("llmwise.types.settings")

__all__ = [
    "Settings",
    "AsyncSettings",
    "ProviderKeys",
    "AsyncProviderKeys",
    "Privacy",
    "AsyncPrivacy",
    "Copilot",
    "AsyncCopilot",
]


# <async>
class AsyncProviderKeys(AsyncAPIResource):
    """Your own provider keys (BYOK): requests to a provider with a saved key cost no credits."""

    @cached_property
    def with_raw_response(self) -> AsyncProviderKeysWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncProviderKeysWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncProviderKeysWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncProviderKeysWithStreamingResponse(self)

    async def list(self, **options: Unpack[RequestOptions]) -> ProviderKeyList:
        """List the providers with a saved key (`GET /settings/keys`); raw keys are never returned.

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/settings/keys", options=options, parse=_types.ProviderKeyList.from_api)
        )

    async def save(self, keys: Mapping[str, str], **options: Unpack[RequestOptions]) -> ProviderKeyList:
        """Save provider keys (`PUT /settings/keys`), e.g. `save({"openai": "sk-..."})`.

        Args:
            keys: Provider name to that provider's API key.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "PUT",
                "/settings/keys",
                body={"keys": dict(keys)},
                options=options,
                parse=_types.ProviderKeyList.from_api,
            )
        )

    async def delete(self, provider: str, **options: Unpack[RequestOptions]) -> ProviderKeyDeleted:
        """Delete a provider's saved key (`DELETE /settings/keys/{provider}`).

        Args:
            provider: The provider, e.g. `openai`.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/settings/keys/{path_param('provider', provider)}"
        return await self._client.request(
            api_operation("DELETE", path, options=options, parse=_types.ProviderKeyDeleted.from_api)
        )


class AsyncProviderKeysWithRawResponse(ResourceView):
    """`client.settings.provider_keys.with_raw_response`: the methods of `client.settings.provider_keys`, returning the HTTP response."""

    list: Final = async_to_raw_response_wrapper(AsyncProviderKeys.list)
    save: Final = async_to_raw_response_wrapper(AsyncProviderKeys.save)
    delete: Final = async_to_raw_response_wrapper(AsyncProviderKeys.delete)


class AsyncProviderKeysWithStreamingResponse(ResourceView):
    """`client.settings.provider_keys.with_streaming_response`: the methods of `client.settings.provider_keys` as context managers
    that read the body only when asked."""

    list: Final = async_to_streamed_response_wrapper(AsyncProviderKeys.list)
    save: Final = async_to_streamed_response_wrapper(AsyncProviderKeys.save)
    delete: Final = async_to_streamed_response_wrapper(AsyncProviderKeys.delete)


class AsyncPrivacy(AsyncAPIResource):
    """Data retention and training controls."""

    @cached_property
    def with_raw_response(self) -> AsyncPrivacyWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncPrivacyWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncPrivacyWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncPrivacyWithStreamingResponse(self)

    async def retrieve(self, **options: Unpack[RequestOptions]) -> PrivacySettings:
        """Get the privacy settings (`GET /settings/privacy`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/settings/privacy", options=options, parse=_types.PrivacySettings.from_api)
        )

    async def update(
        self,
        *,
        data_training_opt_in: bool | None = None,
        zero_retention_mode: bool | None = None,
        purge_existing_data: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> PrivacySettings:
        """Change privacy settings (`PUT /settings/privacy`); omitted settings keep their value.

        Args:
            data_training_opt_in: Allow data to be used for training (zero retention forces it off).
            zero_retention_mode: Stop storing prompts, answers and memories.
            purge_existing_data: With `zero_retention_mode=True`, also delete memories, blank
                conversation titles and redact history (`purged` counts what went). Not sent
                unless given (the 0.1 client sent `True` by default).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {
            "data_training_opt_in": data_training_opt_in,
            "zero_retention_mode": zero_retention_mode,
            "purge_existing_data": purge_existing_data,
        }
        return await self._client.request(
            api_operation(
                "PUT", "/settings/privacy", body=body, options=options, parse=_types.PrivacySettings.from_api
            )
        )


class AsyncPrivacyWithRawResponse(ResourceView):
    """`client.settings.privacy.with_raw_response`: the methods of `client.settings.privacy`, returning the HTTP response."""

    retrieve: Final = async_to_raw_response_wrapper(AsyncPrivacy.retrieve)
    update: Final = async_to_raw_response_wrapper(AsyncPrivacy.update)


class AsyncPrivacyWithStreamingResponse(ResourceView):
    """`client.settings.privacy.with_streaming_response`: the methods of `client.settings.privacy` as context managers
    that read the body only when asked."""

    retrieve: Final = async_to_streamed_response_wrapper(AsyncPrivacy.retrieve)
    update: Final = async_to_streamed_response_wrapper(AsyncPrivacy.update)


class AsyncCopilot(AsyncAPIResource):
    """The dashboard copilot: onboarding state and questions."""

    @cached_property
    def with_raw_response(self) -> AsyncCopilotWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncCopilotWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncCopilotWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncCopilotWithStreamingResponse(self)

    async def retrieve(self, **options: Unpack[RequestOptions]) -> CopilotState:
        """Get the copilot's onboarding state (`GET /settings/copilot`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/settings/copilot", options=options, parse=_types.CopilotState.from_api)
        )

    async def update(
        self,
        *,
        goal: str | None = None,
        onboarded: bool | None = None,
        checklist: Mapping[str, bool] | None = None,
        **options: Unpack[RequestOptions],
    ) -> CopilotState:
        """Change the onboarding state (`PUT /settings/copilot`); omitted fields keep their value.

        Args:
            goal: What the user wants to achieve.
            onboarded: Whether onboarding is done.
            checklist: Onboarding steps and whether each is done.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {
            "goal": goal,
            "onboarded": onboarded,
            "checklist": None if checklist is None else dict(checklist),
        }
        return await self._client.request(
            api_operation(
                "PUT", "/settings/copilot", body=body, options=options, parse=_types.CopilotState.from_api
            )
        )

    async def ask(
        self,
        question: str,
        *,
        path: str | None = None,
        context: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> CopilotAnswer:
        """Ask the copilot a question (`POST /settings/copilot/ask`).

        Args:
            question: The question.
            path: The dashboard page it is asked from, e.g. `/dashboard/usage`.
            context: Extra facts for the answer, as strings.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {"question": question, "path": path, "context": None if context is None else dict(context)}
        return await self._client.request(
            api_operation(
                "POST",
                "/settings/copilot/ask",
                body=body,
                options=options,
                parse=_types.CopilotAnswer.from_api,
            )
        )


class AsyncCopilotWithRawResponse(ResourceView):
    """`client.settings.copilot.with_raw_response`: the methods of `client.settings.copilot`, returning the HTTP response."""

    retrieve: Final = async_to_raw_response_wrapper(AsyncCopilot.retrieve)
    update: Final = async_to_raw_response_wrapper(AsyncCopilot.update)
    ask: Final = async_to_raw_response_wrapper(AsyncCopilot.ask)


class AsyncCopilotWithStreamingResponse(ResourceView):
    """`client.settings.copilot.with_streaming_response`: the methods of `client.settings.copilot` as context managers
    that read the body only when asked."""

    retrieve: Final = async_to_streamed_response_wrapper(AsyncCopilot.retrieve)
    update: Final = async_to_streamed_response_wrapper(AsyncCopilot.update)
    ask: Final = async_to_streamed_response_wrapper(AsyncCopilot.ask)


class AsyncSettings(AsyncAPIResource):
    """Account settings: provider keys, privacy, copilot."""

    @cached_property
    def provider_keys(self) -> AsyncProviderKeys:
        """Your own provider keys (BYOK)."""
        return AsyncProviderKeys(self._client)

    @cached_property
    def privacy(self) -> AsyncPrivacy:
        """Data retention and training controls."""
        return AsyncPrivacy(self._client)

    @cached_property
    def copilot(self) -> AsyncCopilot:
        """The dashboard copilot."""
        return AsyncCopilot(self._client)


# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class ProviderKeys(APIResource):
    """Your own provider keys (BYOK): requests to a provider with a saved key cost no credits."""

    @cached_property
    def with_raw_response(self) -> ProviderKeysWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return ProviderKeysWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ProviderKeysWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return ProviderKeysWithStreamingResponse(self)

    def list(self, **options: Unpack[RequestOptions]) -> ProviderKeyList:
        """List the providers with a saved key (`GET /settings/keys`); raw keys are never returned.

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/settings/keys", options=options, parse=_types.ProviderKeyList.from_api)
        )

    def save(self, keys: Mapping[str, str], **options: Unpack[RequestOptions]) -> ProviderKeyList:
        """Save provider keys (`PUT /settings/keys`), e.g. `save({"openai": "sk-..."})`.

        Args:
            keys: Provider name to that provider's API key.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "PUT",
                "/settings/keys",
                body={"keys": dict(keys)},
                options=options,
                parse=_types.ProviderKeyList.from_api,
            )
        )

    def delete(self, provider: str, **options: Unpack[RequestOptions]) -> ProviderKeyDeleted:
        """Delete a provider's saved key (`DELETE /settings/keys/{provider}`).

        Args:
            provider: The provider, e.g. `openai`.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/settings/keys/{path_param('provider', provider)}"
        return self._client.request(
            api_operation("DELETE", path, options=options, parse=_types.ProviderKeyDeleted.from_api)
        )


class ProviderKeysWithRawResponse(ResourceView):
    """`client.settings.provider_keys.with_raw_response`: the methods of `client.settings.provider_keys`, returning the HTTP response."""

    list: Final = to_raw_response_wrapper(ProviderKeys.list)
    save: Final = to_raw_response_wrapper(ProviderKeys.save)
    delete: Final = to_raw_response_wrapper(ProviderKeys.delete)


class ProviderKeysWithStreamingResponse(ResourceView):
    """`client.settings.provider_keys.with_streaming_response`: the methods of `client.settings.provider_keys` as context managers
    that read the body only when asked."""

    list: Final = to_streamed_response_wrapper(ProviderKeys.list)
    save: Final = to_streamed_response_wrapper(ProviderKeys.save)
    delete: Final = to_streamed_response_wrapper(ProviderKeys.delete)


class Privacy(APIResource):
    """Data retention and training controls."""

    @cached_property
    def with_raw_response(self) -> PrivacyWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return PrivacyWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> PrivacyWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return PrivacyWithStreamingResponse(self)

    def retrieve(self, **options: Unpack[RequestOptions]) -> PrivacySettings:
        """Get the privacy settings (`GET /settings/privacy`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/settings/privacy", options=options, parse=_types.PrivacySettings.from_api)
        )

    def update(
        self,
        *,
        data_training_opt_in: bool | None = None,
        zero_retention_mode: bool | None = None,
        purge_existing_data: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> PrivacySettings:
        """Change privacy settings (`PUT /settings/privacy`); omitted settings keep their value.

        Args:
            data_training_opt_in: Allow data to be used for training (zero retention forces it off).
            zero_retention_mode: Stop storing prompts, answers and memories.
            purge_existing_data: With `zero_retention_mode=True`, also delete memories, blank
                conversation titles and redact history (`purged` counts what went). Not sent
                unless given (the 0.1 client sent `True` by default).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {
            "data_training_opt_in": data_training_opt_in,
            "zero_retention_mode": zero_retention_mode,
            "purge_existing_data": purge_existing_data,
        }
        return self._client.request(
            api_operation(
                "PUT", "/settings/privacy", body=body, options=options, parse=_types.PrivacySettings.from_api
            )
        )


class PrivacyWithRawResponse(ResourceView):
    """`client.settings.privacy.with_raw_response`: the methods of `client.settings.privacy`, returning the HTTP response."""

    retrieve: Final = to_raw_response_wrapper(Privacy.retrieve)
    update: Final = to_raw_response_wrapper(Privacy.update)


class PrivacyWithStreamingResponse(ResourceView):
    """`client.settings.privacy.with_streaming_response`: the methods of `client.settings.privacy` as context managers
    that read the body only when asked."""

    retrieve: Final = to_streamed_response_wrapper(Privacy.retrieve)
    update: Final = to_streamed_response_wrapper(Privacy.update)


class Copilot(APIResource):
    """The dashboard copilot: onboarding state and questions."""

    @cached_property
    def with_raw_response(self) -> CopilotWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return CopilotWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CopilotWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return CopilotWithStreamingResponse(self)

    def retrieve(self, **options: Unpack[RequestOptions]) -> CopilotState:
        """Get the copilot's onboarding state (`GET /settings/copilot`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/settings/copilot", options=options, parse=_types.CopilotState.from_api)
        )

    def update(
        self,
        *,
        goal: str | None = None,
        onboarded: bool | None = None,
        checklist: Mapping[str, bool] | None = None,
        **options: Unpack[RequestOptions],
    ) -> CopilotState:
        """Change the onboarding state (`PUT /settings/copilot`); omitted fields keep their value.

        Args:
            goal: What the user wants to achieve.
            onboarded: Whether onboarding is done.
            checklist: Onboarding steps and whether each is done.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {
            "goal": goal,
            "onboarded": onboarded,
            "checklist": None if checklist is None else dict(checklist),
        }
        return self._client.request(
            api_operation(
                "PUT", "/settings/copilot", body=body, options=options, parse=_types.CopilotState.from_api
            )
        )

    def ask(
        self,
        question: str,
        *,
        path: str | None = None,
        context: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> CopilotAnswer:
        """Ask the copilot a question (`POST /settings/copilot/ask`).

        Args:
            question: The question.
            path: The dashboard page it is asked from, e.g. `/dashboard/usage`.
            context: Extra facts for the answer, as strings.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {"question": question, "path": path, "context": None if context is None else dict(context)}
        return self._client.request(
            api_operation(
                "POST",
                "/settings/copilot/ask",
                body=body,
                options=options,
                parse=_types.CopilotAnswer.from_api,
            )
        )


class CopilotWithRawResponse(ResourceView):
    """`client.settings.copilot.with_raw_response`: the methods of `client.settings.copilot`, returning the HTTP response."""

    retrieve: Final = to_raw_response_wrapper(Copilot.retrieve)
    update: Final = to_raw_response_wrapper(Copilot.update)
    ask: Final = to_raw_response_wrapper(Copilot.ask)


class CopilotWithStreamingResponse(ResourceView):
    """`client.settings.copilot.with_streaming_response`: the methods of `client.settings.copilot` as context managers
    that read the body only when asked."""

    retrieve: Final = to_streamed_response_wrapper(Copilot.retrieve)
    update: Final = to_streamed_response_wrapper(Copilot.update)
    ask: Final = to_streamed_response_wrapper(Copilot.ask)


class Settings(APIResource):
    """Account settings: provider keys, privacy, copilot."""

    @cached_property
    def provider_keys(self) -> ProviderKeys:
        """Your own provider keys (BYOK)."""
        return ProviderKeys(self._client)

    @cached_property
    def privacy(self) -> Privacy:
        """Data retention and training controls."""
        return Privacy(self._client)

    @cached_property
    def copilot(self) -> Copilot:
        """The dashboard copilot."""
        return Copilot(self._client)


# </sync>
