"""Compare two output folders byte for byte and mode for mode (refactors must keep outputs
identical): ``python compare_trees.py OLD NEW`` prints the differences and exits 1 if any."""

from __future__ import annotations

import stat
import sys
from pathlib import Path


def listing(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(root).as_posix(): (stat.S_IMODE(p.lstat().st_mode), p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def main() -> int:
    old, new = (listing(Path(a)) for a in sys.argv[1:3])
    differ = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    for name in sorted(old.keys() - new.keys()):
        print(f"only in old: {name}")
    for name in sorted(new.keys() - old.keys()):
        print(f"only in new: {name}")
    for name in differ:
        what = "mode" if old[name][1] == new[name][1] else "bytes"
        print(f"{what} differ: {name}")
    print(f"{len(old)} files compared: {'identical' if old == new else 'DIFFERENT'}")
    return 0 if old == new else 1


if __name__ == "__main__":
    raise SystemExit(main())
