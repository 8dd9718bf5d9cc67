"""What the designer checks of issue 9 cost: the sibling scan for duplicate ids, and the
safe-zone/silhouette measurements.

    .venv/bin/python tests/benchmarks/bench_checks.py [--siblings 1000] [--runs 3]

``ixm validate acme`` compares acme's ids with every sibling under tenants/. The siblings
are not validated for that: their files are searched for the ids as text and only a file
that contains one is read as YAML (``ixm_cli/manifest/fleet.py``). This prints, as medians:

* validating acme alone, and with ``--siblings`` siblings (the scan's real cost),
* what reading and merging every sibling's chain would cost instead (the naive scan),
* what fully checking every sibling would cost (``validate --all`` without images),
* the safe-zone and silhouette measurements of a 1024 px foreground and monochrome layer,
  next to the decode that ``checks.check_image`` already does for each.

Not a pytest test: timings belong in a report, not in a pass/fail gate.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import conftest  # noqa: E402,F401 - registers ixm_test_helpers
from bench_build import median_time  # noqa: E402
from ixm_test_helpers import layer_png, make_tenant  # noqa: E402

from ixm_cli import api  # noqa: E402
from ixm_cli.assets import safezone  # noqa: E402
from ixm_cli.assets.checks import check_image  # noqa: E402
from ixm_cli.manifest import fleet, tenant  # noqa: E402
from ixm_cli.manifest.resolve import Workspace, load_chain, merge_chain  # noqa: E402
from ixm_cli.manifest.tenant import check_all_environments, check_tenant  # noqa: E402


def median(fn: Callable[[], object], runs: int) -> float:
    def run() -> None:
        fn()

    return median_time(run, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--siblings", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        alone, crowd = Path(tmp) / "alone", Path(tmp) / "crowd"
        for root in (alone, crowd):
            root.mkdir()
            make_tenant(root, "acme")
        for i in range(args.siblings):
            make_tenant(crowd, f"t{i:05d}", images=False)
        ws = Workspace.at(crowd)
        slugs = [s for s in ws.discover() if s != "acme"]

        acme = check_all_environments(ws, "acme")

        def validate(root: Path) -> object:
            tenant._image_findings.cache_clear()  # each run decodes, as a fresh `ixm validate`
            return api.validate(tenants_dir=root, tenants=["acme"])

        t_alone = median(lambda: validate(alone), args.runs)
        t_fleet = median(lambda: validate(crowd), args.runs)
        scan = median(lambda: fleet.duplicate_ids(ws, acme), args.runs)
        t_naive = median(lambda: [merge_chain(load_chain(ws, s)) for s in slugs], 1)
        t_full = median(lambda: [check_tenant(ws, s, None, images=False) for s in slugs], 1)
        n = max(args.siblings, 1)
        print(f"validate acme alone:                   {t_alone * 1000:9.1f} ms")
        print(f"validate acme among {n} siblings:   {t_fleet * 1000:9.1f} ms")
        print(f"  of which the sibling scan:           {scan * 1000:9.1f} ms "
              f"({scan / n * 1e6:.0f} µs a sibling)")
        print(f"read + merge every sibling instead:    {t_naive * 1000:9.1f} ms "
              f"({t_naive / scan:.0f}x the scan)")
        print(f"fully check every sibling (no images): {t_full * 1000:9.1f} ms "
              f"({t_full / scan:.0f}x the scan)")

        layer = Path(tmp) / "fg.png"
        layer.write_bytes(layer_png(0.40))
        t_decode = median(lambda: check_image("icon_foreground", layer), args.runs * 3)
        t_zone = median(lambda: safezone.check_layers(layer, layer), args.runs * 3)
        print(f"check_image (header + full decode), 1024 px: {t_decode * 1000:6.1f} ms")
        print(f"safe zone + silhouette of that layer:        {t_zone * 1000:6.1f} ms  "
              f"({t_zone / t_decode:.1f}x check_image)")


if __name__ == "__main__":
    main()
