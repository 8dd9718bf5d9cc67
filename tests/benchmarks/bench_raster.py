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
import io
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from PIL import Image, ImageChops, ImageDraw

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


def run_reference(workers: int, out: Path) -> dict[PurePosixPath, bytes]:
    """Render the reference workload with ``workers`` processes and write it under ``out``."""
    entries, sources = load_workload()
    files = render_reference(entries, sources, workers=workers)
    for rel, blob in files.items():
        dest = out.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(blob)
    return files


# --------------------------------------------------------------------------- quality


def plain_lanczos(entry: Mapping[str, object], sources: Path) -> Image.Image:
    """The entry rendered the plain way, as the quality yardstick: the whole source decoded
    to RGBA and resized in one LANCZOS pass (no pre-reduction, no composition), then the
    op's border, circle or white matte. Premultiplied ``RGBa``, so transparent pixels
    compare equal whatever colour they carry."""
    w, h = int(str(entry["width"])), int(str(entry["height"]))
    op = str(entry["op"])
    with Image.open(sources / str(entry["source"])) as src:
        im = src.convert("RGBA")
    art = (w - 16, h - 16) if op == "legacy" else (w, h)
    sw, sh = im.size
    s = max(art[0] / sw, art[1] / sh)
    rw, rh = art[0] / s, art[1] / s
    box = ((sw - rw) / 2, (sh - rh) / 2, (sw + rw) / 2, (sh + rh) / 2)
    im = im.resize(art, Image.Resampling.LANCZOS, box=box)
    if op == "legacy":
        canvas = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        canvas.paste(im, (8, 8))
        im = canvas
    elif op == "round":
        mask = Image.new("L", (w * 4, h * 4), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, w * 4 - 1, h * 4 - 1), fill=255)
        im.putalpha(ImageChops.multiply(im.getchannel("A"), mask.reduce(4)))
    elif op == "flatten":
        im = Image.alpha_composite(Image.new("RGBA", (w, h), (255, 255, 255, 255)), im)
    return im.convert("RGBa")


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio in dB over every channel of two same-size images."""
    hist = ImageChops.difference(a, b).histogram()
    bands = len(hist) // 256
    sse = sum(count * (i % 256) ** 2 for i, count in enumerate(hist))
    mse = sse / (a.size[0] * a.size[1] * bands)
    return math.inf if mse == 0 else 10 * math.log10(255 * 255 / mse)


def reference_quality(
    files: Mapping[PurePosixPath, bytes], entries: Sequence[Mapping[str, object]],
    sources: Path,
) -> list[tuple[float, str]]:
    """(PSNR against :func:`plain_lanczos`, path) for every output, worst first."""
    scores = []
    for entry in entries:
        path = PurePosixPath(str(entry["path"]))
        with Image.open(io.BytesIO(files[path])) as im:
            ours = im.convert("RGBA").convert("RGBa")
        scores.append((psnr(ours, plain_lanczos(entry, sources)), str(path)))
    return sorted(scores)


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
    entries, sources = load_workload()
    with tempfile.TemporaryDirectory(prefix="ixm-bench-") as tmp:
        files = run_reference(1, Path(tmp))
    scores = reference_quality(files, entries, sources)
    print(f"PSNR vs a plain LANCZOS render: min {scores[0][0]:.1f} dB ({scores[0][1]}), "
          f"{sum(1 for db, _ in scores if db < 40)} of {len(scores)} outputs below 40 dB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
