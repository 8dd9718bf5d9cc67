"""The one spelling of every JSON file ixm writes, and of its ``--format json`` output.

Sorted keys, two-space indent, UTF-8 text (no ``\\uXXXX`` for non-ASCII), a final newline,
and NaN/infinity refused (``ValueError``) rather than written as invalid JSON: the same data
gives the same bytes whichever module writes it.
"""

from __future__ import annotations

import json
from typing import Any


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
