from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.protected_files import serve_protected_file

admin.site.site_header = "FOI Returns"
admin.site.site_title = "FOI Returns"
admin.site.index_title = "FOI rounds, returns and statistics"

# Every 403 says why and links back (returns/views/access.py).
handler403 = "returns.views.access.permission_denied"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("returns/", include("returns.urls")),
    # Uploaded files: only here, after a permission check (never a public /media/ route).
    path("files/<path:name>", serve_protected_file, name="protected_file"),
    path("admin/", admin.site.urls),
]
