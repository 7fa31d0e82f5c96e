"""Switched on with data (a Shop named ``slow-erasure:<seconds>``) so a worker process sees it."""

import time

from django.db.models.signals import pre_delete

from .models import OrderNote, Shop, Visit

SLOW_ERASURE_MARKER = "slow-erasure:"
#: While a Shop named ``slow-sweep:<seconds>`` exists, each visit takes that long to delete.
SLOW_SWEEP_MARKER = "slow-sweep:"


def slow_down_erasure(sender, instance, **kwargs):
    marker = Shop.objects.filter(name__startswith=SLOW_ERASURE_MARKER).first()
    if marker is not None:
        time.sleep(float(marker.name.removeprefix(SLOW_ERASURE_MARKER)))


def slow_down_sweep(sender, instance, **kwargs):
    marker = Shop.objects.filter(name__startswith=SLOW_SWEEP_MARKER).first()
    if marker is not None:
        time.sleep(float(marker.name.removeprefix(SLOW_SWEEP_MARKER)))


def connect():
    pre_delete.connect(slow_down_sweep, sender=Visit, dispatch_uid="testapp_slow_sweep")
    pre_delete.connect(slow_down_erasure, sender=OrderNote, dispatch_uid="testapp_slow_erasure")
