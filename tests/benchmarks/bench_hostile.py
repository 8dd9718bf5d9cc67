"""How fast hostile image sources are refused, and what honest maximal sources cost.

    .venv/bin/python tests/benchmarks/bench_hostile.py [--src DIR] [--timeout 120] [--skip-large]

Every file is generated here, deterministically (``tests/hostile_images.py``), at the size
limits: 20 MiB raster files, 8192 px sources. Each measurement runs ``ixm_cli.api`` in a
fresh Python process (caches cold, interpreter start excluded), so ``--src`` can point the
same script at another checkout (e.g. ``git worktree add /tmp/main main``) for a before /
after comparison; a run past ``--timeout`` seconds is killed and printed as such.

1. **Refusal time** of ``validate`` for each hostile source (target: ≤ 2 s each):
   scan-padded progressive JPEG, text-chunk-flooded PNG, empty-IDAT-flooded PNG, and the
   SVG attacks (billion laughs, 100k nodes, nested ``<use>``, external href).
2. **16 environments**: ``validate`` of a tenant with four distinct 4096 px sources and the
   maximum of 16 environment overlays, against the same tenant with none (target ratio ≈ 1:
   each source decoded once, not once per environment).
3. **8192 px sources**: ``build`` of a tenant whose four image roles are distinct 8192 px
   RGBA PNGs, with ``--jobs 1`` and ``--jobs 2``: wall time and the peak RSS of the main
   process and of the largest worker (target: ≤ 600 MiB per process).

Not a pytest test: timings belong in a report, not in a pass/fail gate.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
import conftest  # noqa: E402,F401 - registers ixm_test_helpers
import hostile_images as hostile  # noqa: E402
from ixm_test_helpers import make_tenant, set_manifest  # noqa: E402

BAR_SECONDS = 2.0
BAR_RSS_MIB = 600
LIMIT = 20 * hostile.MiB - 64 * 1024  # just under the 20 MiB byte limit

_DRIVER = textwrap.dedent("""
    import json, resource, sys, time
    src, call, kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if src:
        sys.path.insert(0, src)
    from pathlib import Path
    from ixm_cli import api
    from ixm_cli.errors import IxmError
    for key in ("tenants_dir", "out"):
        if key in kwargs:
            kwargs[key] = Path(kwargs[key])
    start, cpu = time.perf_counter(), time.process_time()
    try:
        if call == "validate":
            found = api.validate(**kwargs).diagnostics()
        else:
            report = api.build(**kwargs)
            found = list(report.failures)
    except IxmError as exc:
        found = list(exc.diagnostics)
    wall = time.perf_counter() - start
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": time.process_time() - cpu, "rss": me,
                      "child_rss": kids, "errors": [d.render() for d in found
                                                    if d.severity.value == "error"]}))
""")


def run(src: str, call: str, timeout: float, **kwargs: Any) -> dict[str, Any] | None:
    """One api call in a fresh interpreter; None when it ran past ``timeout``."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _DRIVER, src, call, json.dumps(kwargs, default=str)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise SystemExit(f"{call} crashed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    return result


def _tenant(root: Path, slug: str, icon: str, data: bytes | str) -> None:
    manifest = make_tenant(root, slug, {"assets": {"icon": icon}})
    target = manifest.parent / icon
    if isinstance(data, str):
        target.write_text(data, encoding="utf-8")
    else:
        target.write_bytes(data)


def refusals(work: Path, src: str, timeout: float) -> None:
    cases: dict[str, tuple[str, bytes | str]] = {
        "scan-padded progressive JPEG": ("assets/icon.jpg", hostile.scan_padded_jpeg(LIMIT)),
        "tEXt-flooded PNG": ("assets/icon.png", hostile.chunk_flooded_png(LIMIT)),
        "empty-IDAT-flooded PNG": ("assets/icon.png",
                                   hostile.chunk_flooded_png(LIMIT, empty_idat=True)),
        "SVG billion laughs": ("assets/icon.svg", hostile.svg_billion_laughs()),
        "SVG 100k nodes": ("assets/icon.svg", hostile.svg_many_nodes()),
        "SVG nested <use> bomb": ("assets/icon.svg", hostile.svg_use_bomb()),
        "SVG external href": ("assets/icon.svg", hostile.svg_external_href()),
    }
    print(f"1. refusal time of `validate` (target ≤ {BAR_SECONDS:g} s each)")
    print(f"   {'source':32} {'size':>9} {'wall':>8} {'cpu':>8}  verdict")
    for i, (name, (icon, data)) in enumerate(cases.items()):
        root = work / f"refuse{i}"
        root.mkdir()
        _tenant(root, "acme", icon, data)
        size = len(data) / hostile.MiB
        got = run(src, "validate", timeout, tenants_dir=root, tenants=["acme"])
        if got is None:
            print(f"   {name:32} {size:7.2f}Mi {'>' + str(int(timeout)) + ' s':>8}")
            continue
        icon_errors = [e for e in got["errors"] if "assets.icon" in e]
        verdict = (icon_errors[0].split("error[assets.icon]: ")[-1].splitlines()[0]
                   if icon_errors else "ACCEPTED")
        mark = "ok" if got["wall"] <= BAR_SECONDS and icon_errors else "MISSED"
        print(f"   {name:32} {size:7.2f}Mi {got['wall']:7.2f}s {got['cpu']:7.2f}s  "
              f"{mark}: {verdict[:70]}")


def environments(work: Path, src: str, timeout: float) -> None:
    print("2. `validate` with 16 environments vs none (four distinct 4096 px PNG sources)")
    roles = ("icon", "icon_foreground", "icon_monochrome", "splash_logo")
    files = {role: hostile.large_png(4096, shade=20 * i) for i, role in enumerate(roles)}
    timings = {}
    for label, count in (("none", 0), ("16 environments", 15)):
        root = work / f"envs{count}"
        root.mkdir()
        manifest = make_tenant(root, "acme", {"assets": {r: f"assets/{r}.png" for r in roles}})
        for role, data in files.items():
            (manifest.parent / "assets" / f"{role}.png").write_bytes(data)
        overlays = {f"env{i:02d}": {"app": {"name": {"en": f"Acme {i}"}}} for i in range(count)}
        # the baseline has a staging overlay: "none" drops it, "16" adds 15 to it
        set_manifest(manifest, {"environments": overlays or {"staging": {}}})
        if count == 0:
            text = manifest.read_text("utf-8").replace("environments:\n  staging: {}\n", "")
            manifest.write_text(text, encoding="utf-8")
        got = run(src, "validate", timeout, tenants_dir=root, tenants=["acme"])
        timings[label] = got
        shown = "timeout" if got is None else f"{got['wall']:6.2f} s wall {got['cpu']:6.2f} s cpu"
        print(f"   {label:18} {shown}")
    base, many = timings["none"], timings["16 environments"]
    if base and many:
        print(f"   ratio 16 envs / none: {many['wall'] / base['wall']:.2f}× wall, "
              f"{many['cpu'] / base['cpu']:.2f}× cpu (target ≈ 1×; before: every environment "
              "decoded every source again)")


def large(work: Path, src: str, timeout: float) -> None:
    print(f"3. `build` with four distinct 8192 px RGBA PNG sources (target ≤ {BAR_RSS_MIB} MiB "
          "per process)")
    roles = ("icon", "icon_foreground", "icon_monochrome", "splash_logo")
    root = work / "large"
    root.mkdir()
    manifest = make_tenant(root, "acme", {"assets": {r: f"assets/{r}.png" for r in roles}})
    for i, role in enumerate(roles):
        data = hostile.large_png(8192, shade=20 * i)
        (manifest.parent / "assets" / f"{role}.png").write_bytes(data)
    print(f"   sources: {len(data) / hostile.MiB:.1f} MiB each")
    for jobs in (1, 2):
        got = run(src, "build", timeout, tenants_dir=root, out=work / f"dist{jobs}",
                  tenants=["acme"], jobs=jobs)
        if got is None:
            print(f"   --jobs {jobs}: timeout")
            continue
        worst = max(got["rss"], got["child_rss"])
        mark = "ok" if worst <= BAR_RSS_MIB and not got["errors"] else "OVER"
        print(f"   --jobs {jobs}: {got['wall']:6.2f} s wall {got['cpu']:6.2f} s cpu, "
              f"peak RSS main {got['rss']:5.0f} MiB, "
              f"largest worker {got['child_rss']:5.0f} MiB  {mark}"
              + (f"  errors: {got['errors'][:1]}" if got["errors"] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", default="", help="a checkout whose ixm_cli to measure")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--skip-large", action="store_true", help="skip part 3 (slow)")
    args = parser.parse_args()
    print(f"ixm_cli from: {args.src or 'the installed package'}")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        work = Path(tmp)
        refusals(work, args.src, args.timeout)
        environments(work, args.src, args.timeout)
        if not args.skip_large:
            large(work, args.src, args.timeout)


if __name__ == "__main__":
    main()
