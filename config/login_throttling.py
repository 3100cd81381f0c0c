"""What django-axes needs from the project: the client's address and the lockout page."""

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def client_ip(request):
    """The address a login came from.

    Behind our proxies (TRUSTED_PROXY_COUNT of them), the X-Forwarded-For entry the outermost
    one appended; entries further left are whatever the client sent and are ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def locked_out_page(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
        # The lockout runs from the latest failed attempt, which is this one.
        "try_again_at": timezone.now() + cool_off,
        "site_header": "FOI Returns",
    }
    return render(
        request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
