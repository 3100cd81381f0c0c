"""Who may open a staff page: one decorator for every page beside the admin, and the page that
tells someone refused (403) why, and how to get back.

Adding a staff page: write the view under `@staff_page(roles.SOME_PERMISSION)` (with
`menu=(title, description)` to list it on the admin home), then add its line to
returns/urls.py. Permission names live in returns/roles.py.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from returns import roles


def staff_page(permission, *, menu=None):
    """An admin login (anyone else is sent to the admin's login page), then `permission`
    (else 403); the admin's own CSRF protection and no caching, as its pages have.

    `menu`, a (title, description) pair, lists the page on the admin home for those who hold
    `permission` (returns/templatetags/staff_pages.py).
    """

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            require(request, permission)
            return view(request, *args, **kwargs)

        checked.staff_permission = permission
        checked.staff_menu = menu
        return admin.site.admin_view(checked)

    return decorate


def require(request, permission, doing="This page"):
    """Inside a staff page: a further permission that one of its actions needs (else 403)."""
    if not request.user.has_perm(permission):
        raise PermissionDenied(roles.refusal(permission, doing))


# --- The 403 page (config/urls.py handler403) ------------------------------------------------

# The admin's own pages refuse without saying why; the permission follows from the page.
ADMIN_PAGE_ACTIONS = {"add": "add", "delete": "delete", "changelist": "view", "change": "view"}


def permission_denied(request, exception):
    """Every 403: why, naming the permission and the roles that hold it when known, and links
    back to the page the user came from and to the admin home."""
    user = request.user
    context = {
        **admin.site.each_context(request),
        "title": "You cannot open this page",
        "reason": str(exception) or admin_page_refusal(request),
        "roles": list(user.groups.values_list("name", flat=True)) if user.is_authenticated else [],
        "back_url": referring_page(request),
    }
    return render(request, "403.html", context, status=403)


def admin_page_refusal(request):
    """Why an admin page (a list, an add or a delete page) was refused, or "" if not one."""
    match = request.resolver_match
    if match is None or match.namespace != "admin":
        return ""
    for model in admin.site._registry:
        opts = model._meta
        action = match.url_name.removeprefix(f"{opts.app_label}_{opts.model_name}_")
        if action != match.url_name and action in ADMIN_PAGE_ACTIONS:
            codename = get_permission_codename(ADMIN_PAGE_ACTIONS[action], opts)
            return roles.refusal(f"{opts.app_label}.{codename}")
    return ""


def referring_page(request):
    """The page the user came from, if it is on this site and is not this page itself."""
    referer = request.headers.get("referer", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if safe and referer != request.build_absolute_uri():
        return referer
    return reverse("admin:index")
