"""Benchmark: ixm build vs @capacitor/assets, measured in one run on this machine.

    .venv/bin/python tests/benchmarks/bench_build.py [TENANT] [--runs N]

Prints, for one example tenant (default yunzhuding):
- the whole `ixm build` (every platform, bundles, build-info), jobs 1 and 2;
- the asset set alone (plan + render of every icon/splash/favicon), workers 1 and 2;
- @capacitor/assets 3.0.5 (sharp/libvips) generating android+ios+pwa from the SAME tenant
  sources (icon, foreground, background colour, and 2732² splash images composed from the
  tenant's splash logo on its light/dark backgrounds);
- the shared reference workload (the peer's 90 outputs from ../shared/bench/sources), ixm's
  raster engine vs the peer.
Ratios are peer time / ixm time (> 1 means ixm is faster). Medians over --runs runs.
Then, for the reference workload: bytes written by ixm and by the peer, and the PSNR of
every ixm output against a plain one-pass LANCZOS render of the same op (the worst shown).

The peer is installed from the npm registry into $IXM_PEER_DIR (default
~/.cache/ixm-bench-peer) on first use; pass --no-peer to skip it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path, PurePosixPath

from PIL import Image

from ixm_cli import api
from ixm_cli.assets import render_assets
from ixm_cli.colors import rgb
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import asset_sources, check_tenant
from ixm_cli.targets import plan_assets

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_raster import load_workload, reference_quality, run_reference  # noqa: E402

SPLASH = 2732


def shared_dir() -> Path:
    return Path(os.environ.get("IXM_SHARED", REPO.parent / "shared"))


def cpu_seconds() -> float:
    """User + system CPU of this process and every child it has waited for."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def median_time(fn: Callable[[], object], runs: int, cpu: list[float] | None = None) -> float:
    """Median wall seconds; with ``cpu``, the median CPU seconds are appended to it (CPU
    time holds up on a busy machine, where wall time mostly measures the neighbours)."""
    times, cpus = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        fn()
        times.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - start_cpu)
    if cpu is not None:
        cpu.append(statistics.median(cpus))
    return statistics.median(times)


def peer_dir() -> Path:
    return Path(os.environ.get("IXM_PEER_DIR", Path.home() / ".cache" / "ixm-bench-peer"))


def install_peer() -> Path:
    """node_modules/@capacitor/assets, installed offline-capable from the npm registry."""
    folder = peer_dir()
    cli = folder / "node_modules/@capacitor/assets/bin/capacitor-assets"
    if not cli.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared_dir() / "bench/package.json", folder / "package.json")
        print(f"installing @capacitor/assets into {folder} …", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            check=True,
        )
    return cli


def capproj(target: Path, sources: Path | None) -> None:
    """The peer's fixture project; with ``sources``, its assets/ replaced by those files."""
    subprocess.run(
        [sys.executable, str(shared_dir() / "bench/setup_capproj.py"), str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if sources is not None:
        for path in sources.iterdir():
            shutil.copyfile(path, target / "assets" / path.name)


def tenant_sources_for_peer(slug: str, folder: Path) -> None:
    """The tenant's own images in the peer's input names, so both tools get the same art."""
    result = check_tenant(Workspace.at(REPO / "tenants"), slug, None)
    assert result.brand is not None, [d.render() for d in result.diagnostics]
    src = asset_sources(result.brand)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src.icon, folder / "icon-only.png")
    shutil.copyfile(src.icon_foreground or src.icon, folder / "icon-foreground.png")
    if isinstance(src.icon_background, Path):
        shutil.copyfile(src.icon_background, folder / "icon-background.png")
    else:
        Image.new("RGB", (1024, 1024), rgb(src.icon_background)).save(
            folder / "icon-background.png"
        )
    logo = Image.open(src.splash_logo or src.icon_foreground or src.icon).convert("RGBA")
    logo = logo.resize((SPLASH // 4, SPLASH // 4), Image.Resampling.LANCZOS)
    for name, colour in (("splash.png", src.background), ("splash-dark.png", src.dark_background)):
        canvas = Image.new("RGBA", (SPLASH, SPLASH), rgb(colour) + (255,))
        offset = (SPLASH - logo.width) // 2
        canvas.alpha_composite(logo, (offset, offset))
        canvas.convert("RGB").save(folder / name)


def _written_as(path: Path) -> Path:
    """The file the peer wrote for ``path``: its web icons are named ``.webp`` (the bytes
    are PNG all the same: sharp's ``.png()`` wins over the file extension)."""
    if path.is_file():
        return path
    (found,) = path.parent.glob(f"{path.stem}.*")
    return found


def run_peer(
    cli: Path, project_sources: Path | None, runs: int, measure: Sequence[str] = ()
) -> tuple[float, int]:
    """Median wall time of the peer, and the bytes of the ``measure`` files it wrote."""

    def once() -> int:
        with tempfile.TemporaryDirectory() as tmp:
            proj = Path(tmp) / "proj"
            capproj(proj, project_sources)
            start, start_cpu = time.perf_counter(), cpu_seconds()
            subprocess.run(
                ["node", str(cli), "generate", "--pwaNoAppleFetch"],
                cwd=proj,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - start)
            cpus.append(cpu_seconds() - start_cpu)
            return sum(_written_as(proj / rel).stat().st_size for rel in measure)

    times: list[float] = []
    cpus: list[float] = []
    written = 0
    for _ in range(runs):
        written = once()
    last_peer_cpu[:] = [statistics.median(cpus)]
    return statistics.median(times), written


last_peer_cpu: list[float] = []
"""Median CPU seconds of the last :func:`run_peer` (node and libvips threads together)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tenant", nargs="?", default="yunzhuding")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args(argv)
    tenants = REPO / "tenants"
    result = check_tenant(Workspace.at(tenants), args.tenant, None)
    if result.brand is None:
        print("\n".join(d.render() for d in result.diagnostics), file=sys.stderr)
        return 1
    brand = result.brand
    sources = asset_sources(brand)
    jobs = plan_assets(sources, frozenset({"android", "ios", "web", "metadata"}))
    rows: list[tuple[str, float]] = []

    def build(jobs_n: int) -> Callable[[], None]:
        def run() -> None:
            with tempfile.TemporaryDirectory() as tmp:
                api.build(tenants_dir=tenants, out=Path(tmp), tenants=[args.tenant], jobs=jobs_n)

        return run

    def whole(n: int) -> str:
        return f"ixm build {args.tenant} (all platforms), jobs={n}"

    def asset_set(n: int) -> str:
        return f"ixm asset set alone ({len(jobs)} files), workers={n}"

    def workload(n: int) -> str:
        return f"ixm reference workload (90 outputs), workers={n}"

    for n in (1, 2):
        rows.append((whole(n), median_time(build(n), args.runs)))
    for n in (1, 2):
        rows.append(
            (
                asset_set(n),
                median_time(partial(render_assets, jobs, sources, workers=n), args.runs),
            )
        )
    reference_files: dict[PurePosixPath, bytes] = {}
    reference_cpu: list[float] = []
    for n in (1, 2):

        def reference(n: int = n) -> None:
            with tempfile.TemporaryDirectory() as tmp:
                reference_files.update(run_reference(n, Path(tmp)))

        rows.append((workload(n), median_time(reference, args.runs, reference_cpu)))
    peer_tenant = peer_reference = None
    peer_bytes = 0
    entries, reference_sources = load_workload()
    if not args.no_peer:
        cli = install_peer()
        with tempfile.TemporaryDirectory() as tmp:
            tenant_src = Path(tmp) / "src"
            tenant_sources_for_peer(args.tenant, tenant_src)
            peer_tenant, _ = run_peer(cli, tenant_src, args.runs)
        peer_reference, peer_bytes = run_peer(
            cli, None, args.runs, [str(e["path"]) for e in entries]
        )
        rows.append((f"@capacitor/assets on {args.tenant}'s sources", peer_tenant))
        rows.append(("@capacitor/assets reference workload (shared sources)", peer_reference))

    print(f"median of {args.runs} runs, {os.cpu_count()} CPUs, wall seconds")
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds:7.3f}")
    if peer_tenant is not None and peer_reference is not None:
        best = dict(rows)
        print("ratios (peer / ixm; > 1 means ixm is faster):")
        for label, ixm_key, peer in (
            ("whole build, jobs=2 vs peer on tenant", whole(2), peer_tenant),
            ("asset set, workers=2 vs peer on tenant", asset_set(2), peer_tenant),
            ("reference workload, workers=2", workload(2), peer_reference),
            ("reference workload, workers=1", workload(1), peer_reference),
        ):
            print(f"  {label:<40} {peer / best[ixm_key]:6.2f}x")
    if peer_reference is not None and last_peer_cpu:
        peer_cpu = last_peer_cpu[0]
        print("reference workload CPU seconds (user + system, all processes; median):")
        for n, ixm_cpu in zip((1, 2), reference_cpu, strict=True):
            print(f"  ixm workers={n} {ixm_cpu:.3f}, @capacitor/assets {peer_cpu:.3f}, "
                  f"ratio {peer_cpu / ixm_cpu:.2f}x (peer / ixm)")
    ixm_bytes = sum(len(blob) for blob in reference_files.values())
    mib = 1024 * 1024
    print("reference workload output:")
    if peer_bytes:
        print(f"  bytes: ixm {ixm_bytes / mib:.2f} MiB, @capacitor/assets {peer_bytes / mib:.2f} "
              f"MiB, ratio {ixm_bytes / peer_bytes:.2f} (ixm / peer; target <= 1.25)")
    else:
        print(f"  bytes: ixm {ixm_bytes / mib:.2f} MiB")
    scores = reference_quality(reference_files, entries, reference_sources)
    print(f"  PSNR vs a plain LANCZOS render: min {scores[0][0]:.1f} dB ({scores[0][1]}); "
          f"{sum(1 for db, _ in scores if db < 40)} of {len(scores)} outputs below 40 dB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
