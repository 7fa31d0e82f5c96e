"""Shared start-up of the benchmarks: Django with the test settings and a throw-away database."""

import os
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
    """A database of its own, so a benchmark never touches the test suite's."""
    connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        script = Path(sys.argv[0]).stem or "bench"
        connection.settings_dict["TEST"]["NAME"] = f"wagtail_gdpr_bench_{script}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def measure(fn, repeat=3, before=None):
    """Best wall time of ``repeat`` plain runs; queries and peak memory growth from one more run.

    Memory is traced in a separate run because tracing slows Python down several times.
    ``before`` (untimed) runs ahead of every run, e.g. to put back rows a run deletes.
    """
    best = float("inf")
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
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
    return {"seconds": best, "queries": queries, "peak_mib": peak / 2**20, "result": result}


def report(title, rows, baseline_key):
    base = rows[baseline_key]["seconds"]
    print(f"\n{title}  [{connection.vendor}]")
    print(f"{'':34} {'seconds':>9} {'ratio':>7} {'queries':>8} {'peak MiB':>9}")
    for label, row in rows.items():
        print(
            f"{label:34} {row['seconds']:9.4f} {row['seconds'] / base:7.2f} "
            f"{row['queries']:8d} {row['peak_mib']:9.2f}"
        )
