"""Staff roles, kept in step with the code on every `migrate` (see README: Staff roles)."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CASEWORKERS = "Caseworkers"
VERIFIERS = "Data verifiers"
ADMINISTRATORS = "Administrators"

# The permissions the code checks by name, for staff pages (`@staff_page` in
# returns/views/access.py), the admin and the exports; the roles below grant them.
VIEW_REQUESTS = "returns.view_foirequest"
CHASE_FORCES = "returns.change_foirequest"  # send a chase step from the overdue board
VERIFY_FIGURES = "returns.verify_figure"
DISMISS_WARNINGS = "returns.change_plausibilitywarning"
EXPORT_DATASET = "returns.export_dataset"  # take data out of the app as a file
VIEW_STATISTICS = "returns.view_statssnapshot"
PREVIEW_STATISTICS = "returns.view_figure"  # statistics with unverified figures
RECORD_RESPONSES = "returns.change_foirequest"
# django-import-export's import permission (IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add").
IMPORT_FIGURES = "returns.add_figure"
# Who a force is (name, codes, nation, regime, kind, active): Administrators only (every
# `forces` permission); caseworkers edit its addresses and aliases (forces.change_force).
EDIT_FORCE_DIRECTORY = "forces.edit_force_directory"
EDIT_FORCE_ADDRESSES = "forces.change_force"

VIEW_EVERYTHING = [
    "forces.view_force",
    "forces.view_under18population",
    "returns.view_campaign",
    "returns.view_foirequest",
    "returns.view_correspondence",
    "returns.view_figure",
    "returns.view_importbatch",
    "returns.view_plausibilitywarning",
    "returns.view_nonworkingday",
    "returns.view_exemption",
    "returns.view_emailtemplate",
    "returns.view_statssnapshot",
    "returns.view_inboundmessage",
    "returns.view_unmatchedreply",
    "returns.view_emailattachment",
    "returns.view_mailboxcheck",
]

ROLE_PERMISSIONS = {
    # Log requests, chase forces, enter and import figures.
    CASEWORKERS: VIEW_EVERYTHING
    + [
        "forces.change_force",
        "returns.add_campaign",
        "returns.change_campaign",
        "returns.add_foirequest",
        "returns.change_foirequest",
        "returns.add_correspondence",
        "returns.change_correspondence",
        # File forces' emails: upload one, file an unmatched one, confirm a reply's kind.
        "returns.add_inboundmessage",
        "returns.change_inboundmessage",
        "returns.change_unmatchedreply",
        "returns.add_figure",
        "returns.change_figure",
        "returns.add_importbatch",
    ],
    # Check figures against the forces' replies, dismiss warnings, export datasets.
    VERIFIERS: VIEW_EVERYTHING
    + [
        "returns.verify_figure",
        "returns.export_dataset",
        "returns.change_plausibilitywarning",
    ],
}
ADMINISTRATOR_APPS = ["forces", "returns"]
ADMINISTRATOR_EXTRA = [
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
    # Login lockouts (django-axes): see who was locked out, and unlock by deleting the attempt.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
]


def roles_holding(permission):
    """The roles that hold `permission` once `migrate` has synced them, in the table's order."""
    held = [role for role, codes in ROLE_PERMISSIONS.items() if permission in codes]
    if permission.split(".")[0] in ADMINISTRATOR_APPS or permission in ADMINISTRATOR_EXTRA:
        held.append(ADMINISTRATORS)
    return held


def refusal(permission, doing="This page"):
    """Why someone was refused (the text of a 403): the permission needed, and who holds it."""
    app_label, codename = permission.split(".")
    name = (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .values_list("name", flat=True)
        .first()
    )
    needed = f"the permission “{name or codename}” ({permission})"
    holders = roles_holding(permission)
    if not holders:
        return f"{doing} needs {needed}, which only a superuser can grant."
    # The groups are named as people: "which Caseworkers and Administrators have".
    who = holders[0] if len(holders) == 1 else f"{', '.join(holders[:-1])} and {holders[-1]}"
    return f"{doing} needs {needed}, which {who} have."


def permissions_named(codes):
    query = Q(pk__in=[])
    for code in codes:
        app_label, codename = code.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query))
    if len(found) != len(codes):
        missing = set(codes) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        raise LookupError(f"Unknown permissions in roles: {sorted(missing)}")
    return found


def sync_roles(sender=None, **kwargs):
    """Create the three groups and give each exactly its permissions (idempotent)."""
    if sender is not None and sender.name != "returns":
        return
    for role, codes in ROLE_PERMISSIONS.items():
        Group.objects.get_or_create(name=role)[0].permissions.set(permissions_named(codes))
    administrators = Group.objects.get_or_create(name=ADMINISTRATORS)[0]
    administrators.permissions.set(
        list(Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS))
        + permissions_named(ADMINISTRATOR_EXTRA)
    )
