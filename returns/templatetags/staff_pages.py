"""{% staff_pages as pages %}: the staff pages the user may open, for the admin home's menu.

Read from returns/urls.py: each page whose `@staff_page` has a `menu` entry, in the order of
its URL, when the user holds its permission.
"""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_pages(context):
    from returns import urls  # here, not on loading the tag library: urls imports the views

    user = context["request"].user
    pages = []
    for pattern in urls.urlpatterns:
        menu = getattr(pattern.callback, "staff_menu", None)
        if menu and user.has_perm(pattern.callback.staff_permission):
            title, about = menu
            url = reverse(f"{urls.app_name}:{pattern.name}")
            pages.append({"url": url, "title": title, "about": about})
    return pages
