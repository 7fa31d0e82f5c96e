"""How well the system check finds personal data: precision and recall on real sites and add-ons.

    .venv/bin/python scripts/check_precision.py
    .venv/bin/python scripts/check_precision.py --wheel old.whl   # the same, for another build

It installs the add-on's wheel into a Wagtail CRX site (``coderedcms start``, Wagtail 7) with
four popular add-ons side by side: wagtail-localize, wagtail-newsletter, wagtail-ab-testing and
django-allauth, and into a fresh ``wagtail start`` site; then it runs ``manage.py check`` twice:

- as installed: only the site's own apps are checked (the default);
- with ``WAGTAIL_GDPR_CHECK_APPS`` naming the add-ons' apps too.

Each field the check reports is a true or a false positive according to
``scripts/check_precision.json``: a judgement, made by reading each model, of which fields hold
personal data (they identify a person, or hold what a person gave or did) and why. Fields it
judges personal that the check does not report are misses. Figures are given per field and per
model (a model counts when any of its fields is reported: one declaration covers a model).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_sites import DJANGO, PROJECT, SITES, WAGTAIL, Site, SiteKind, build_wheel, say  # noqa: E402

JUDGEMENTS = Path(__file__).with_suffix(".json")

ADDONS = SiteKind(
    "crx-with-addons",
    (
        DJANGO,
        WAGTAIL["7.4"],
        "coderedcms>=6.0,<7",
        "wagtail-localize>=1.14,<2",
        "wagtail-newsletter>=0.2,<0.3",
        "wagtail-ab-testing>=0.14,<0.15",
        "django-allauth>=65,<66",
    ),
    ("coderedcms", "start", PROJECT, "--sitename", "My Site"),
    "coderedcms/pages/base.html",
    "website",
)

#: What each add-on's own docs say to add to settings.
ADDON_APPS = [
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail_newsletter",
    "wagtail_ab_testing",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
]
ADDON_SETTINGS = """
WAGTAIL_I18N_ENABLED = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [("en", "English"), ("sv", "Swedish")]
"""
ADDON_MIDDLEWARE = "allauth.account.middleware.AccountMiddleware"


def judged_labels(judgements: dict) -> list[str]:
    return sorted({label.split(".")[0] for label in judgements["models"]})


def prepare(site: Site, with_addons: bool):
    site.install()
    site.create()
    site.add_settings()  # the quick start's INSTALLED_APPS, middleware and settings
    if with_addons:
        text = site.settings.read_text()
        own = f'    "{site.kind.own_app}",\n'
        text = text.replace(own, own + "".join(f'    "{a}",\n' for a in ADDON_APPS), 1)
        auth = '"django.contrib.auth.middleware.AuthenticationMiddleware",\n'
        text = text.replace(auth, f'{auth}    "{ADDON_MIDDLEWARE}",\n', 1)
        site.settings.write_text(text + ADDON_SETTINGS)


def reported(site: Site, check_apps: list[str] | None) -> set[str]:
    text = site.settings.read_text()
    text = re.sub(r"\nWAGTAIL_GDPR_CHECK_APPS = .*\n", "\n", text)
    if check_apps is not None:
        text += f"\nWAGTAIL_GDPR_CHECK_APPS = {check_apps!r}\n"
    site.settings.write_text(text)
    return set(site.undeclared())


def score(flagged: set[str], judgements: dict, apps: list[str]) -> dict:
    """Precision and recall over the models of ``apps`` (app labels)."""
    personal = {
        f"{model}.{field}"
        for model, entry in judgements["models"].items()
        if model.split(".")[0] in apps
        for field in entry["personal"]
    }
    flagged = {f for f in flagged if f.split(".")[0] in apps}
    true = flagged & personal
    false = flagged - personal
    missed = personal - flagged

    def models_of(fields):
        return {f.rsplit(".", 1)[0] for f in fields}

    personal_models, flagged_models = models_of(personal), models_of(flagged)
    return {
        "fields": {"reported": len(flagged), "true": len(true), "false": len(false),
                   "missed": len(missed), "personal": len(personal)},
        "models": {"reported": len(flagged_models),
                   "true": len(flagged_models & personal_models),
                   "false": len(flagged_models - personal_models),
                   "missed": len(personal_models - flagged_models),
                   "personal": len(personal_models)},
        "false_positives": sorted(false),
        "misses": sorted(missed),
    }  # fmt: skip


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.0f}%" if whole else "n/a (nothing to find)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="the build to measure (default: this checkout)")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wagtail-gdpr-real-sites"
    )
    options = parser.parse_args(argv)
    options.workdir.mkdir(parents=True, exist_ok=True)
    wheel = options.wheel.resolve() if options.wheel else build_wheel(options.workdir)
    judgements = json.loads(JUDGEMENTS.read_text())
    third_party = [a for a in judged_labels(judgements) if a not in ("website", "home")]

    rows = []
    fresh = Site(SITES["wagtail-newest"], options.workdir, wheel, celery=False)
    prepare(fresh, with_addons=False)
    rows.append(("wagtail start, as installed", score(reported(fresh, None), judgements, ["home"])))

    site = Site(ADDONS, options.workdir, wheel, celery=False)
    prepare(site, with_addons=True)
    rows.append(("CRX site, as installed", score(reported(site, None), judgements, ["website"])))
    everything = ["website", *third_party]
    rows.append(
        (
            "CRX site + 4 add-ons, all apps checked",
            score(reported(site, everything), judgements, everything),
        )
    )
    say(f"measured {wheel.name}")
    print()
    print("| site | reported | true | false | missed | precision | recall | "
          "models: precision | models: recall |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, s in rows:
        f, m = s["fields"], s["models"]
        print(
            f"| {name} | {f['reported']} | {f['true']} | {f['false']} | {f['missed']} | "
            f"{ratio(f['true'], f['reported'])} | {ratio(f['true'], f['personal'])} | "
            f"{ratio(m['true'], m['reported'])} | {ratio(m['true'], m['personal'])} |"
        )
    for name, s in rows:
        if s["false_positives"]:
            print(f"\n{name}, false positives: {', '.join(s['false_positives'])}")
        if s["misses"]:
            print(f"{name}, misses: {', '.join(s['misses'])}")
    (options.workdir / "check-precision.json").write_text(
        json.dumps({"wheel": wheel.name, "rows": rows}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
