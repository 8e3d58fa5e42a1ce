"""Ingest speed and memory: the shared real CSVs, then a generated 50 MB paste.

Each case runs in its own process so its peak RSS is its own. Usage:

    .venv/bin/python bench/ingest.py            # all cases
    .venv/bin/python bench/ingest.py --mb 50    # size of the generated paste
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, peak_rss_mb, print_table  # noqa: E402

CSV_FILES = ["banki_reviews_themes.csv", "housing_feedback_categories.csv", "banki_reviews_unlabelled.csv"]


def write_paste(path: Path, mb: float) -> None:
    """Write a transcript-like paste of `mb` MB: real review sentences recombined into turns.

    Written in pieces so this (parent) process stays small: Linux keeps a parent's peak RSS in
    the children it starts, which would hide theirs.
    """
    import csv

    sentences: list[str] = []
    for name in CSV_FILES:
        source = SHARED_DATA / name
        if source.exists():
            with source.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    sentences.extend(s.strip() + "." for s in row["text"].split(".") if len(s.strip()) > 20)
    if not sentences:
        sentences = ["Карту ждала три недели, курьер два раза переносил доставку."]
    rng = random.Random(0)
    limit = int(mb * 1024 * 1024)
    size = 0
    with path.open("w", encoding="utf-8") as out:
        while size < limit:
            turn = f"Интервьюер: {rng.choice(sentences)}\nКлиент: {' '.join(rng.choices(sentences, k=3))}\n"
            out.write(turn)
            size += len(turn.encode())


def run_case(case: str, mb: float, paste: Path | None) -> dict[str, object]:
    """Run one case in this process and return its figures."""
    from scenarios.stages.ingest import IngestOptions, add_paths, add_stream
    from scenarios.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.db") as store:
            if case == "paste":
                assert paste is not None
                size = paste.stat().st_size
                base = peak_rss_mb()
                start = time.perf_counter()
                with paste.open("rb") as stream:  # as `scenarios add < paste.txt` reads stdin
                    report = add_stream(store, stream, options=IngestOptions(max_mb=max(100, mb * 2)))
            else:
                path = SHARED_DATA / case
                size = path.stat().st_size
                base = peak_rss_mb()
                start = time.perf_counter()
                report = add_paths(store, [path])
            seconds = time.perf_counter() - start
            fragments = store.count("fragments")
    return {
        "input": case if case != "paste" else f"paste {mb:g} MB",
        "MB": f"{size / 2**20:.1f}",
        "stories": report.added,
        "fragments": fragments,
        "seconds": f"{seconds:.2f}",
        "stories/s": f"{report.added / seconds:.0f}",
        "MB/s": f"{size / 2**20 / seconds:.2f}",
        "RSS at start MB": f"{base:.0f}",
        "peak RSS MB": f"{peak_rss_mb():.0f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the generated paste")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--paste", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.mb, args.paste), ensure_ascii=False))
        return
    cases = [name for name in CSV_FILES if (SHARED_DATA / name).exists()] + ["paste"]
    if len(cases) == 1:
        print(f"note: {SHARED_DATA} not found; only the generated paste is measured", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paste = Path(tmp) / "paste.txt"
        write_paste(paste, args.mb)
        for case in cases:
            command = [sys.executable, __file__, "--case", case, "--mb", str(args.mb), "--paste", str(paste)]
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
    print_table(rows)
    print("stories/s counts stories stored; a paste over 1 M characters is stored as numbered parts.")


if __name__ == "__main__":
    main()
