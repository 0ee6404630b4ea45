"""The account endpoints (everything but ``/models`` and the orchestration endpoints).

Importing this module registers their routes and the orchestration hooks; the wire shapes are
documented in ``docs/account-wire.md``:

* ``_account_data``: conversations, history, semantic memory (and the privacy state they obey);
* ``_account_billing``: credits, usage, API keys;
* ``_account_optimization``: policy, report, snapshots, alerts, replay, test suites and schedules;
* ``_account_settings``: BYOK provider keys, privacy, copilot.
"""

from __future__ import annotations

from . import _account_billing, _account_data, _account_optimization, _account_settings
from ._account_billing import ApiKeys, is_session_token

__all__ = [
    "ApiKeys",
    "_account_billing",
    "_account_data",
    "_account_optimization",
    "_account_settings",
    "is_session_token",
]
