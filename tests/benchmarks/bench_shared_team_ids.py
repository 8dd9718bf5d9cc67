"""Size of the shared-team-id warnings for a fleet on one Apple team id (stderr bytes).

Prints, for N tenants sharing one team id, the bytes `ixm validate` writes for the warning(s)
(text format). Run it with PYTHONPATH pointing at another checkout to compare.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

import conftest  # noqa: E402,F401  registers ixm_test_helpers
from ixm_test_helpers import make_tenant  # noqa: E402

from ixm_cli import api, output  # noqa: E402
from ixm_cli.manifest.resolve import Workspace  # noqa: E402
from ixm_cli.manifest.tenant import check_tenant  # noqa: E402


def main() -> None:
    for n in (100, 400):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            slugs = [f"t{i:04d}" for i in range(n)]
            for slug in slugs:
                make_tenant(root, slug, {"signing": {"ios": {"team_id": "FLEET12345"}}},
                            images=False)
            ws = Workspace.at(root)
            results = [check_tenant(ws, slug, None, images=False) for slug in slugs]
            warnings = api.shared_team_ids(results)
            public = getattr(output, "public", lambda d: d)  # older checkouts lack it
            text = "".join(public(d).render() + "\n" for d in warnings)
            print(f"{n} tenants on one team id: {len(warnings)} warning(s), "
                  f"{len(text.encode()):,} bytes of stderr")


if __name__ == "__main__":
    main()
