"""Time `ixm preview`: one tenant cold and warm, the --watch change-to-reload latency, and the
fleet grid over 300 tenants.

    .venv/bin/python tests/benchmarks/bench_preview.py [--tenant xiwangding] [--runs 5]
                                                       [--fleet 300] [--no-watch]

* **cold**: ``ixm preview TENANT`` as a fresh process (interpreter start-up and imports
  included), and the first ``api.preview`` call in this process (imports done, nothing
  cached).
* **warm**: later ``api.preview`` calls in the same process, as ``--watch`` re-renders after
  a saved manifest edit (the pictures are reused while the image files are unchanged), and
  after an image edit (the pictures are drawn again).
* **watch**: a real ``ixm preview --watch`` subprocess and a real Chromium page (Playwright,
  /usr/bin/chromium); each run writes the manifest (or an image) and times the write to the
  page's next ``load`` event. The issue's target: under 1 s.
* **fleet**: ``ixm preview --all`` over N generated tenants (customers of ``_greentown``,
  each with its own name, ids, colours and 1024 px icon), wall time and page size.

Not a pytest test: timings belong in a report, not in a pass/fail gate.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "tenants"
IXM = Path(sys.executable).with_name("ixm")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TARGET_S = 1.0


def _copy_examples(root: Path) -> Path:
    tenants = root / "tenants"
    shutil.copytree(EXAMPLES, tenants)
    return tenants


def _median(samples: list[float]) -> str:
    return f"median {statistics.median(samples):.3f} s (min {min(samples):.3f}, " \
           f"max {max(samples):.3f}, n={len(samples)})"


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_cold_warm(tenants: Path, tenant: str, runs: int, scratch: Path) -> None:
    from ixm_cli import api

    out = scratch / "sheet.html"
    argv = [str(IXM), "preview", tenant, "--out", str(out), "--tenants", str(tenants)]
    process = [_timed(lambda: subprocess.run(argv, check=True, capture_output=True))
               for _ in range(runs)]
    print(f"cold, fresh process (ixm preview {tenant}):  {_median(process)}")
    first = _timed(lambda: api.preview(tenants_dir=tenants, tenant=tenant, out=out))
    print(f"cold, first call in this process:           {first:.3f} s")
    warm = [_timed(lambda: api.preview(tenants_dir=tenants, tenant=tenant, out=out))
            for _ in range(runs)]
    print(f"warm, manifest edit (pictures reused):       {_median(warm)}")
    icon = _own_icon(tenants, tenant)
    image_edits = []
    for _ in range(runs):
        icon.write_bytes(icon.read_bytes())  # a save: new mtime, same pixels
        image_edits.append(_timed(
            lambda: api.preview(tenants_dir=tenants, tenant=tenant, out=out)))
    print(f"warm, image edit (pictures drawn again):     {_median(image_edits)}")
    size = out.stat().st_size
    print(f"sheet size: {size / 1024:.0f} KiB")


def _own_icon(tenants: Path, tenant: str) -> Path:
    from ixm_cli.manifest.resolve import Workspace
    from ixm_cli.manifest.tenant import check_tenant

    brand = check_tenant(Workspace.at(tenants), tenant, None).brand
    assert brand is not None
    return brand.assets.icon


def bench_watch(tenants: Path, tenant: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    manifest = tenants / tenant / "brand.yaml"
    original = manifest.read_text("utf-8")
    icon = _own_icon(tenants, tenant)
    proc = subprocess.Popen(
        [str(IXM), "preview", tenant, "--watch", "--tenants", str(tenants)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    stream = proc.stderr
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    try:
        url = ""
        while not url:
            found = re.search(r"http://127\.0\.0\.1:\d+/", lines.get(timeout=60))
            url = found.group(0) if found else ""
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url, wait_until="load")
            text_edits, image_edits = [], []
            for i in range(runs):
                start = time.perf_counter()
                with page.expect_event("load", timeout=15_000):
                    manifest.write_text(original + f"# edit {i}\n", encoding="utf-8")
                text_edits.append(time.perf_counter() - start)
            for _ in range(runs):
                start = time.perf_counter()
                with page.expect_event("load", timeout=15_000):
                    icon.write_bytes(icon.read_bytes())
                image_edits.append(time.perf_counter() - start)
            browser.close()
        verdict = "meets" if statistics.median(text_edits) < TARGET_S else "misses"
        print(f"watch, manifest save -> page reloaded:     {_median(text_edits)} "
              f"({verdict} the {TARGET_S:.0f} s target)")
        verdict = "meets" if statistics.median(image_edits) < TARGET_S else "misses"
        print(f"watch, image save -> page reloaded:        {_median(image_edits)} "
              f"({verdict} the {TARGET_S:.0f} s target)")
    finally:
        manifest.write_text(original, encoding="utf-8")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def bench_fleet(root: Path, count: int) -> None:
    from PIL import Image, ImageDraw

    tenants = root / "fleet"
    shutil.copytree(EXAMPLES / "_greentown", tenants / "_greentown")
    for i in range(count):
        slug = f"customer-{i:03d}"
        hue = (i * 47) % 360
        primary = _hsl_hex(hue)
        folder = tenants / slug
        (folder / "assets").mkdir(parents=True)
        # Each customer its own icon, as in the acme: thumbnails are not shared.
        icon = Image.new("RGB", (1024, 1024), primary)
        ImageDraw.Draw(icon).ellipse((300, 300, 724, 724), fill="#FFFFFF")
        icon.save(folder / "assets" / "icon.png")
        (folder / "brand.yaml").write_text(
            "schema: ixm/v1\n"
            f"tenant: {slug}\n"
            "extends: ../_greentown/brand.yaml\n"
            f"app: {{name: {{zh-Hans: 客户{i}, en: Customer {i}}}, version: 1.0.0, build: 1}}\n"
            f"ids: {{android: com.customer.c{i:03d}, ios: com.customer.c{i:03d}}}\n"
            f"colors: {{primary: '{primary}', on_primary: '#FFFFFF'}}\n"
            "assets: {icon: assets/icon.png}\n"
            f"endpoints: {{api: https://api.c{i:03d}.example}}\n",
            encoding="utf-8",
        )
    out = root / "fleet.html"
    argv = [str(IXM), "preview", "--all", "--out", str(out), "--tenants", str(tenants)]
    wall = _timed(lambda: subprocess.run(argv, capture_output=True))
    print(f"fleet grid, {count} tenants (ixm preview --all): {wall:.2f} s, "
          f"{out.stat().st_size / 1024:.0f} KiB, {os.cpu_count()} CPUs")


def _hsl_hex(hue: int) -> str:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(hue / 360, 0.32, 0.7)  # dark enough for white text
    return "#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in (r, g, b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenant", default="xiwangding")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fleet", type=int, default=300)
    parser.add_argument("--no-watch", action="store_true", help="skip the browser part")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ixm-bench-preview-") as tmp:
        root = Path(tmp)
        tenants = _copy_examples(root)
        bench_cold_warm(tenants, args.tenant, args.runs, root)
        if not args.no_watch:
            bench_watch(tenants, args.tenant, args.runs)
        if args.fleet:
            bench_fleet(root, args.fleet)


if __name__ == "__main__":
    main()
