"""Read-only health check of an LLMWise account: every read-only endpoint once, one line each.

    LLMWISE_API_KEY=mm_sk_... python examples/smoke.py

`LLMWISE_BASE_URL` points it at another server (the sandbox: `python -m llmwise.sandbox`). Each call
prints `OK` or `FAIL`, what it checked and what came back (or the error's class and message); the
exit status is 1 when any call failed, 2 when no client could be made (no key). Nothing is
created, changed or charged.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from llmwise import LLMWise, LLMWiseError


def checks(client: LLMWise) -> list[tuple[str, Callable[[], str]]]:
    """What to call, as `(label, call returning a one-line summary)`."""

    def models() -> str:
        return f"{len(client.models.list())} models"

    def balance() -> str:
        return f"{client.credits.balance().credits} credits"

    def wallet() -> str:
        wallet = client.credits.wallet()
        auto = wallet.auto_topup is not None and wallet.auto_topup.enabled
        return f"{wallet.credits} credits, payment method: {wallet.has_payment_method}, auto top-up: {auto}"

    def transactions() -> str:
        return f"{len(client.credits.transactions(limit=5).data)} latest transactions"

    def packs() -> str:
        return ", ".join(f"{p.id} ({p.credits} credits)" for p in client.credits.packs()) or "no packs"

    def usage_summary() -> str:
        summary = client.usage.summary(days=7)
        return f"{summary.requests} requests, {summary.credits_used} credits in {summary.days} days"

    def usage_recent() -> str:
        return f"{len(client.usage.recent(limit=5).data)} latest requests"

    def conversations() -> str:
        page = client.conversations.list(limit=5)
        return f"{page.total if page.total is not None else len(page.data)} conversations"

    def history() -> str:
        page = client.history.list(limit=5)
        return f"{page.total if page.total is not None else len(page.data)} past requests"

    def key_info() -> str:
        info = client.keys.info()
        return f"key {info.key_prefix}... last used {info.last_used_at}" if info.has_key else "no key"

    def memory() -> str:
        listed = client.memory.list(limit=5)
        return f"{listed.total} memories (memory {'on' if listed.enabled else 'off'})"

    def memory_search() -> str:
        return f"{len(client.memory.search('health check', top_k=1).data)} matches"

    def policy() -> str:
        policy = client.optimization.policy.retrieve()
        return f"goal {policy.goal}, max fallbacks {policy.max_fallbacks}"

    def report() -> str:
        report = client.optimization.report(days=7)  # persist_snapshot stays False: nothing saved
        return f"recommended for {report.goal}: {report.recommended_model}"

    def snapshots() -> str:
        return f"{len(client.optimization.snapshots(limit=5).data)} snapshots"

    def alerts() -> str:
        return f"{len(client.optimization.alerts(limit=5).data)} alerts"

    def templates() -> str:
        return f"{len(client.optimization.test_templates().data)} test templates"

    def suites() -> str:
        return f"{len(client.optimization.test_suites.list(limit=5).data)} test suites"

    def runs() -> str:
        return f"{len(client.optimization.test_runs.list(limit=5).data)} test runs"

    def schedules() -> str:
        return f"{len(client.optimization.regression_schedules.list(limit=5).data)} regression schedules"

    def provider_keys() -> str:
        providers = client.settings.provider_keys.list().data
        return ", ".join(p.provider or "?" for p in providers) or "no provider keys"

    def privacy() -> str:
        privacy = client.settings.privacy.retrieve()
        return (
            f"zero retention: {privacy.zero_retention_mode}, training opt-in: {privacy.data_training_opt_in}"
        )

    def copilot() -> str:
        return f"onboarded: {client.settings.copilot.retrieve().onboarded}"

    return [
        ("GET /models", models),
        ("GET /credits/balance", balance),
        ("GET /credits/wallet", wallet),
        ("GET /credits/transactions", transactions),
        ("GET /credits/packs", packs),
        ("GET /usage/summary", usage_summary),
        ("GET /usage/recent", usage_recent),
        ("GET /conversations", conversations),
        ("GET /history", history),
        ("GET /keys/info", key_info),
        ("GET /memory", memory),
        ("GET /memory/search", memory_search),
        ("GET /optimization/policy", policy),
        ("GET /optimization/report", report),
        ("GET /optimization/snapshots", snapshots),
        ("GET /optimization/alerts", alerts),
        ("GET /optimization/test-templates", templates),
        ("GET /optimization/test-suites", suites),
        ("GET /optimization/test-runs", runs),
        ("GET /optimization/regression-schedules", schedules),
        ("GET /settings/keys", provider_keys),
        ("GET /settings/privacy", privacy),
        ("GET /settings/copilot", copilot),
    ]


def main() -> int:
    try:
        client = LLMWise()
    except LLMWiseError as exc:
        print(f"FAIL {exc}")
        return 2
    failed = 0
    with client:
        print(f"smoke: {client.base_url}")
        for label, call in checks(client):
            try:
                detail = call()
            except LLMWiseError as exc:
                failed += 1
                print(f"FAIL {label:<40} {type(exc).__name__}: {exc}", flush=True)
            else:
                print(f"OK   {label:<40} {detail}", flush=True)
    print(f"smoke: {len(checks(client))} calls, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
