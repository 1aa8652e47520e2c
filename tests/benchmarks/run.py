"""make bench: run every benchmark in its own process, print one table, write it as JSON.

python -m tests.benchmarks.run [--quick] [--only launch,history,throughput,storm,pe_hang,catalogue]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tests.benchmarks.common import RESULTS, ROOT

PLAN = [
    ("launch", "sqlite"),
    ("launch", "postgres"),
    ("history", "sqlite"),
    ("history", "postgres"),
    ("throughput", "postgres"),
    ("storm", "postgres"),
    ("pe_hang", "postgres"),
    ("catalogue", "sqlite"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="history at 1,000 and 20,000 jobs only")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    args = parser.parse_args()
    sizes = "1000,20000" if args.quick else "1000,100000,1000000"
    only = set(filter(None, args.only.split(",")))
    RESULTS.mkdir(exist_ok=True)
    rows = []
    for name, database in PLAN:
        if only and name not in only:
            continue
        print(f"== {name} on {database}", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, "-m", f"tests.benchmarks.{name}", "--database", database]
            command += ["--sizes", sizes, "--output", out.name]
            result = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
            if result.returncode != 0:
                print(f"   {name} on {database} failed (exit {result.returncode})", flush=True)
                continue
            rows.extend(json.loads(Path(out.name).read_text()))
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "rows": rows,
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print_table(rows)
    print(f"\nWritten to {RESULTS / 'latest.json'}")
    failed = [row for row in rows if row["ok"] is False]
    return 1 if failed else 0


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'benchmark':<11} {'case':<52} {'db':<8} {'size':>9} {'median ms':>10} {'spread':>15} {'ratio':>7}  target"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for row in rows:
        size = f"{row['size']:,}" if row["size"] else ""
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else ""
        verdict = {True: "ok", False: "MISSED", None: ""}[row["ok"]]
        median = f"{row['median_ms']:.2f}" if row["median_ms"] is not None else ""
        target = f"{row['target']} {verdict}".strip()
        print(
            f"{row['benchmark']:<11} {row['case'][:52]:<52} {row['database']:<8} {size:>9} {median:>10} "
            f"{row['spread_ms']:>15} {ratio:>7}  {target}"
        )


if __name__ == "__main__":
    sys.exit(main())
