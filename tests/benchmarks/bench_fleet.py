"""Fleet builds: N synthetic customers of the example partner, each with its own icon.

For each size (default 1, 100, 1000) it prints, one run each:
  cold           every tenant built, no cache
  warm no-op     the same again (every tenant is up to date)
  one changed    one tenant's name edited
  warm images    a cold build into a new --out with the image cache already filled
  jobs 1 vs 2    cold builds with --jobs 1 and --jobs 2, and their ratio
and the peak RSS of the whole process tree (the largest of ixm and its workers, from
getrusage of the waited-for children).

    .venv/bin/python tests/benchmarks/bench_fleet.py [--sizes 1,100] [--skip-jobs]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[2]
IXM = Path(sys.executable).with_name("ixm")

MANIFEST = """\
schema: ixm/v1
tenant: {slug}
extends: ../_greentown/brand.yaml
app:
  name: {{zh-Hans: 客户{i}钉, en: Customer {i} Ding}}
  short_name: {{zh-Hans: 客户{i}, en: Cust {i}}}
  version: 1.0.{i}
  build: {build}
ids:
  android: com.reseller.c{i}
  ios: com.reseller.c{i}
endpoints:
  api: https://api.c{i}.example
assets:
  icon: assets/icon.png
"""


def fleet(root: Path, count: int) -> list[str]:
    tenants = root / "tenants"
    tenants.mkdir(parents=True)
    shutil.copytree(REPO / "tenants" / "_greentown", tenants / "_greentown")
    slugs = []
    for i in range(count):
        slug = f"c{i:04d}"
        folder = tenants / slug
        (folder / "assets").mkdir(parents=True)
        (folder / "brand.yaml").write_text(MANIFEST.format(slug=slug, i=i, build=i + 1), "utf-8")
        image = Image.new("RGB", (1024, 1024), (20 + i * 37 % 200, 90, 160 - i * 13 % 120))
        ImageDraw.Draw(image).ellipse((256, 256, 768, 768), fill=(250, 250, 250))
        image.save(folder / "assets" / "icon.png")
        slugs.append(slug)
    (root / "ixm.toml").write_text('tenants = "tenants"\nout = "dist"\n')
    return slugs


def timed(root: Path, *args: str) -> float:
    start = time.perf_counter()
    result = subprocess.run([str(IXM), "build", "--all", *args], cwd=root,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--skip-jobs", action="store_true", help="no --jobs 1 vs 2 run")
    args = parser.parse_args()
    for count in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            slugs = fleet(root, count)
            cold = timed(root, "--jobs", "2")
            noop = timed(root, "--jobs", "2")
            manifest = root / "tenants" / slugs[-1] / "brand.yaml"
            manifest.write_text(manifest.read_text("utf-8").replace("Customer", "Client"))
            changed = timed(root, "--jobs", "2")
            (root / "ixm.toml").write_text(
                'tenants = "tenants"\nout = "dist"\ncache = ".ixm-cache"\n')
            timed(root, "--jobs", "2", "--out", "fill")
            warm = timed(root, "--jobs", "2", "--out", "warm")
            print(f"{count} tenants (--jobs 2):")
            print(f"  cold          {cold:8.2f} s  ({cold / count:.3f} s per tenant)")
            print(f"  warm no-op    {noop:8.2f} s")
            print(f"  one changed   {changed:8.2f} s  ({changed / (cold / count):.2f}x one "
                  "cold tenant)")
            print(f"  warm images   {warm:8.2f} s  ({cold / warm:.2f}x faster than cold)")
            if not args.skip_jobs:
                (root / "ixm.toml").write_text('tenants = "tenants"\nout = "dist"\n')
                one = timed(root, "--jobs", "1", "--out", "j1")
                two = timed(root, "--jobs", "2", "--out", "j2")
                print(f"  --jobs 1      {one:8.2f} s\n  --jobs 2      {two:8.2f} s  "
                      f"({one / two:.2f}x)")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of the largest ixm process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
