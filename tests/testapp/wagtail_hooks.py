"""Hooks the tests switch on with data, so that a separate worker process sees them too."""

import time

from wagtail import hooks

from wagtail_gdpr.access import ReportSection

from .models import Shop

SLOW_REPORT_MARKER = "slow-report:"


@hooks.register("wagtail_gdpr_report_sections")
def slow_section(user):
    """While a Shop named ``slow-report:<seconds>`` exists, reports take that long to write."""
    marker = Shop.objects.filter(name__startswith=SLOW_REPORT_MARKER).first()
    if marker is None:
        return []
    seconds = float(marker.name.removeprefix(SLOW_REPORT_MARKER))

    def rows():
        time.sleep(seconds)
        yield ["written"]

    return [ReportSection(key="testapp.slow", name="Slow", columns=["state"], rows=rows(), count=1)]
