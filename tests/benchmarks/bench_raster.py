"""Time ixm's raster engine on the @capacitor/assets reference workload (90 outputs).

    /tmp/venv/bin/python tests/benchmarks/bench_raster.py [--runs 5]

Renders every entry of ``shared/bench/reference_workload.json`` from ``shared/bench/sources``
into a fresh temporary directory, ``--runs`` times for workers=1 and workers=2, and prints the
median wall time (render + write) and MiB written. ``shared/`` is found beside the repository
(override with ``IXM_SHARED``). The peer's own figure is in ``shared/bench/README.md``;
``bench_build.py`` imports :func:`run_reference` to time both side by side.

Not a pytest test: timings belong in a report, not in a pass/fail gate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ixm_cli.assets.raster import render_reference


def shared_dir() -> Path:
    env = os.environ.get("IXM_SHARED")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2].parent / "shared"


def load_workload() -> tuple[list[dict[str, object]], Path]:
    bench = shared_dir() / "bench"
    data = json.loads((bench / "reference_workload.json").read_text(encoding="utf-8"))
    return list(data["outputs"]), bench / "sources"


def run_reference(workers: int, out: Path) -> None:
    """Render the reference workload with ``workers`` processes and write it under ``out``."""
    entries, sources = load_workload()
    files = render_reference(entries, sources, workers=workers)
    for rel, blob in files.items():
        dest = out.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(blob)


def _written(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args(argv)
    print(f"reference workload: {shared_dir() / 'bench'}  cpus: {os.cpu_count()}")
    for workers in args.workers:
        times: list[float] = []
        count = size = 0
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="ixm-bench-") as tmp:
                start = time.perf_counter()
                run_reference(workers, Path(tmp))
                times.append(time.perf_counter() - start)
                count, size = _written(Path(tmp))
        print(
            f"workers={workers}: median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs), "
            f"{count} files, {size / (1024 * 1024):.2f} MiB written"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
