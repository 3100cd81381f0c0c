"""Staff accounts: an Administrator manages staff, but only a superuser makes or edits superusers.

The Administrators role (returns/roles.py) may change users; without these limits Django's user
admin would let it tick "Superuser status", grant any permission, or reset a superuser's password.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

SUPERUSER_ONLY_FIELDS = ["is_superuser", "user_permissions"]


def grantable_groups(user, groups):
    """Pks of the groups whose every permission the user holds: none grants more than they have."""
    held = user.get_all_permissions()
    return [
        group.pk
        for group in groups.prefetch_related("permissions__content_type")
        if all(f"{p.content_type.app_label}.{p.codename}" in held for p in group.permissions.all())
    ]


class StaffUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY_FIELDS
        return readonly

    def has_change_permission(self, request, obj=None):
        # A superuser's account (password included: Django checks this permission there too)
        # is view-only for everyone else.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            groups = Group.objects.all()
            kwargs["queryset"] = groups.filter(pk__in=grantable_groups(request.user, groups))
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


class SuperuserEditedGroupAdmin(GroupAdmin):
    """Roles are kept by migrate (README: Staff roles); only a superuser adds or edits groups."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, SuperuserEditedGroupAdmin)
