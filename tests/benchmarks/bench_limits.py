"""Time how fast `ixm validate` refuses hostile manifests (alias bombs, nesting bombs).

    .venv/bin/python tests/benchmarks/bench_limits.py [--runs 5] [--case NAME ...]

The inputs are the ones ``tests/unit/manifest/test_manifest_bombs.py`` proves are refused
(built by its ``hostile_cases()``): a 10 MiB billion laughs and 5 MiB of nesting (refused by
the size limit), and the same attacks shaped to fit just under 1 MiB (refused by the value,
alias and depth bounds); then four sub-1 MiB inputs that are plain YAML but wide (49,000
anchors, 49,000 unknown keys, 20,000 locales × 20,000 texts, 5,000 environments), whose
checking was quadratic before the fuzzing round. For each, ``--runs`` times, it measures

* the library call ``ixm_cli.api.validate`` in this process, and
* the installed console script ``ixm validate`` in a subprocess (interpreter start-up
  included; ``ixm --version`` is timed too, to show what start-up alone costs),

and prints the medians against the issue's bar ("refused in under 2 s each"), plus the peak
memory growth traced by ``tracemalloc`` during one library call (a separate run: tracing
slows Python down, so it is never mixed into the timings).

Not a pytest test: timings belong in a report, not in a pass/fail gate.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from ixm_cli import api

BAR_SECONDS = 2.0
TESTS = Path(__file__).resolve().parents[1]


def _bombs() -> ModuleType:
    """The test module that defines the hostile inputs (its helpers registered first)."""
    sys.path.insert(0, str(TESTS))
    import conftest  # noqa: F401 - registers ixm_test_helpers, which the module imports

    path = TESTS / "unit" / "manifest" / "test_manifest_bombs.py"
    spec = importlib.util.spec_from_file_location("ixm_bombs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Wide:
    """A sub-1 MiB manifest that is valid YAML but wide: work here was once quadratic."""

    text: str
    message: str
    line: int = 0
    col: int = 0

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


def wide_cases() -> dict[str, Callable[[], Wide]]:
    """Inputs that were quadratic before the fuzzing round (see the test_manifest_regressions
    module): anchors, keys, locales × texts, environments. Not bombs, but just as hostile."""
    from ixm_test_helpers import baseline, dump_yaml

    head = "schema: ixm/v1\ntenant: acme\n"
    n = 49_000

    def with_base(**extra: Any) -> str:
        return dump_yaml({**baseline("acme"), **extra})

    return {
        "anchors-49k": lambda: Wide(
            head + "list:\n" + "".join(f"- &a{i} x\n" for i in range(n)), "missing required keys"
        ),
        "unknown-keys-49k": lambda: Wide(
            head + "".join(f"k{i}: x\n" for i in range(n)), "an error per unknown key"
        ),
        "locales-x-texts-20k": lambda: Wide(
            with_base(
                locales=[f"x{i}" for i in range(20_000)],
                app={**baseline("acme")["app"], "name": {f"y{i}": "Acme" for i in range(20_000)}},
            ),
            "an error per locale and per text",
        ),
        "environments-5k": lambda: Wide(
            with_base(environments={f"e{i}": {"app": {"build": i + 1}} for i in range(5_000)}),
            "more than 16 environments",
        ),
    }


def ixm_script() -> Path:
    return Path(sys.executable).parent / "ixm"


def _median(times: list[float]) -> str:
    m = statistics.median(times)
    shown = f"{m * 1000:.2f} ms" if m < 0.01 else f"{m:.3f} s"
    if m < BAR_SECONDS:
        ratio = BAR_SECONDS / m
        return f"{shown} (bar {BAR_SECONDS:g} s: {ratio:,.{1 if ratio < 10 else 0}f}x under)"
    return f"{shown} (bar {BAR_SECONDS:g} s: OVER by {m - BAR_SECONDS:.3f} s)"


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MiB"


def _timed(action: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def _library(root: Path) -> None:
    report = api.validate(tenants_dir=root, tenants=["acme"])
    assert report.failed(), "a hostile manifest passed validation"


def _cli(root: Path) -> None:
    proc = subprocess.run(
        [str(ixm_script()), "validate", "acme", "--tenants", str(root)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-500:])
    assert "Traceback" not in proc.stderr


def _peak(root: Path) -> int:
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        _library(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--case", nargs="*", help="only these cases (default: all)")
    args = parser.parse_args(argv)
    bombs = _bombs()
    cases: dict[str, Callable[[], Any]] = {**bombs.hostile_cases(), **wide_cases()}
    chosen = args.case or list(cases)
    startup = _timed(
        lambda: subprocess.run([str(ixm_script()), "--version"], capture_output=True, check=True),
        args.runs,
    )
    print(
        f"ixm validate refusing hostile manifests; {args.runs} runs each, medians; "
        f"cpus: {os.cpu_count()}; python {sys.version.split()[0]}"
    )
    print(f"  (interpreter start-up, `ixm --version`: {statistics.median(startup):.3f} s)")
    for name in chosen:
        case = cases[name]()
        with tempfile.TemporaryDirectory(prefix="ixm-bench-") as tmp:
            root = Path(tmp) / "tenants"
            (root / "acme").mkdir(parents=True)
            manifest = root / "acme" / "brand.yaml"
            manifest.write_bytes(case.data)
            size = manifest.stat().st_size
            library = _timed(partial(_library, root), args.runs)
            cli = _timed(partial(_cli, root), args.runs)
            peak = _peak(root)
        if case.line:
            verdict = f"refused at {case.line}:{case.col}: {case.message}"
        elif isinstance(case, Wide):
            verdict = f"refused ({case.message})"
        else:
            verdict = f"refused as a whole: {case.message}"
        print(f"{name}: {_size(size)}, {verdict}")
        print(f"  library api.validate   {_median(library)}")
        print(f"  cli     ixm validate   {_median(cli)}")
        print(f"  peak tracemalloc       {_size(peak)} (growth during one library call)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
