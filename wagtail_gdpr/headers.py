"""Headers of every response that carries personal data: never stored by a browser's cache or
a shared one (a proxy, a CDN), and never served to another visitor's cookie.

``Cache-Control: no-store, private`` (with Django's ``no-cache, must-revalidate, max-age=0``)
and ``Vary: Cookie``. Member pages, the consent step, the erasure pages and the admin's queue,
requests and ledger all pass through :func:`personal`.
"""

from __future__ import annotations

from functools import wraps

from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers


def personal(response):
    """Mark ``response`` as personal: not stored anywhere, varying with the member's cookie."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def personal_page(view):
    """Decorate a view whose every answer carries personal data."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return personal(view(request, *args, **kwargs))

    return wrapped
