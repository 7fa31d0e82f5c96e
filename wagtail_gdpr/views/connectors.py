"""Where the company's other systems send their later answers (the callback URL)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wagtail_gdpr.connectors import callbacks, signing


@csrf_exempt  # machines, authenticated by their signature, not by a browser session
@require_POST
@never_cache
def connector_answer(request, event_id):
    body = request.read(callbacks.max_bytes() + 1)
    reply = callbacks.receive(str(event_id), request.META.get(signing.META_KEY, ""), body)
    return JsonResponse({"result": reply.message}, status=reply.status)
