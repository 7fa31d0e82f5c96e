"""The consent middleware's cost per request: a plain Wagtail page on two servers of the same
site, one with ``ConsentGateMiddleware`` and one without, asked in turn, one request at a time.

``python overhead.py WITH_URL WITHOUT_URL ROUNDS OUT.json``; a member who has passed the consent
step (the demo's Alice) and an anonymous visitor each ask both servers ``ROUNDS`` times.
"""

import json
import statistics
import sys
import time

import requests
from forms import read_forms

MEMBER = ("alice", "portal-demo-alice")


def percentiles(samples: list[float]) -> dict:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "requests": len(samples),
    }


def logged_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/account/login/")
    form = next(f for f in read_forms(page.text) if "password" in f.names())
    answer = session.post(
        base + "/account/login/", form.data({"username": MEMBER[0], "password": MEMBER[1]})
    )
    if not answer.url.endswith("/account/"):
        raise SystemExit(f"the demo member could not log in ({answer.url})")
    return session


def timed(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    answer = session.get(url, allow_redirects=False)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}")
    return elapsed


def main(with_gate: str, without_gate: str, rounds: int, out: str) -> None:
    member = logged_in(with_gate)  # the session is in the database: both servers know it
    visitor = requests.Session()
    samples = {(who, server): [] for who in ("member", "visitor") for server in ("with", "without")}
    for i in range(rounds + 10):  # the first ten warm both servers up and are not counted
        for who, session in (("member", member), ("visitor", visitor)):
            for server, base in (("with", with_gate), ("without", without_gate)):
                elapsed = timed(session, base + "/")
                if i >= 10:
                    samples[(who, server)].append(elapsed)
    figures = {}
    for who in ("member", "visitor"):
        with_ = percentiles(samples[(who, "with")])
        without = percentiles(samples[(who, "without")])
        figures[who] = {
            "with_middleware": with_,
            "without_middleware": without,
            "p50_overhead_ms": round(with_["p50_ms"] - without["p50_ms"], 2),
        }
    with open(out, "w") as handle:
        json.dump(figures, handle, indent=2)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
