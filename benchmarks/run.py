"""Run every llmwise benchmark against a local server and print a table plus JSON.

    python benchmarks/run.py            # the full run: a few minutes on 2 cores
    python benchmarks/run.py --quick    # a smoke run, well under a minute (after the first setup)
    python benchmarks/run.py --json out.json

The contenders (openai, anthropic, and httpx2 for the httpx2 lane) are never dependencies of
llmwise: when they are not importable, this script creates `benchmarks/.venv`, installs `-e .` plus
them there, and re-runs itself with it.

Every figure is a ratio of two medians measured in the same run, with the contenders interleaved
(A, B, C, B, C, A, ...), so a machine that is busy or slow affects both sides alike. The server is
`benchmarks/server.py` in a subprocess on 127.0.0.1 (an asyncio server answering from pre-rendered
bodies); it and every loop here stop by themselves, and a watchdog ends a run that hangs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import importlib.util
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv"
# httpx2 (pydantic's fork of httpx, for the httpx2 lane) needs Python 3.11+.
HTTPX2_PYTHON = (3, 11)
CONTENDER_PACKAGES = ("openai", "anthropic", "httpx2") if sys.version_info >= HTTPX2_PYTHON else ("openai", "anthropic")
ENV_MARK = "LLMWISE_BENCH_VENV"
T = TypeVar("T")


@dataclass(frozen=True)
class Config:
    import_rounds: int
    import_everything: bool  # also anthropic and the "client + chat" rows (slow to import)
    call_rounds: int
    call_batch: int
    stream_events: int
    stream_rounds: int
    async_total: int
    async_concurrency: int
    async_rounds: int
    memory_small: int
    memory_large: int
    memory_streams: int
    memory_stream_events: int
    open_streams: int
    watchdog_s: int


FULL = Config(
    import_rounds=9,
    import_everything=True,
    call_rounds=30,
    call_batch=50,
    stream_events=100_000,
    stream_rounds=7,
    async_total=1_000,
    async_concurrency=100,
    async_rounds=11,
    memory_small=10_000,
    memory_large=100_000,
    memory_streams=200,
    memory_stream_events=1_000,
    open_streams=1_000,
    watchdog_s=1_500,
)
QUICK = Config(
    import_rounds=3,
    import_everything=False,
    call_rounds=6,
    call_batch=40,
    stream_events=10_000,
    stream_rounds=3,
    async_total=300,
    async_concurrency=100,
    async_rounds=4,
    memory_small=2_000,
    memory_large=20_000,
    memory_streams=200,
    memory_stream_events=100,
    open_streams=200,
    watchdog_s=240,
)


# --- the environment ----------------------------------------------------------------------------------


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment(no_install: bool) -> list[str]:
    """Make llmwise, openai, anthropic and httpx2 importable (re-running in benchmarks/.venv if needed).

    Returns the contender packages still missing (only possible with `--no-install`).
    """
    missing = [name for name in ("llmwise", *CONTENDER_PACKAGES) if importlib.util.find_spec(name) is None]
    if not missing:
        return []
    if os.environ.get(ENV_MARK) == "1" or no_install:
        if "llmwise" in missing:
            raise SystemExit("llmwise is not importable: run `pip install -e .` first")
        print(f"note: {', '.join(missing)} not installed: those contenders are skipped", file=sys.stderr)
        return missing
    python = _venv_python()
    if not python.exists():
        print(f"setting up {VENV.relative_to(ROOT)} (once) ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", f"import llmwise, {', '.join(CONTENDER_PACKAGES)}"], capture_output=True, check=False)
    if probe.returncode != 0:
        # Also how an older benchmark venv (made before the httpx2 lane) gets httpx2.
        print(f"installing llmwise (editable), {', '.join(CONTENDER_PACKAGES)} into the benchmark venv ...", file=sys.stderr, flush=True)
        install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", str(ROOT), *CONTENDER_PACKAGES]
        if subprocess.run(install, check=False).returncode != 0:
            # A venv made by an older Python (httpx2 needs 3.11+) or left broken: make it again.
            print(f"re-creating {VENV.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
            subprocess.run(install, check=True)
    env = {**os.environ, ENV_MARK: "1"}
    os.execve(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]], env)
    raise AssertionError("unreachable")


def _version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info(quick: bool) -> dict[str, Any]:
    import llmwise

    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if quick else "full",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "llmwise": llmwise.__version__,
        "llmwise_path": str(Path(llmwise.__file__).parent),
        "httpx": _version("httpx"),
        "pydantic": _version("pydantic"),
        "openai": _version("openai"),
        "anthropic": _version("anthropic"),
        "httpx2": _version("httpx2"),
    }


# --- the server ------------------------------------------------------------------------------------------


@contextmanager
def bench_server() -> Iterator[str]:
    """`benchmarks/server.py` in a subprocess; yields its base URL and stops it on exit."""
    proc = subprocess.Popen(
        [sys.executable, str(BENCH / "server.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the benchmark server did not start (said {line!r})")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        if proc.stdin is not None:
            proc.stdin.close()  # the server stops when its stdin closes
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


# --- measuring ------------------------------------------------------------------------------------------


@dataclass
class Results:
    rows: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def row(
        self, bench: str, contender: str, value: float | None, unit: str, ratio: float | None = None, ratio_to: str = "", note: str = ""
    ) -> None:
        self.rows.append(
            {"benchmark": bench, "contender": contender, "median": value, "unit": unit, "ratio": ratio, "ratio_to": ratio_to, "note": note}
        )

    def target(self, name: str, value: float | None, op: str, limit: float, note: str = "") -> None:
        met = None if value is None else (value <= limit if op == "<=" else value >= limit if op == ">=" else value > limit)
        self.targets.append({"target": name, "value": value, "op": op, "limit": limit, "met": met, "note": note})


def _rotations(names: list[str], rounds: int) -> Iterator[list[str]]:
    # A, B, C, then C, B, A, then A, B, C, ...: interleaved, no contender always first, and any two
    # neighbours stay neighbours, so a slow drift of the machine's speed cancels out of their ratio.
    for r in range(rounds):
        yield list(names) if r % 2 == 0 else list(reversed(names))


def _paired(samples: dict[str, list[float]], name: str, ref: str) -> float:
    """The median over rounds of `name`'s sample divided by `ref`'s sample of the same round.

    Robust to the machine getting faster or slower during the run (other work on a shared box):
    each round's two samples were taken moments apart.
    """
    return _median([a / b for a, b in zip(samples[name], samples[ref], strict=True)])


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


FIRST_CALL = "first call: LLMWise(key).chat.create"
HTTPX_PYDANTIC = "httpx + pydantic"


def import_statements(everything: bool) -> dict[str, tuple[str, str]]:
    """name: (the statement timed in a fresh process, the row its ratio is taken to)."""
    openai = "from openai import OpenAI"
    statements = {
        "startup": ("pass", ""),
        HTTPX_PYDANTIC: ("import httpx, pydantic", openai),
        "import llmwise": ("import llmwise", openai),
        "from llmwise import LLMWise": ("from llmwise import LLMWise", openai),
        openai: (openai, openai),
        # What a program pays before its first request can leave: import, construct, reach the method.
        FIRST_CALL: ("from llmwise import LLMWise; LLMWise('k').chat.create", HTTPX_PYDANTIC),
        "first call: OpenAI(key).chat.completions.create": (
            "from openai import OpenAI; OpenAI(api_key='k').chat.completions.create",
            HTTPX_PYDANTIC,
        ),
    }
    if everything:
        statements |= {
            "llmwise client + chat": ("from llmwise import LLMWise; LLMWise(api_key='k').chat", "openai client + chat"),
            "openai client + chat": ("from openai import OpenAI; OpenAI(api_key='k').chat.completions", "openai client + chat"),
            "from anthropic import Anthropic": ("from anthropic import Anthropic", openai),
            "first call: Anthropic(key).messages.create": (
                "from anthropic import Anthropic; Anthropic(api_key='k').messages.create",
                HTTPX_PYDANTIC,
            ),
        }
    return statements


def bench_import(cfg: Config, results: Results, missing: list[str]) -> None:
    """Import time in fresh processes, minus interpreter startup (`python -c pass`) of the same round."""
    statements = {
        k: v for k, v in import_statements(cfg.import_everything).items() if not any(m in v[0] for m in missing)
    }
    # Without PYTHONDONTWRITEBYTECODE (set on some machines): the warm-up must leave .pyc files, as
    # pip leaves them for an installed package; else an editable checkout compiles every module of
    # llmwise on every import, a cost no installed llmwise (nor httpx or pydantic) pays.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LLMWISE_", "OPENAI_", "ANTHROPIC_")) and k != "PYTHONDONTWRITEBYTECODE"
    }

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return time.perf_counter() - start

    for code, _ in statements.values():
        run(code)  # compile .pyc files, warm the OS caches
    net: dict[str, list[float]] = {name: [] for name in statements}
    startup: list[float] = []
    for order in _rotations(list(statements), cfg.import_rounds):
        times = {name: run(statements[name][0]) for name in order}
        startup.append(times["startup"])
        for name in statements:
            net[name].append(times[name] - times["startup"])
    del net["startup"]
    ms = {name: _median(values) * 1000 for name, values in net.items()}
    results.raw["import_ms_per_round"] = {k: [round(v * 1000, 2) for v in vs] for k, vs in net.items()}
    results.raw["import_startup_ms_per_round"] = [round(v * 1000, 2) for v in startup]
    bench = "import in a fresh process (ms, net of startup)"
    results.row(bench, "python -c pass (startup itself)", _median(startup) * 1000, "ms")
    for name, value in ms.items():
        ref = statements[name][1]
        ratio = _paired(net, name, ref) if ref in net else None
        results.row(bench, name, value, "ms", ratio, ref if ratio is not None else "", f"ratio to {ref}" if ratio is not None else "")
    base = ms[HTTPX_PYDANTIC]
    results.target(
        "import: first call / (httpx + pydantic) <= 1.25",
        _paired(net, FIRST_CALL, HTTPX_PYDANTIC),
        "<=",
        1.25,
        f"{ms[FIRST_CALL]:.0f} vs {base:.0f} ms; paired per round",
    )
    results.target(
        "import: `from llmwise import LLMWise` <= 150/106 x httpx + pydantic",
        _paired(net, "from llmwise import LLMWise", HTTPX_PYDANTIC),
        "<=",
        150 / 106,
        "round one's 150 ms (where httpx + pydantic took 106 ms), rescaled",
    )
    if "from openai import OpenAI" in ms:
        results.target("import: llmwise / openai <= 0.35", _paired(net, "from llmwise import LLMWise", "from openai import OpenAI"), "<=", 0.35)


def _interleave(contenders: dict[str, Callable[[], int]], rounds: int, batch: int, warm: bool = True) -> dict[str, list[float]]:
    """Seconds per unit of work, one sample per contender per round."""
    for run in contenders.values():
        if warm:
            run()  # warm up: connection, imports, schemas
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for order in _rotations(list(contenders), rounds):
        for name in order:
            run = contenders[name]
            gc.collect()
            start = time.perf_counter()
            for _ in range(batch):
                run()
            samples[name].append((time.perf_counter() - start) / batch)
    return samples


# The httpx2 lane: the floor on httpx2, and llmwise given an httpx2 pool as `http_client`.
H2_FLOOR_CALL = "raw httpx2 + json (floor)"
H2_SDK = "llmwise on httpx2"


def httpx2_unavailable(missing: list[str]) -> str | None:
    """Why the httpx2 lane cannot run at all here, or None."""
    if sys.version_info < HTTPX2_PYTHON:
        return "skipped: httpx2 needs Python 3.11+"
    if "httpx2" in missing or importlib.util.find_spec("httpx2") is None:
        return "skipped: httpx2 is not installed"
    return None


def sdk_on_httpx2(make: Callable[[], T]) -> tuple[T | None, str]:
    """`make()`, an llmwise contender on an httpx2 pool; or None and why, when the SDK refuses an
    httpx2 client (TypeError: until it supports httpx2). Anything else is a failure of the run."""
    try:
        return make(), ""
    except TypeError as exc:
        return None, f"skipped: the SDK refuses an httpx2 client (TypeError: {exc})"


def _warmed(run: Callable[[], int]) -> Callable[[], int]:
    run()  # the first request: a refusal shows here at the latest
    return run


def _skipped(results: Results, bench: str, measured: dict[str, Any], floor: str, sdk: str, unit: str, why: str) -> None:
    """Rows for the httpx2 lane's contenders that were not measured, each saying why."""
    for name in (floor, sdk):
        if name not in measured:
            results.row(bench, name, None, unit, note=why)


def bench_per_call(url: str, cfg: Config, results: Results, missing: list[str]) -> None:
    import tasks

    floor = "raw httpx + json (floor)"
    contenders = {floor: tasks.call_floor(url), "llmwise": tasks.call_llmwise(url)}
    if "openai" not in missing:
        contenders["openai"] = tasks.call_openai(url)
    lane = httpx2_unavailable(missing)
    why = lane or ""
    if lane is None:
        contenders[H2_FLOOR_CALL] = tasks.call_floor(url, "httpx2")
        sdk, why = sdk_on_httpx2(lambda: _warmed(tasks.call_llmwise(url, "httpx2")))
        if sdk is not None:
            contenders[H2_SDK] = sdk
    # Each row's ratio: to the floor of its own HTTP library; the httpx2 floor's, to the httpx floor.
    refs = {name: floor for name in contenders} | {H2_SDK: H2_FLOOR_CALL}
    samples = _interleave(contenders, cfg.call_rounds, cfg.call_batch)
    us = {name: _median(values) * 1e6 for name, values in samples.items()}
    results.raw["per_call_us_per_round"] = {k: [round(v * 1e6, 1) for v in vs] for k, vs in samples.items()}
    bench = "non-streamed chat (us per call)"
    for name, value in us.items():
        ref = refs[name]
        label = "the httpx2 floor" if ref == H2_FLOOR_CALL else "the floor"
        results.row(bench, name, value, "us", _paired(samples, name, ref), ref, f"{value - us[ref]:+.0f} us vs {label}")
    _skipped(results, bench, us, H2_FLOOR_CALL, H2_SDK, "us", why)
    results.target("per-call: llmwise / raw httpx <= 1.15", _paired(samples, "llmwise", floor), "<=", 1.15)
    results.target(
        "per-call: llmwise on httpx2 / raw httpx2 <= 1.15",
        _paired(samples, H2_SDK, H2_FLOOR_CALL) if H2_SDK in us else None,
        "<=",
        1.15,
        why,
    )


def bench_stream(url: str, cfg: Config, results: Results, missing: list[str]) -> None:
    import server
    import tasks

    n = cfg.stream_events
    expected = server.text_of(1000)
    if tasks.check_stream_text(url, 1000) != expected:
        raise RuntimeError("llmwise assembled the wrong text from the benchmark stream")
    floor = "iter_lines + json.loads (floor)"
    h2_floor = "iter_lines + json.loads, httpx2 (floor)"
    h2_sdk = "llmwise on httpx2 (typed events)"
    contenders = {
        floor: tasks.stream_floor(url, n),
        "llmwise (typed events)": tasks.stream_llmwise(url, n),
        "floor, OpenAI-shaped stream": tasks.stream_floor_openai_shape(url, n),
    }
    if "openai" not in missing:
        contenders["openai (typed chunks)"] = tasks.stream_openai(url, n)
    lane = httpx2_unavailable(missing)
    why = lane or ""
    if lane is None:
        contenders[h2_floor] = tasks.stream_floor(url, n, "httpx2")
        checked, why = sdk_on_httpx2(lambda: tasks.check_stream_text(url, 1000, "httpx2"))
        if checked is not None:
            if checked != expected:
                raise RuntimeError("llmwise on httpx2 assembled the wrong text from the benchmark stream")
            contenders[h2_sdk] = tasks.stream_llmwise(url, n, "httpx2")
    refs = {name: floor for name in contenders} | {h2_sdk: h2_floor}
    events = {name: run() for name, run in contenders.items()}  # also the warm-up
    samples = _interleave(contenders, cfg.stream_rounds, 1, warm=False)
    rate = {name: events[name] / _median(values) for name, values in samples.items()}
    results.raw["stream_events_per_s_per_round"] = {k: [round(events[k] / v) for v in vs] for k, vs in samples.items()}
    sizes = {"llmwise": len(server.llmwise_sse(n)) / events["llmwise (typed events)"], "openai": len(server.openai_sse(n)) / (n + 2)}
    per_event = {k: [t / events[k] for t in v] for k, v in samples.items()}
    bench = f"stream of {n:,} events (events/s)"
    for name, value in rate.items():
        shape = "openai" if "openai" in name.lower() else "llmwise"
        # A rate ratio: the floor's time over the contender's (per event, as event counts differ a little).
        ratio = _paired(per_event, refs[name], name)
        note = f"{sizes[shape]:.0f} B/event" + ("; ratio to the httpx2 floor" if refs[name] == h2_floor else "")
        results.row(bench, name, value, "ev/s", ratio, refs[name], note)
    _skipped(results, bench, rate, h2_floor, h2_sdk, "ev/s", why)
    results.target("stream: llmwise / floor >= 0.9", _paired(per_event, floor, "llmwise (typed events)"), ">=", 0.9)
    if "openai (typed chunks)" in rate:
        results.target("stream: llmwise / openai > 1", _paired(per_event, "openai (typed chunks)", "llmwise (typed events)"), ">", 1.0)
    results.target(
        "stream: llmwise on httpx2 / httpx2 floor >= 0.9",
        _paired(per_event, h2_floor, h2_sdk) if h2_sdk in rate else None,
        ">=",
        0.9,
        why,
    )


def bench_async(url: str, cfg: Config, results: Results, missing: list[str]) -> None:
    import tasks

    total, conc = cfg.async_total, cfg.async_concurrency
    floor = "raw httpx.AsyncClient (floor)"
    h2_floor = "raw httpx2.AsyncClient (floor)"
    h2_sdk = "AsyncLLMWise on httpx2"
    # Not AsyncOpenAI: it runs on another HTTP stack (httpx2), and this figure is about our layer.
    factories: dict[str, Callable[[], tuple[tasks.AsyncCall, tasks.Close]]] = {
        floor: lambda: tasks.async_floor(url, total, conc),
        "AsyncLLMWise": lambda: tasks.async_llmwise(url, total, conc),
    }
    lane = httpx2_unavailable(missing)
    why = lane or ""
    if lane is None:
        factories[h2_floor] = lambda: tasks.async_floor(url, total, conc, "httpx2")
        factories[h2_sdk] = lambda: tasks.async_llmwise(url, total, conc, "httpx2")
    refs = {name: floor for name in factories} | {h2_sdk: h2_floor}

    async def main() -> dict[str, list[float]]:
        nonlocal why
        made = {}
        for name, make in factories.items():
            if name == h2_sdk:
                made_h2, why = sdk_on_httpx2(make)
                if made_h2 is not None:
                    made[name] = made_h2
            else:
                made[name] = make()
        for name, (run, close) in list(made.items()):
            try:
                await run()  # warm up: fills each pool
            except TypeError as exc:
                if name != h2_sdk:
                    raise
                why = f"skipped: the SDK refuses an httpx2 client (TypeError: {exc})"
                await close()
                del made[name]
        samples: dict[str, list[float]] = {name: [] for name in made}
        for order in _rotations(list(made), cfg.async_rounds):
            for name in order:
                gc.collect()
                start = time.perf_counter()
                done = await made[name][0]()
                samples[name].append(time.perf_counter() - start)
                if done <= 0:
                    raise RuntimeError(f"{name} returned nothing")
        for _, close in made.values():
            await close()
        return samples

    samples = asyncio.run(main())
    secs = {name: _median(values) for name, values in samples.items()}
    results.raw["async_s_per_round"] = {k: [round(v, 4) for v in vs] for k, vs in samples.items()}
    bench = f"{total:,} chats at concurrency {conc} (s)"
    for name, value in secs.items():
        note = f"{total / value:,.0f} req/s" + ("; ratio to the httpx2 floor" if refs[name] == h2_floor else "")
        results.row(bench, name, value, "s", _paired(samples, name, refs[name]), refs[name], note)
    _skipped(results, bench, secs, h2_floor, h2_sdk, "s", why)
    results.target("async: AsyncLLMWise / raw httpx <= 1.1", _paired(samples, "AsyncLLMWise", floor), "<=", 1.1)
    results.target(
        "async: AsyncLLMWise on httpx2 / raw httpx2 <= 1.1",
        _paired(samples, h2_sdk, h2_floor) if h2_sdk in secs else None,
        "<=",
        1.1,
        why,
    )


def bench_open_streams(url: str, cfg: Config, results: Results, missing: list[str]) -> None:
    import tasks

    streams = cfg.open_streams
    most = {
        "raw httpx.AsyncClient, default pool": asyncio.run(tasks.open_streams(url, "floor", streams, 5.0)),
        "AsyncLLMWise, default client": asyncio.run(tasks.open_streams(url, "llmwise", streams, 5.0)),
    }
    results.raw["open_streams"] = most
    for name, value in most.items():
        results.row(f"{streams:,} concurrent streams: open at once", name, value, "streams")
    results.target(
        f"pool: AsyncLLMWise opens all {streams:,} concurrent streams at once",
        most["AsyncLLMWise, default client"],
        ">=",
        streams,
    )


def _memory_child(*args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(BENCH / "tasks.py"), *args], capture_output=True, text=True, check=False, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"memory task {args} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _mib(value: float | None) -> str:
    return "?" if value is None else f"{value / 2**20:+.1f} MiB"


def bench_memory(url: str, cfg: Config, results: Results, missing: list[str]) -> None:
    """tracemalloc's peak while reading a stream to its end, each in a fresh process; and the
    resident high-water mark's rise during an untraced read (Linux)."""
    import server

    sizes = (cfg.memory_small, cfg.memory_large)
    measured: dict[str, dict[int, dict[str, Any]]] = {c: {} for c in ("floor", "llmwise")}
    for size in sizes:
        for contender in measured:
            measured[contender][size] = _memory_child("memory-stream", url, contender, str(size))
    results.raw["memory_stream"] = measured
    small, large = sizes
    text_growth = (len(server.text_of(large)) - len(server.text_of(small))) / (large - small)
    growth: dict[str, float] = {}
    for contender, by_size in measured.items():
        name = "iter_lines + json.loads (floor)" if contender == "floor" else "llmwise"
        for size in sizes:
            results.row(
                "one stream: peak traced memory (KiB)",
                f"{name}, {size:,} events",
                by_size[size]["traced_peak_bytes"] / 1024,
                "KiB",
                note=f"resident high-water mark {_mib(by_size[size]['rss_growth_bytes'])} while reading (untraced)",
            )
        growth[contender] = (by_size[large]["traced_peak_bytes"] - by_size[small]["traced_peak_bytes"]) / (large - small)
        results.row(
            f"one stream: peak growth from {small:,} to {large:,} events",
            name,
            growth[contender],
            "B/event",
            note=f"the answer's text is {text_growth:.1f} B/event",
        )
    results.target(
        "memory: llmwise stream growth beyond its text <= 1 B/event",
        growth["llmwise"] - text_growth,
        "<=",
        1.0,
        f"a stream keeps its text ({text_growth:.1f} B/event) for `.text`; more would be per-event state",
    )
    ours, floor = measured["llmwise"][large], measured["floor"][large]
    rss = {k: m["rss_growth_bytes"] for k, m in (("llmwise", ours), ("floor", floor))}
    rss_over = None if None in rss.values() else rss["llmwise"] - rss["floor"]
    results.target(
        f"memory: one {large:,}-event stream, llmwise's peak - the floor's <= 3 MiB",
        (ours["traced_peak_bytes"] - floor["traced_peak_bytes"]) / 2**20,
        "<=",
        3.0,
        f"MiB, traced; resident high-water rise {_mib(rss['llmwise'])} vs the floor's {_mib(rss['floor'])} ({_mib(rss_over)})",
    )
    streams, events = cfg.memory_streams, cfg.memory_stream_events
    conc: dict[str, dict[str, Any]] = {}
    for contender in ("floor", "llmwise"):
        conc[contender] = _memory_child("memory-async", url, contender, str(streams), str(events))
    results.raw["memory_async"] = conc
    for contender, m in conc.items():
        results.row(
            f"{streams} concurrent async streams of {events:,} events: peak traced memory (KiB)",
            "raw httpx.AsyncClient (floor)" if contender == "floor" else "AsyncLLMWise",
            m["traced_peak_bytes"] / 1024,
            "KiB",
            m["traced_peak_bytes"] / conc["floor"]["traced_peak_bytes"],
            "floor",
            f"{m['traced_peak_bytes'] / streams / 1024:.1f} KiB per stream; resident high-water mark {_mib(m['rss_growth_bytes'])} (traced)",
        )


# --- output -----------------------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("ev/s",):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if unit in ("", "x") else f"{value:.2f}"


def render_table(results: Results, meta: dict[str, Any]) -> str:
    lines = [
        f"llmwise benchmarks, {meta['date']}, {meta['mode']} run: Python {meta['python']}, {meta['cpus']} CPUs ({meta['cpu']})",
        f"llmwise {meta['llmwise']}, httpx {meta['httpx']}, pydantic {meta['pydantic']}, openai {meta['openai']}, "
        f"anthropic {meta['anthropic']}, httpx2 {meta.get('httpx2')}",
        "",
        f"| {'benchmark':<58} | {'contender':<47} | {'median':>12} | {'unit':<7} | {'ratio':>6} | note",
        f"|{'-' * 60}|{'-' * 49}|{'-' * 14}|{'-' * 9}|{'-' * 8}|------",
    ]
    for r in results.rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(
            f"| {r['benchmark']:<58} | {r['contender']:<47} | {_fmt(r['median'], r['unit']):>12} | {r['unit']:<7} | {ratio:>6} | {r['note']}"
        )
    lines += ["", f"| {'target':<72} | {'value':>8} | {'limit':>10} | met | note", f"|{'-' * 74}|{'-' * 10}|{'-' * 12}|-----|------"]
    if meta["mode"] == "quick":
        lines.insert(2, "(quick run: short streams and few rounds; its verdicts are indicative only, the full run decides)")
    for t in results.targets:
        met = {True: "yes", False: "NO", None: "-"}[t["met"]]
        value = "-" if t["value"] is None else f"{t['value']:.3f}" if abs(t["value"]) < 100 else f"{t['value']:.0f}"
        lines.append(f"| {t['target']:<72} | {value:>8} | {t['op']} {t['limit']:<7.3g} | {met:<3} | {t['note']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the llmwise benchmarks (see benchmarks/README.md).")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer rounds, shorter streams (< 60 s)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument("--no-install", action="store_true", help="do not create benchmarks/.venv; skip missing contenders")
    parser.add_argument(
        "--only", metavar="NAMES", help="comma-separated subset of: import,call,stream,async,memory,open (default: all)"
    )
    args = parser.parse_args(argv)
    missing = ensure_environment(args.no_install)
    cfg = QUICK if args.quick else FULL
    sys.path.insert(0, str(BENCH))
    only = set((args.only or "import,call,stream,async,memory,open").split(","))

    def on_alarm(signum: int, frame: Any) -> None:
        raise SystemExit(f"benchmark watchdog: still running after {cfg.watchdog_s} s, stopping")

    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(cfg.watchdog_s)

    meta = machine_info(args.quick)
    results = Results()
    started = time.perf_counter()
    with bench_server() as url:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("import", lambda: bench_import(cfg, results, missing)),
            ("call", lambda: bench_per_call(url, cfg, results, missing)),
            ("stream", lambda: bench_stream(url, cfg, results, missing)),
            ("async", lambda: bench_async(url, cfg, results, missing)),
            ("memory", lambda: bench_memory(url, cfg, results, missing)),
            ("open", lambda: bench_open_streams(url, cfg, results, missing)),
        ]
        for name, step in steps:
            if name in only:
                t0 = time.perf_counter()
                _progress(f"running {name} ...")
                step()
                _progress(f"  {name}: {time.perf_counter() - t0:.1f} s")
    meta["seconds"] = round(time.perf_counter() - started, 1)
    if hasattr(signal, "SIGALRM"):
        signal.alarm(0)
    print(render_table(results, meta))
    document = {"meta": meta, "results": results.rows, "targets": results.targets, "samples": results.raw}
    text = json.dumps(document, indent=2)
    print()
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
