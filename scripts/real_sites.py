"""Install wagtail-gdpr into Wagtail sites made by the tools people use, as the docs say, and take
a member through it: log in, consent, a copy of their data, erasure.

    .venv/bin/python scripts/real_sites.py            # every site, with and without Celery
    .venv/bin/python scripts/real_sites.py --site crx --celery no

The sites:

- ``wagtail-lowest``: ``wagtail start``, on the lowest versions ``setup.cfg`` accepts;
- ``wagtail-newest``: ``wagtail start``, on the newest Wagtail;
- ``crx``: ``coderedcms start`` (Wagtail CRX's project template), on the newest Wagtail 7.

Each gets the add-on's built wheel (not the checkout), in a virtualenv of its own. The settings,
URLs, login template, Celery wiring and declarations are the code blocks of
``docs/getting-started/quick-start.md`` and ``docs/integrators/declaring-personal-data.md``, so a
wrong doc fails here. "With Celery" runs a real worker of the site's own Celery app over Redis
(``REAL_SITES_REDIS_URL``, default database 11); "without" has no Celery app at all. The member is
driven in Chromium (Playwright); rows are checked in the site's own database.

The system check's findings on each fresh site are written to ``<workdir>/<site>-check.json``;
``scripts/check_precision.py`` turns them into precision and recall.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from noxfile import LOWEST, WAGTAIL  # noqa: E402  (the version matrix, in one place)

QUICK_START = REPO / "docs" / "getting-started" / "quick-start.md"
DECLARING = REPO / "docs" / "integrators" / "declaring-personal-data.md"
CHROMIUM = "/usr/bin/chromium"
PROJECT = "mysite"
MEMBER = ("maria", "Vinter-i-Kiruna-2026")
OTHER_MEMBER = ("olof", "Sommar-i-Visby-2026")
DJANGO = "Django>=5.2,<5.3"


@dataclass(frozen=True)
class SiteKind:
    name: str
    #: Requirements besides the add-on's wheel.
    requirements: tuple[str, ...]
    #: The command that makes the project, after the venv's bin/.
    start: tuple[str, ...]
    #: The site's own base template (the quick start says: point the add-on at it).
    base_template: str
    #: The site's own app, whose models the check is asked about.
    own_app: str


SITES = {
    "wagtail-lowest": SiteKind(
        "wagtail-lowest", tuple(LOWEST), ("wagtail", "start", PROJECT), "base.html", "home"
    ),
    "wagtail-newest": SiteKind(
        "wagtail-newest",
        (DJANGO, WAGTAIL[list(WAGTAIL)[-1]]),
        ("wagtail", "start", PROJECT),
        "base.html",
        "home",
    ),
    "crx": SiteKind(
        "crx",
        (DJANGO, "coderedcms>=6.0,<7", WAGTAIL["7.4"]),
        ("coderedcms", "start", PROJECT, "--sitename", "My Site"),
        "coderedcms/pages/base.html",
        "website",
    ),
}


class Failed(Exception):
    """A step of the install or of the member's journey did not do what the docs promise."""


def say(message: str):
    print(f"real-sites: {message}", flush=True)


def site_environ(**extra) -> dict[str, str]:
    """This process's environment without what would point a site at the add-on's own settings."""
    environ = {**os.environ, **extra}
    for name in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DATABASE_URL", "VIRTUAL_ENV"):
        environ.pop(name, None)
    return environ


def run(*command, cwd=None, env=None, timeout=900, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=site_environ(**(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise Failed(
            f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


# -- the docs' code blocks ---------------------------------------------------------------------


def code_blocks(path: Path) -> list[str]:
    return re.findall(r"^ *```[a-z]*\n(.*?)^ *```", path.read_text(), flags=re.S | re.M)


def block(path: Path, marker: str) -> str:
    """The one code block of ``path`` that contains ``marker``, dedented."""
    found = [b for b in code_blocks(path) if marker in b]
    if len(found) != 1:
        raise Failed(f"{path.name}: {len(found)} code blocks contain {marker!r}, expected 1")
    return textwrap.dedent(found[0])


def line(path: Path, marker: str) -> str:
    """The one line of the docs' code blocks that contains ``marker``."""
    lines = [ln.strip() for ln in block(path, marker).splitlines() if marker in ln]
    return lines[0]


def quoted(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


# -- one site ----------------------------------------------------------------------------------


class Site:
    def __init__(self, kind: SiteKind, workdir: Path, wheel: Path, celery: bool):
        self.kind = kind
        self.celery = celery
        self.venv = workdir / f"venv-{kind.name}"
        self.root = workdir / f"{kind.name}-{'celery' if celery else 'no-celery'}"
        self.wheel = wheel
        self.bin = self.venv / "bin"
        self.settings = self.root / PROJECT / "settings" / "base.py"
        self.urls = self.root / PROJECT / "urls.py"
        self.redis_url = os.environ.get("REAL_SITES_REDIS_URL", "redis://127.0.0.1:6379/11")
        self.processes: list[subprocess.Popen] = []

    # -- making it

    def install(self):
        marker = self.venv / ".installed"
        digest = hashlib.sha256(self.wheel.read_bytes()).hexdigest()
        wanted = "\n".join([self.wheel.name, digest, *self.kind.requirements])
        if marker.exists() and marker.read_text() == wanted:
            return
        shutil.rmtree(self.venv, ignore_errors=True)
        run(sys.executable, "-m", "venv", self.venv)
        run(self.bin / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
        run(self.bin / "python", "-m", "pip", "install", "-q", self.wheel, *self.kind.requirements)
        run(self.bin / "python", "-m", "pip", "check")
        marker.write_text(wanted)

    def versions(self) -> dict[str, str]:
        out = run(self.bin / "python", "-m", "pip", "list", "--format", "json").stdout
        wanted = {"django", "wagtail", "wagtail-modeladmin", "celery", "redis", "coderedcms"}
        return {p["name"]: p["version"] for p in json.loads(out) if p["name"].lower() in wanted}

    def create(self):
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        command, verb, name, *options = self.kind.start
        run(self.bin / command, verb, name, self.root, *options)

    def manage(self, *arguments, check=True, timeout=900) -> subprocess.CompletedProcess:
        return run(
            self.bin / "python", "manage.py", *arguments, cwd=self.root, check=check,
            timeout=timeout,
        )  # fmt: skip

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", textwrap.dedent(code)).stdout

    # -- the quick start, step by step

    def add_settings(self):
        """Step 2 of the quick start: apps, middleware, login views, base template, storage."""
        text = self.settings.read_text()
        apps = [a for a in quoted(block(QUICK_START, "INSTALLED_APPS = [")) if a not in text]
        # "after your own apps and before Wagtail's": before the first of Wagtail's apps.
        first_wagtail = re.search(r'^\s*"wagtail[."]', text, flags=re.M)
        if first_wagtail is None:
            raise Failed("no Wagtail app in the site's INSTALLED_APPS")
        at = first_wagtail.start()
        text = text[:at] + "".join(f'    "{a}",\n' for a in apps) + text[at:]

        gate = quoted(line(QUICK_START, "ConsentGateMiddleware"))[0]
        auth = '"django.contrib.auth.middleware.AuthenticationMiddleware",\n'
        if auth not in text:
            raise Failed("no AuthenticationMiddleware in the site's MIDDLEWARE")
        text = text.replace(auth, f'{auth}    "{gate}",\n', 1)

        base_template = block(QUICK_START, "WAGTAIL_GDPR_BASE_TEMPLATE").strip()
        # The quick start says: point it at the site's own base template.
        base_template = base_template.replace('"base.html"', f'"{self.kind.base_template}"')
        text += "\n\n# wagtail-gdpr, as the quick start says\n"
        text += base_template + "\n"
        text += block(QUICK_START, "WAGTAIL_GDPR_PRIVATE_ROOT") + "\n"
        text += block(QUICK_START, "LOGIN_REDIRECT_URL") + "\n"
        self.settings.write_text(text)

    def add_urls(self):
        """The add-on's URLs and Django's login views, before Wagtail's catch-all."""
        patterns = [
            line(QUICK_START, 'include("wagtail_gdpr.urls")'),
            line(QUICK_START, 'include("django.contrib.auth.urls")'),
        ]
        text = self.urls.read_text()
        text += "\n\nfrom django.urls import include, path  # noqa: E402\n\n"
        text += "urlpatterns = [\n" + "".join(f"    {p}\n" for p in patterns) + "] + urlpatterns\n"
        self.urls.write_text(text)
        # In the site's own app, whose templates come first (APP_DIRS is on in both templates).
        login = self.root / self.kind.own_app / "templates" / "registration" / "login.html"
        login.parent.mkdir(parents=True, exist_ok=True)
        login.write_text(
            block(QUICK_START, "{% url 'login' %}").replace(
                '"base.html"', f'"{self.kind.base_template}"'
            )
        )

    def add_celery(self):
        """Step 3: the project's Celery app, its broker, and the add-on's beat schedule."""
        celery_py = block(QUICK_START, "app = Celery(").replace("myproject", PROJECT)
        # "The same settings module as in manage.py", as the quick start says.
        manage_py = (self.root / "manage.py").read_text()
        (settings_module,) = re.findall(r'"DJANGO_SETTINGS_MODULE",\s*"([^"]+)"', manage_py)
        celery_py = re.sub(
            r'("DJANGO_SETTINGS_MODULE", )"[^"]+"', f'\\1"{settings_module}"', celery_py
        )
        celery_py += "\n" + block(QUICK_START, "BEAT_SCHEDULE").replace("myproject", PROJECT)
        (self.root / PROJECT / "celery.py").write_text(celery_py)
        init = self.root / PROJECT / "__init__.py"
        init.write_text(init.read_text() + "\n" + block(QUICK_START, "celery_app"))
        broker = block(QUICK_START, "CELERY_BROKER_URL")
        broker = re.sub(r"redis://[^\"]+", self.redis_url, broker)
        self.settings.write_text(self.settings.read_text() + "\n" + broker + "\n")

    def add_declared_apps(self):
        """Step 5: a shop whose orders are declared, and writers who are not members."""
        for app, models_marker, gdpr_marker, extra in (
            ("shop", "class Order(models.Model)", "class OrderData(PersonalData)",
             line(QUICK_START, 'registry.exclude(Order, "pickup_address"')),
            ("blog", "class Person(models.Model)", "class PersonData(PersonalData)", ""),
        ):  # fmt: skip
            self.manage("startapp", app)
            models_py = block(DECLARING, models_marker)
            if "from django" not in models_py:
                models_py = (
                    "from django.conf import settings\nfrom django.db import models\n\n\n"
                    + models_py
                )
            (self.root / app / "models.py").write_text(models_py)
            gdpr_source = QUICK_START if app == "shop" else DECLARING
            (self.root / app / "gdpr.py").write_text(
                block(gdpr_source, gdpr_marker) + ("\n" + extra + "\n" if extra else "")
            )
            text = self.settings.read_text()
            first_wagtail = re.search(r'^\s*"wagtail[._]', text, flags=re.M)
            at = first_wagtail.start()
            self.settings.write_text(text[:at] + f'    "{app}",\n' + text[at:])
        self.manage("makemigrations", "shop", "blog")

    # -- checks

    def undeclared(self) -> list[str]:
        """The fields the add-on's check reports, as ``app.Model.field``."""
        out = self.manage("check", "--tag", "gdpr", check=False)
        if "no system check with the" in out.stderr:  # builds before 0.2 had no tag
            out = self.manage("check", check=False)
        text = out.stdout + out.stderr
        return sorted(set(re.findall(r"\(wagtail_gdpr\.[EW]001\) (\S+?) looks like", text)))

    def checks_pass_strictly(self) -> bool:
        out = self.manage("check", "--tag", "gdpr", "--fail-level", "WARNING", check=False)
        return out.returncode == 0

    # -- content

    def create_content(self):
        """Step 6 and 7: a purpose, the notice and centre pages, the settings; two members."""
        self.shell(f'''
            import datetime
            from decimal import Decimal
            from django.contrib.auth import get_user_model
            from wagtail.models import Page, Site
            from wagtail_gdpr.models import (
                ConsentPurpose, GdprSettings, PrivacyCentrePage, PrivacyNoticePage,
            )
            from shop.models import Order
            from blog.models import Person

            ConsentPurpose.objects.create(
                slug="terms", name="Terms of service", required=True,
                text="We keep your account and orders to deliver what you buy.",
            )
            site = Site.objects.get(is_default_site=True)
            home = site.root_page.specific
            notice = home.add_child(instance=PrivacyNoticePage(
                title="Privacy notice", slug="privacy-notice",
                summary="What we keep about you, why, and for how long.",
            ))
            notice.save_revision().publish()
            centre = home.add_child(instance=PrivacyCentrePage(
                title="Privacy centre", slug="privacy-centre",
            ))
            centre.save_revision().publish()
            settings = GdprSettings.for_site(site)
            settings.controller_name = "My Site Ltd"
            settings.controller_contact = "privacy@example.com"
            settings.notice_page = notice
            settings.privacy_centre_page = centre
            settings.save()

            User = get_user_model()
            maria = User.objects.create_user(
                "{MEMBER[0]}", "maria@example.com", "{MEMBER[1]}",
                first_name="Maria", last_name="Lind",
            )
            olof = User.objects.create_user(
                "{OTHER_MEMBER[0]}", "olof@example.com", "{OTHER_MEMBER[1]}",
            )
            for number, total in enumerate(("101.00", "102.00", "103.00"), start=1):
                Order.objects.create(
                    reference=f"PO-{{number}}", customer=maria, email="maria@example.com",
                    shipping_address="Storgatan 1, Kiruna", total=Decimal(total),
                )
            Order.objects.create(
                reference="PO-9", customer=olof, email="olof@example.com",
                shipping_address="Strandgatan 9, Visby", total=Decimal("900.00"),
            )
            Person.objects.create(first_name="Greta", last_name="Berg", role="Editor")
        ''')

    def rows(self) -> dict:
        out = self.shell("""
            import json
            from django.contrib.auth import get_user_model
            from shop.models import Order
            from blog.models import Person
            print("ROWS" + json.dumps({
                "users": sorted(get_user_model().objects.values_list("username", flat=True)),
                "orders": [
                    {"customer": o.customer.username if o.customer else None,
                     "email": o.email, "address": o.shipping_address, "total": str(o.total)}
                    for o in Order.objects.order_by("total")
                ],
                "people": list(Person.objects.values_list("last_name", flat=True)),
            }))
        """)
        return json.loads(out.split("ROWS", 1)[1])

    # -- running it

    def start(self) -> str:
        port = free_port()
        env = {"PYTHONUNBUFFERED": "1"}
        log = open(self.root / "server.log", "w")  # noqa: SIM115
        self.processes.append(
            subprocess.Popen(
                [self.bin / "python", "manage.py", "runserver", f"127.0.0.1:{port}",
                 "--noreload"],
                cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                env=site_environ(**env), start_new_session=True,
            )
        )  # fmt: skip
        if self.celery:
            run(self.bin / "celery", "-A", PROJECT, "purge", "-f", cwd=self.root)
            worker_log = open(self.root / "worker.log", "w")  # noqa: SIM115
            self.processes.append(
                subprocess.Popen(
                    [self.bin / "celery", "-A", PROJECT, "worker", "-l", "info",
                     "--concurrency", "1", "--without-gossip", "--without-mingle"],
                    cwd=self.root, stdout=worker_log, stderr=subprocess.STDOUT,
                    env=site_environ(**env), start_new_session=True,
                )
            )  # fmt: skip
            wait_until(lambda: "ready." in (self.root / "worker.log").read_text(), 90, "worker")
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: port_open(port), 60, "web server")
        return url

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def jobs_ran_on_worker(self) -> bool:
        log = (self.root / "worker.log").read_text() if self.celery else ""
        return "wagtail_gdpr" in log and "succeeded" in log


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise Failed(f"{what} not ready after {timeout:.0f} s")


# -- the member's journey ----------------------------------------------------------------------


def member_journey(site: Site, url: str, downloads: Path) -> dict:
    """Log in, consent, get a copy, erase; what the member saw, for the report."""
    seen = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(accept_downloads=True).new_page()
        page.set_default_timeout(30_000)

        page.goto(f"{url}/accounts/login/")
        page.get_by_label("Username").fill(MEMBER[0])
        page.get_by_label("Password").fill(MEMBER[1])
        page.get_by_role("button", name="Log in").click()
        # LOGIN_REDIRECT_URL is the home page; the gate stops the member on the way.
        expect(page).to_have_url(re.compile(r"/privacy/consent/\?next=%2F$"))
        expect(page.get_by_role("heading", name="Terms of service")).to_be_visible()
        page.get_by_role("button", name="I have read this, continue").click()
        expect(page).to_have_url(f"{url}/")
        seen["consented"] = True

        page.goto(f"{url}/privacy-centre/copy/")
        page.get_by_role("button", name="Prepare a copy of my data").click()
        link = page.get_by_role("link", name="Download your copy (ZIP)")
        expect(link).to_be_visible(timeout=180_000)
        with page.expect_download() as started:
            link.click()
        archive = downloads / f"{site.root.name}.zip"
        started.value.save_as(archive)
        with zipfile.ZipFile(archive) as zipped:
            data = json.loads(zipped.read("data.json"))
        seen["copy"] = data

        page.goto(f"{url}/privacy-centre/erase/")
        page.get_by_label("Your password").fill(MEMBER[1])
        page.get_by_label("I understand that this cannot be undone.").check()
        page.get_by_role("button", name="Delete my data").click()
        expect(page.get_by_role("heading", name="Your data is being deleted")).to_be_visible()
        browser.close()
    return seen


def rows_of(copy: dict, model_label: str) -> list[dict]:
    """The rows of the copy's section for ``model_label``, each as {field name: value}."""
    for section in copy["sections"]:
        if model_label in (section.get("model"), section.get("key")):
            names = section.get("fields") or section["columns"]
            return [dict(zip(names, row, strict=True)) for row in section["rows"]]
    keys = [s.get("key") for s in copy["sections"]]
    raise Failed(f"no section for {model_label} in the copy: {keys}")


def verify(site: Site, seen: dict):
    orders = rows_of(seen["copy"], "shop.Order")
    totals = sorted(str(row["total"]) for row in orders)
    if totals != ["101.00", "102.00", "103.00"]:
        raise Failed(f"the copy's orders are not the member's own three: {orders}")
    if "Visby" in json.dumps(seen["copy"]) or "Greta" in json.dumps(seen["copy"]):
        raise Failed("the copy holds another member's data, or a non-member's")

    def erased():
        return MEMBER[0] not in site.rows()["users"]

    wait_until(erased, 180, "the erasure")
    rows = site.rows()
    maria = [o for o in rows["orders"] if o["total"] in ("101.00", "102.00", "103.00")]
    olof = [o for o in rows["orders"] if o["total"] == "900.00"]
    # Kept for the Bookkeeping Act, anonymised: no account, no address, no email.
    if len(maria) != 3 or any(
        o["customer"] or o["address"] or not o["email"].endswith("@erased.invalid") for o in maria
    ):
        raise Failed(f"the member's orders are not anonymised: {maria}")
    if olof != [{"customer": "olof", "email": "olof@example.com",
                 "address": "Strandgatan 9, Visby", "total": "900.00"}]:  # fmt: skip
        raise Failed(f"another member's order changed: {olof}")
    if rows["people"] != ["Berg"]:
        raise Failed(f"a non-member's row changed: {rows['people']}")


# -- the whole run -----------------------------------------------------------------------------


def build_wheel(workdir: Path) -> Path:
    dist = workdir / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO)
    (wheel,) = dist.glob("wagtail_gdpr-*.whl")
    return wheel


def try_site(kind: SiteKind, celery: bool, workdir: Path, wheel: Path) -> dict:
    site = Site(kind, workdir, wheel, celery)
    result = {"site": kind.name, "celery": celery, "ok": False}
    started = time.monotonic()
    try:
        site.install()
        result["versions"] = site.versions()
        site.create()
        site.add_settings()
        site.add_urls()
        if celery:
            site.add_celery()
        site.manage("migrate", "--noinput")
        # Before anything is declared: the check warns about the site's own models, and blocks
        # nothing (migrate just ran).
        result["flagged_on_fresh_site"] = site.undeclared()
        site.add_declared_apps()
        site.manage("migrate", "--noinput")
        flagged = site.undeclared()
        result["flagged_after_declaring"] = flagged
        if any(f.startswith(("shop.", "blog.")) for f in flagged):
            raise Failed(f"declared models still flagged: {flagged}")
        site.create_content()
        url = site.start()
        seen = member_journey(site, url, workdir)
        verify(site, seen)
        if celery and not site.jobs_ran_on_worker():
            raise Failed("the copy and the erasure did not run on the site's worker")
        result["ok"] = True
    except Exception as exc:  # report every site, then fail
        result["error"] = f"{type(exc).__name__}: {exc}"[-6000:]
    finally:
        site.stop()
        result["seconds"] = round(time.monotonic() - started, 1)
    if result.get("flagged_on_fresh_site") is not None:
        (workdir / f"{kind.name}-check.json").write_text(
            json.dumps({"site": kind.name, "flagged": result["flagged_on_fresh_site"]}, indent=2)
        )
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", choices=list(SITES), action="append")
    parser.add_argument("--celery", choices=["yes", "no", "both"], default="both")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wagtail-gdpr-real-sites"
    )
    options = parser.parse_args(argv)
    options.workdir.mkdir(parents=True, exist_ok=True)
    modes = {"yes": [True], "no": [False], "both": [False, True]}[options.celery]
    wheel = build_wheel(options.workdir)
    say(f"wheel {wheel.name}; work in {options.workdir}")
    results = []
    for name in options.site or list(SITES):
        for celery in modes:
            say(f"{name}, {'with' if celery else 'without'} Celery ...")
            result = try_site(SITES[name], celery, options.workdir, wheel)
            results.append(result)
            say(f"{name}, {'with' if celery else 'without'} Celery: "
                f"{'passed' if result['ok'] else 'FAILED'} in {result['seconds']} s")  # fmt: skip
            if not result["ok"]:
                print(result["error"], file=sys.stderr)
    (options.workdir / "results.json").write_text(json.dumps(results, indent=2))
    print()
    print("| site | Celery | versions | result | seconds |")
    print("|---|---|---|---|---|")
    for r in results:
        versions = ", ".join(f"{k} {v}" for k, v in sorted(r.get("versions", {}).items()))
        print(f"| {r['site']} | {'worker' if r['celery'] else 'none'} | {versions} | "
              f"{'passed' if r['ok'] else 'failed'} | {r['seconds']} |")  # fmt: skip
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
