"""The CRM's endpoint for the portal's privacy events: the reference receiver at work."""

import threading

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from example_site.crm import receiver
from example_site.crm.models import Availability, Customer, ReceivedEvent, SeenSignature

FIELDS = {"email": "email", "first_name": "name", "phone": "phone"}


def secret() -> str:
    return settings.CRM_GDPR_SECRET


def _seen(signature: str) -> bool:
    try:
        with transaction.atomic():
            SeenSignature.objects.create(value=signature)
    except IntegrityError:
        return True
    return False


def _customers(subject: dict):
    emails = [e.lower() for e in subject.get("emails") or []]
    return Customer.objects.filter(
        Q(member_id=str(subject.get("member_id") or "-")) | Q(email__in=emails)
    )


def _answer(event: dict) -> dict:
    """What the CRM does with an event, and its answer."""
    customers = _customers(event.get("subject") or {})
    kind, answer = event["type"], {"id": event["id"]}
    if kind == "access":
        records = [
            {"Name": c.name, "Email": c.email, "Phone": c.phone, "Notes": c.notes}
            for c in customers
        ]
        return {**answer, "status": "data", "data": {"records": records}}
    if kind == "erasure":
        if customers.filter(unpaid_invoice=True).exists():
            return {**answer, "status": "refused",
                    "reason": "An unpaid invoice must be kept until it is paid."}  # fmt: skip
        customers.delete()
        return {**answer, "status": "confirmed"}
    if kind == "rectification":
        for change in event.get("changes") or []:
            field = FIELDS.get(change.get("field"))
            if field and isinstance(change.get("value"), str):
                customers.update(**{field: change["value"]})
        return {**answer, "status": "confirmed"}
    if kind == "restriction":
        customers.update(restricted=True)
        return {**answer, "status": "confirmed"}
    return {**answer, "status": "refused", "reason": "This system does not know that request."}


def _answer_later(callback_url: str, answer: dict):
    """Post the answer to the callback URL from another thread, after this response."""
    thread = threading.Thread(
        target=receiver.post_answer, args=(secret(), callback_url, answer), daemon=True
    )
    transaction.on_commit(thread.start)


@csrf_exempt
@require_POST
def privacy_events(request):
    if Availability.current().down:
        return JsonResponse({"error": "down for maintenance"}, status=503)
    body = request.body
    try:
        event = receiver.verify(
            secret(), request.headers.get(receiver.HEADER, ""), body, seen=_seen
        )
    except receiver.Refused as refused:
        return JsonResponse({"error": str(refused)}, status=refused.status)
    with transaction.atomic():
        earlier = ReceivedEvent.objects.select_for_update().filter(event_id=event["id"]).first()
        if earlier is not None:  # a redelivery: the same answer, nothing done twice
            return JsonResponse(earlier.answer)
        answer = _answer(event)
        ReceivedEvent.objects.create(event_id=event["id"], kind=event["type"], answer=answer)
        if event["type"] != "access" and Availability.current().answer_later:
            _answer_later(event["callback_url"], answer)
            return JsonResponse({"id": event["id"], "status": "accepted"}, status=202)
    return JsonResponse(answer)
