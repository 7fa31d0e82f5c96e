#!/usr/bin/env python
"""The example site's ``manage.py``; run it from anywhere: ``python example_site/manage.py``."""

import os
import sys
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
REPO_ROOT = SITE_DIR.parent


def main():
    # Python put this folder first on the path; its celery.py would then hide the celery
    # package. The site is imported as the package ``example_site`` from the repository root,
    # and so is the add-on, even if another copy of it is installed.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != SITE_DIR]
    sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
