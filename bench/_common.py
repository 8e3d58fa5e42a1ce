"""Helpers shared by the benchmarks: where the data is, peak memory, tables."""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SCENARIOS_SHARED_DATA", ROOT.parent / "shared" / "data"))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def require_shared_data() -> Path:
    """The shared data folder, or exit with a note when it is absent."""
    if not SHARED_DATA.is_dir():
        print(f"skipped: {SHARED_DATA} not found", file=sys.stderr)
        raise SystemExit(0)
    return SHARED_DATA


def print_table(rows: list[dict[str, object]]) -> None:
    """A plain aligned table that reads well in a terminal and in a CI log."""
    if not rows:
        return
    headers = list(dict.fromkeys(h for r in rows for h in r))  # rows may add columns of their own
    cells = [[str(r.get(h, "—")) for h in headers] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)))
