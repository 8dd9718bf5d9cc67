"""The render phase of one tenant (platform base, templates, tenant.json, overrides; no
images), before and after the in-memory build, measured in one run.

"Before" is ixm at ``--before`` (default: the last commit before the in-memory refactor),
unpacked from git into a scratch folder and run with the same Python: it rendered through
cookiecutter's ``generate_files`` into a stage on disk. "After" is this checkout: the same
layers as trees in memory. Each side runs in its own interpreter, warms up once, then takes
the median of ``--runs``.

    .venv/bin/python tests/benchmarks/bench_render.py [--tenant yunzhuding] [--runs 15]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BEFORE = "756c048"  # the last commit that rendered with generate_files into a stage

COMMON = """
import json, statistics, sys, tempfile, time
from pathlib import Path
from ixm_cli.manifest.resolve import Workspace
from ixm_cli.manifest.tenant import check_tenant
tenants, slug, runs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
brand = check_tenant(Workspace.at(tenants), slug, None, images=False).brand
P = frozenset({"android", "ios", "web"})
def measure(once):
    once()
    times = []
    for _ in range(runs):
        t = time.perf_counter(); files = once(); times.append(time.perf_counter() - t)
    print(json.dumps({"median": statistics.median(times), "files": files}))
"""

OLD = COMMON + """
import shutil
from ixm_cli import overrides
from ixm_cli.build import _copy_base, _lay_override, _within, templates_root
from ixm_cli.render import render_template
from ixm_cli.targets import default_registry, template_view
from ixm_cli.view import brand_view
scratch = Path(tempfile.mkdtemp())
def once():
    stage = scratch / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    root = templates_root()
    targets = default_registry().selected(P)
    layers = overrides.collect(brand.manifests, P)
    view = template_view(brand_view(brand), brand, targets)
    for t in targets:
        for base, into in t.base:
            _copy_base(root / base, _within(stage, into))
        for r in t.renders(brand, P):
            render_template(root / r.template, _within(stage, r.into), r.variables, view)
    for layer in layers:
        _lay_override(layer, stage)
    return sum(1 for p in stage.rglob("*") if p.is_file())
measure(once)
"""

NEW = COMMON + """
from ixm_cli import overrides
from ixm_cli.build import override_layer, text_layers
from ixm_cli.targets import Registry
from ixm_cli.tree import overlay
registry = Registry.installed()
def once():
    targets = registry.selected(P)
    laid = overrides.collect(brand.manifests, P, registry.override_folders())
    base, templates = text_layers(brand, targets, P)
    return len(overlay([base, templates, override_layer(laid)]))
measure(once)
"""


def unpack(ref: str, dest: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def run(code: str, tenants: Path, slug: str, runs: int, path: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = str(path)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), str(tenants), slug, str(runs)],
        capture_output=True, text=True, env=env, check=False, cwd=tempfile.gettempdir(),
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    found: dict[str, float] = json.loads(result.stdout.splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenant", default="yunzhuding")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", default=BEFORE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        old_tree = unpack(args.before, Path(scratch) / "before")
        # Both sides read the same tenants (this checkout's examples).
        tenants = REPO / "tenants"
        old = run(OLD, tenants, args.tenant, args.runs, old_tree)
        new = run(NEW, tenants, args.tenant, args.runs, None)
    print(f"render phase of {args.tenant} (base + templates + tenant.json + overrides, "
          f"android/ios/web, median of {args.runs}):")
    print(f"  before ({args.before}, generate_files into a stage): {old['median'] * 1000:8.1f} ms"
          f"  ({old['files']:.0f} files)")
    print(f"  after (in memory):                              {new['median'] * 1000:8.1f} ms"
          f"  ({new['files']:.0f} files)")
    print(f"  speed-up: {old['median'] / new['median']:.2f}x")


if __name__ == "__main__":
    main()
