"""The load test's result: waits for the worker to finish every copy and erasure asked for,
adds the database's counts to locust's and the middleware figures, prints them, saves them as
JSON, draws latency against concurrency, and exits non-zero on any error or unfinished request.

``python summary.py OUT_DIR STARTED_ISO DRAIN_SECONDS``
"""

import csv
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "load_settings")

import django  # noqa: E402

django.setup()

from wagtail_gdpr.models import DataSubjectRequest as R  # noqa: E402

KINDS = {"copies": R.ACCESS, "erasures": R.ERASURE}


def requests_since(started, kind):
    return R.objects.filter(received_at__gte=started, kind=kind)


def drain(started, seconds: float) -> float:
    """Wait until no copy or erasure of the run is open; how long that took."""
    begun = time.monotonic()
    while time.monotonic() - begun < seconds:
        open_ = R.objects.filter(
            received_at__gte=started, kind__in=list(KINDS.values()), status__in=R.OPEN_STATUSES
        ).count()
        if not open_:
            break
        time.sleep(1)
    return round(time.monotonic() - begun, 1)


def concurrency_chart(history: Path, out: Path) -> list:
    """p50/p95 of all requests against the number of users, from locust's history CSV."""
    by_users = defaultdict(lambda: ([], []))
    with history.open() as handle:
        for row in csv.DictReader(handle):
            if row["Name"] != "Aggregated" or row["50%"] in ("N/A", "0", ""):
                continue
            by_users[int(row["User Count"])][0].append(float(row["50%"]))
            by_users[int(row["User Count"])][1].append(float(row["95%"]))
    points = [
        (u, statistics.median(a), statistics.median(b))
        for u, (a, b) in sorted(by_users.items())
        if u
    ]
    if not points:
        return []
    import matplotlib  # noqa: PLC0415 (only the summary draws)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot([p[0] for p in points], [p[1] for p in points], label="p50")
    ax.plot([p[0] for p in points], [p[2] for p in points], label="p95")
    ax.set_xlabel("concurrent users")
    ax.set_ylabel("response time (ms)")
    ax.set_title("Load test: latency against concurrency (2 shared cores)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    return [{"users": u, "p50_ms": a, "p95_ms": b} for u, a, b in points]


def main(out_dir: str, started_iso: str, drain_seconds: float) -> int:
    out = Path(out_dir)
    started = datetime.fromisoformat(started_iso)
    figures = json.loads((out / "locust.json").read_text())
    figures["drain_seconds"] = drain(started, drain_seconds)
    for label, kind in KINDS.items():
        asked = requests_since(started, kind)
        figures[label] = {
            "requested": asked.count(),
            "completed": asked.filter(status=R.DONE).count(),
            "open": asked.filter(status__in=R.OPEN_STATUSES).count(),
        }
    overhead = out / "overhead.json"
    figures["consent_middleware"] = json.loads(overhead.read_text()) if overhead.exists() else None
    history = out / "locust_stats_history.csv"
    if history.exists():
        figures["latency_by_concurrency"] = concurrency_chart(history, out / "load-latency.png")
    figures["machine"] = os.environ.get("LOAD_MACHINE", "")
    figures["settings"] = {
        k: os.environ.get(k, "")
        for k in ("LOAD_USERS", "LOAD_MEMBERS", "LOAD_TIME", "LOAD_WORKERS")
    }
    (out / "load.json").write_text(json.dumps(figures, indent=2))

    print(f"\nLoad test ({figures['settings']}) — {figures['machine']}")
    print(
        f"requests {figures['requests']}, {figures['rps']} per second, errors {figures['errors']}"
    )
    print(f"{'page':44} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for name, page in figures["pages"].items():
        print(
            f"{name[:44]:44} {page['requests']:8d} {page['p50_ms']:7.0f} "
            f"{page['p95_ms']:7.0f} {page['p99_ms']:7.0f}"
        )
    for label in KINDS:
        c = figures[label]
        print(f"{label}: requested {c['requested']}, completed {c['completed']}")
    print(f"the worker finished its queue {figures['drain_seconds']} s after the users stopped")
    mw = figures["consent_middleware"]
    if mw:
        for who, row in mw.items():
            print(
                f"plain page, {who}: p50/p95/p99 with the consent middleware "
                f"{row['with_middleware']['p50_ms']}/{row['with_middleware']['p95_ms']}/"
                f"{row['with_middleware']['p99_ms']} ms, without "
                f"{row['without_middleware']['p50_ms']}/{row['without_middleware']['p95_ms']}/"
                f"{row['without_middleware']['p99_ms']} ms"
            )
    print(f"saved: {out / 'load.json'}")

    problems = []
    if figures["errors"]:
        problems.append(f"{figures['errors']} errors: {figures['error_messages']}")
    for label in KINDS:
        c = figures[label]
        if c["requested"] != c["completed"]:
            problems.append(f"{label}: {c['requested']} requested, {c['completed']} completed")
    if not figures["members"]["logins"]:
        problems.append("no member logged in")
    for label in KINDS:  # a run in which nobody got that far has not tested the worker
        if not figures[label]["requested"]:
            # A full run must get there; a smoke on a busy machine may not (then it says so).
            message = f"no member got as far as asking for {label}"
            if os.environ.get("LOAD_SMOKE"):
                print(f"load test: note: {message}", file=sys.stderr)
            else:
                problems.append(message)
    for problem in problems:
        print(f"load test FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
