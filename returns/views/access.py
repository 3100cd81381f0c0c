"""Who may open a staff page: one decorator for every page beside the admin.

Adding a staff page: write the view under `@staff_page(roles.SOME_PERMISSION)` (with
`menu=(title, description)` to list it on the admin home), then add its line to
returns/urls.py. Permission names live in returns/roles.py.
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied


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


def require(request, permission):
    """Inside a staff page: a further permission that one of its actions needs (else 403)."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
