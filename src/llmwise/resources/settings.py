"""`client.settings`: provider keys (BYOK), privacy controls, and the dashboard copilot."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from typing_extensions import Unpack

from .._resource import APIResource, AsyncAPIResource
from .._types import RequestOptions
from ..types.settings import (
    CopilotAnswer,
    CopilotState,
    PrivacySettings,
    ProviderKeyDeleted,
    ProviderKeyList,
)
from ._params import api_operation, path_param

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

    async def list(self, **options: Unpack[RequestOptions]) -> ProviderKeyList:
        """List the providers with a saved key (`GET /settings/keys`); raw keys are never returned.

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/settings/keys", options=options, parse=ProviderKeyList.from_api)
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
                parse=ProviderKeyList.from_api,
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
            api_operation("DELETE", path, options=options, parse=ProviderKeyDeleted.from_api)
        )


class AsyncPrivacy(AsyncAPIResource):
    """Data retention and training controls."""

    async def retrieve(self, **options: Unpack[RequestOptions]) -> PrivacySettings:
        """Get the privacy settings (`GET /settings/privacy`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/settings/privacy", options=options, parse=PrivacySettings.from_api)
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
                "PUT", "/settings/privacy", body=body, options=options, parse=PrivacySettings.from_api
            )
        )


class AsyncCopilot(AsyncAPIResource):
    """The dashboard copilot: onboarding state and questions."""

    async def retrieve(self, **options: Unpack[RequestOptions]) -> CopilotState:
        """Get the copilot's onboarding state (`GET /settings/copilot`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/settings/copilot", options=options, parse=CopilotState.from_api)
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
                "PUT", "/settings/copilot", body=body, options=options, parse=CopilotState.from_api
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
                parse=CopilotAnswer.from_api,
            )
        )


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

    def list(self, **options: Unpack[RequestOptions]) -> ProviderKeyList:
        """List the providers with a saved key (`GET /settings/keys`); raw keys are never returned.

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/settings/keys", options=options, parse=ProviderKeyList.from_api)
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
                parse=ProviderKeyList.from_api,
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
            api_operation("DELETE", path, options=options, parse=ProviderKeyDeleted.from_api)
        )


class Privacy(APIResource):
    """Data retention and training controls."""

    def retrieve(self, **options: Unpack[RequestOptions]) -> PrivacySettings:
        """Get the privacy settings (`GET /settings/privacy`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/settings/privacy", options=options, parse=PrivacySettings.from_api)
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
                "PUT", "/settings/privacy", body=body, options=options, parse=PrivacySettings.from_api
            )
        )


class Copilot(APIResource):
    """The dashboard copilot: onboarding state and questions."""

    def retrieve(self, **options: Unpack[RequestOptions]) -> CopilotState:
        """Get the copilot's onboarding state (`GET /settings/copilot`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/settings/copilot", options=options, parse=CopilotState.from_api)
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
                "PUT", "/settings/copilot", body=body, options=options, parse=CopilotState.from_api
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
                parse=CopilotAnswer.from_api,
            )
        )


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
