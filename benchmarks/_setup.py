"""Shared start-up of the benchmarks: Django with the test settings and a throw-away database."""

import os
import statistics
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


@contextmanager
def throwaway_database():
    """A database of its own, so a benchmark never touches the test suite's.

    Named ``<database>_bench_<script>``, or ``$WAGTAIL_GDPR_BENCH_DATABASE`` when it is set.
    """
    connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        script = Path(sys.argv[0]).stem or "bench"
        # WAGTAIL_GDPR_BENCH_DATABASE names it; otherwise it is named after the configured
        # database, so people sharing a server never meet.
        base = connection.settings_dict["NAME"]
        name = os.environ.get("WAGTAIL_GDPR_BENCH_DATABASE") or f"{base}_bench_{script}"
        connection.settings_dict["TEST"]["NAME"] = name
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    """Start the OS's peak resident memory (VmHWM) afresh; False where Linux does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def measure(fn, repeat=3, before=None):
    """Median wall time of ``repeat`` plain runs, with the largest growth of resident memory the
    OS saw in them (VmHWM, so C buffers count too); queries and peak Python memory growth
    (tracemalloc) from one more run.

    Memory is traced in a separate run because tracing slows Python down several times.
    ``before`` (untimed) runs ahead of every run, e.g. to put back rows a run deletes.
    """
    times, rss_growth = [], 0.0
    for _ in range(repeat):
        if before:
            before()
        can_reset = _reset_peak_rss()
        resident = _status_kib("VmRSS")
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        if can_reset:
            rss_growth = max(rss_growth, (_status_kib("VmHWM") - resident) / 1024)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    if before:
        before()
    tracemalloc.start()
    with connection.execute_wrapper(count):
        fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": statistics.median(times),
        "runs": [round(t, 3) for t in times],
        "queries": queries,
        "peak_mib": peak / 2**20,
        "rss_mib": rss_growth,
        "result": result,
    }


def report(title, rows, baseline_key):
    """Print the table: median seconds, ratio to the baseline, queries, peak memory growth
    (tracemalloc: Python objects; RSS: everything the process held, from the OS)."""
    base = rows[baseline_key]["seconds"]
    print(f"\n{title}  [{connection.vendor}]")
    print(f"{'':34} {'seconds':>9} {'ratio':>7} {'queries':>8} {'py MiB':>8} {'RSS MiB':>8}  runs")
    for label, row in rows.items():
        print(
            f"{label:34} {row['seconds']:9.4f} {row['seconds'] / base:7.2f} "
            f"{row['queries']:8d} {row['peak_mib']:8.2f} {row.get('rss_mib', 0):8.1f}  "
            f"{row.get('runs', '')}"
        )
