"""The CRM's own tables: its customers and what it received through the connector protocol."""

from django.db import models


class Customer(models.Model):
    """A customer as the CRM knows them, found by the portal's member id or an address."""

    member_id = models.CharField(max_length=64, blank=True, db_index=True)
    email = models.EmailField(db_index=True)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    # An unpaid invoice must be kept: the CRM refuses to erase while it is open.
    unpaid_invoice = models.BooleanField(default=False)
    restricted = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class ReceivedEvent(models.Model):
    """An event from the portal, by its id: a redelivery is answered from here, not redone."""

    event_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)
    answer = models.JSONField(default=dict)

    def __str__(self):
        return f"{self.kind} {self.event_id}"


class SeenSignature(models.Model):
    """Signatures already accepted: the same signed message twice is a replay."""

    value = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.value[:20]


class Availability(models.Model):
    """One row: whether the CRM is up, and whether it answers erasures later (by callback)."""

    down = models.BooleanField(default=False)
    answer_later = models.BooleanField(default=False)

    def __str__(self):
        return "down" if self.down else "up"

    @classmethod
    def current(cls) -> "Availability":
        return cls.objects.order_by("pk").first() or cls()
