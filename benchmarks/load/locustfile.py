"""The load test's users: members of the example site, and one privacy officer.

Members log in, pass the consent step, browse the privacy centre, withdraw and give consent,
ask for a copy and download it when the worker has made it, propose a correction, and some ask
for erasure (then a new member takes their place). The officer works the request queue:
approves the corrections members propose. Run by ``benchmarks/load/run``; the figures are
written to ``$LOAD_STATS`` when locust stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

from forms import read_forms
from locust import HttpUser, between, events, task
from locust.exception import StopUser

CENTRE = "/privacy-centre/"
MEMBER_PASSWORD = "load-test-member"  # noqa: S105 (seed_members.py's fictional password)
OFFICER = ("dana", "portal-demo-dana")
MEMBERS = int(os.environ.get("LOAD_MEMBERS", "500"))
#: How long a member waits for their copy before moving on (the run's end waits for the rest).
COPY_WAIT = float(os.environ.get("LOAD_COPY_WAIT", "90"))
#: The share of members who ask for erasure at the end of one round of their visit.
ERASE_SHARE = float(os.environ.get("LOAD_ERASE_SHARE", "0.25"))
#: The share of members who ask for a copy as soon as they are in.
COPY_SHARE = float(os.environ.get("LOAD_COPY_SHARE", "0.5"))

_next_member = itertools.count(int(os.environ.get("LOAD_FIRST_MEMBER", "0")))
counts = {
    "logins": 0,
    "consent_steps": 0,
    "copies_requested": 0,
    "copies_downloaded": 0,
    "erasures_requested": 0,
    "corrections_proposed": 0,
    "corrections_approved": 0,
    "corrections_closed_first": 0,
    "consent_changes": 0,
}


def _check(response, ok: bool, why: str):
    if ok:
        response.success()
    else:
        response.failure(why)


class Member(HttpUser):
    weight = 20
    wait_time = between(1, 3)

    def on_start(self):
        self.log_in()

    def log_in(self):
        n = next(_next_member)
        if n >= MEMBERS:
            raise StopUser  # every seeded member has had their turn
        self.username = f"loadmember{n:05d}"
        self.copy_id = None
        self.copy_done = False
        self.corrected = False
        self.rounds = 0
        self.client.cookies.clear()
        page = self.client.get("/account/login/", name="login (form)")
        form = next(f for f in read_forms(page.text) if "password" in f.names())
        data = form.data({"username": self.username, "password": MEMBER_PASSWORD})
        with self.client.post("/account/login/", data, name="login", catch_response=True) as r:
            _check(r, "/privacy/consent/" in r.url, "the consent step did not follow the login")
        counts["logins"] += 1
        step = next(f for f in read_forms(r.text) if "/privacy/consent/" in f.action)
        with self.client.post(
            "/privacy/consent/", step.data(check_all=True), name="consent step", catch_response=True
        ) as r:
            _check(r, r.url.endswith("/account/"), "the consent step did not let the member in")
        counts["consent_steps"] += 1
        if random.random() < COPY_SHARE:
            self.ask_for_a_copy()  # many ask for their copy first, then look around

    @task(8)
    def browse_privacy_centre(self):
        self.rounds += 1
        for route, name in [
            ("", "centre: overview"),
            ("data/", "centre: my data"),
            ("consents/", "centre: my consents"),
            ("activity/", "centre: my activity"),
            ("requests/", "centre: my requests"),
        ]:
            self.client.get(CENTRE + route, name=name)

    @task(3)
    def plain_page(self):
        self.rounds += 1
        self.client.get("/", name="plain page (home)")

    @task(3)
    def change_consent(self):
        page = self.client.get(CENTRE + "consents/", name="centre: my consents")
        choices = [
            f
            for f in read_forms(page.text)
            if "/privacy/consent/" in f.action and "action" in f.names()
        ]
        if not choices:
            return
        form = random.choice(choices)
        with self.client.post(
            form.action, form.data(), name="consent: give or withdraw", catch_response=True
        ) as r:
            _check(
                r,
                r.status_code == 200 and "/privacy-centre/consents/" in r.url,
                "the consent change did not come back to my consents",
            )
        counts["consent_changes"] += 1

    def ask_for_a_copy(self):
        page = self.client.get(CENTRE + "copy/", name="centre: copy (form)")
        form = next(f for f in read_forms(page.text) if f.action.endswith("/copy/"))
        with self.client.post(
            CENTRE + "copy/", form.data(), name="centre: ask for a copy", catch_response=True
        ) as r:
            found = re.search(r"/copy/(\d+)/$", r.url)
            _check(r, bool(found), "asking for a copy did not lead to its page")
        if found:
            self.copy_id = found.group(1)
            counts["copies_requested"] += 1

    @task(2)
    def copy_of_my_data(self):
        """Follow the copy on its page (as its refresh does) and download it when it is made."""
        if self.copy_done:
            return
        if self.copy_id is None:
            self.ask_for_a_copy()
            if self.copy_id is None:
                return
        started = time.monotonic()
        while time.monotonic() - started < COPY_WAIT:
            status = self.client.get(f"{CENTRE}copy/{self.copy_id}/", name="centre: copy status")
            if f"/copy/{self.copy_id}/download/" in status.text:
                with self.client.get(
                    f"{CENTRE}copy/{self.copy_id}/download/",
                    name="centre: download copy",
                    catch_response=True,
                ) as r:
                    _check(r, r.content[:2] == b"PK", "the copy is not a ZIP file")
                counts["copies_downloaded"] += 1
                self.copy_done = True
                return
            time.sleep(5)

    @task(1)
    def propose_correction(self):
        if self.corrected:
            return
        page = self.client.get(CENTRE + "correct/", name="centre: correct (form)")
        for form in read_forms(page.text):
            dates = [f for f in form.fields if f[1] == "date"]
            if dates:
                new = f"19{random.randint(50, 99)}-0{random.randint(1, 9)}-1{random.randint(0, 9)}"
                data = form.data({dates[0][0]: new, "reason-birth_date": "A typo at sign-up."})
                with self.client.post(
                    form.action, data, name="centre: propose a correction", catch_response=True
                ) as r:
                    _check(r, r.status_code == 200, f"correction answered {r.status_code}")
                counts["corrections_proposed"] += 1
                self.corrected = True
                return

    @task(2)
    def maybe_erase(self):
        # Erase only after the copy, if any, was downloaded: nothing of theirs left waiting.
        copy_waiting = self.copy_id and not self.copy_done
        if self.rounds < 4 or random.random() > ERASE_SHARE or copy_waiting:
            return
        page = self.client.get(CENTRE + "erase/", name="centre: erase (plan)")
        form = next(f for f in read_forms(page.text) if "password" in f.names())
        data = form.data({"password": MEMBER_PASSWORD, "confirm": "on"})
        with self.client.post(
            CENTRE + "erase/", data, name="centre: ask for erasure", catch_response=True
        ) as r:
            asked_again = any("password" in f.names() for f in read_forms(r.text))
            _check(r, r.status_code == 200 and not asked_again, "erasure was not accepted")
        counts["erasures_requested"] += 1
        self.log_in()  # the next member takes this one's place


class PrivacyOfficer(HttpUser):
    """Works the queue: reads it, opens the corrections to review and approves them."""

    fixed_count = 1
    wait_time = between(2, 4)

    def on_start(self):
        page = self.client.get("/admin/login/", name="admin: login (form)")
        form = next(f for f in read_forms(page.text) if "password" in f.names())
        data = form.data({"username": OFFICER[0], "password": OFFICER[1]})
        with self.client.post("/admin/login/", data, name="admin: login", catch_response=True) as r:
            _check(r, "/admin/login/" not in r.url, "the officer could not log in")

    @task(2)
    def read_queue(self):
        self.client.get("/admin/gdpr/requests/", name="admin: request queue")

    @task(3)
    def approve_a_correction(self):
        page = self.client.get("/admin/gdpr/corrections/", name="admin: corrections to review")
        waiting = re.findall(r"/admin/gdpr/requests/inspect/(\d+)/", page.text)
        if not waiting:
            return
        pk = random.choice(waiting)
        self.client.get(f"/admin/gdpr/requests/inspect/{pk}/", name="admin: a request")
        url = f"/admin/gdpr/requests/approve/{pk}/"
        form_page = self.client.get(url, name="admin: approve (form)")
        forms = [f for f in read_forms(form_page.text) if f.method == "post" and f.action == ""]
        if not forms:
            return  # handled already
        with self.client.post(
            url, forms[0].data(), name="admin: approve a correction", catch_response=True
        ) as r:
            # The member may ask for erasure between the form and the answer: the erasure
            # cancels the correction, and the officer reads why (409), which is not an error.
            closed_first = r.status_code == 409 and "no longer waiting for review" in r.text
            _check(
                r,
                (r.status_code == 200 and "/inspect/" in r.url) or closed_first,
                f"approving answered {r.status_code}",
            )
        counts["corrections_closed_first" if closed_first else "corrections_approved"] += 1


@events.quitting.add_listener
def save_figures(environment, **_kwargs):
    """Per page: requests, failures, p50/p95/p99; the whole run's rate; what members did."""
    stats = environment.stats
    pages = {}
    for (name, method), entry in sorted(stats.entries.items()):
        pages[f"{method} {name}"] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.50),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "rps": round(entry.total_rps, 2),
        }
    total = stats.total
    # An exception in a user's code (a page without the form it should have) is an error too.
    crashes = list(environment.runner.exceptions.values()) if environment.runner else []
    figures = {
        "requests": total.num_requests,
        "errors": total.num_failures + sum(c["count"] for c in crashes),
        "error_messages": [str(e.error)[:200] for e in stats.errors.values()]
        + [str(c["msg"])[:200] for c in crashes],
        "rps": round(total.total_rps, 2),
        "p50_ms": total.get_response_time_percentile(0.50),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "pages": pages,
        "members": counts,
    }
    path = os.environ.get("LOAD_STATS")
    if path:
        with open(path, "w") as out:
            json.dump(figures, out, indent=2)
