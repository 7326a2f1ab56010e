"""Roles as data: each role is a Django group holding these model permissions.

Permissions are `app_label.action_model`; a missing model (an app not built yet) is skipped,
so the roles grow with the system when `sync_roles` runs after each migrate.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

VIEW_PEOPLE = [
    "people.view_person",
    "people.view_sourcerecord",
    "people.view_event",
    "people.view_involvement",
    "people.view_location",
    "people.view_object",
]
VIEW_RISK = ["risk.view_riskassessment", "risk.view_override"]
VIEW_PANEL = [
    "panel.view_meeting",
    "panel.view_agendaitem",
    "panel.view_decision",
    "panel.view_action",
]
VIEW_CONTEXTS = ["contexts.view_context"]
# Referring a context and recording its workflow's steps: the practitioners and the panel.
WORK_ON_CONTEXTS = [
    "contexts.add_context",
    "contexts.add_contextstep",
    "contexts.change_contextaction",
]
VIEW_PLACES = ["places.view_hotspotrun"]  # the map: counts; single episodes need view_person

ROLES: dict[str, list[str]] = {
    "analyst": [
        *VIEW_PEOPLE,
        *VIEW_PLACES,
        *VIEW_RISK,
        *VIEW_PANEL,
        *VIEW_CONTEXTS,
        "sources.view_feed",
        "sources.view_importbatch",
        "sources.add_importbatch",
        "sources.view_quarantinedrow",
        "runs.view_stagerun",
        "people.change_person",
        "linkage.view_linkdecision",
        "linkage.add_linkdecision",
        "risk.export_tracker",
        "concerns.view_concern",
        "concerns.change_concern",
        "concerns.view_concern_counts",
        "concerns.view_partnerorganisation",
        "concerns.add_partnerorganisation",
        "concerns.change_partnerorganisation",
    ],
    "practitioner": [*VIEW_PEOPLE, *VIEW_RISK, *VIEW_CONTEXTS, *WORK_ON_CONTEXTS, *VIEW_PLACES],
    "panel_chair": [
        *VIEW_PEOPLE,
        *VIEW_PLACES,
        *VIEW_RISK,
        *VIEW_PANEL,
        *VIEW_CONTEXTS,
        *WORK_ON_CONTEXTS,
        "risk.add_override",
        "risk.export_tracker",
        "panel.add_meeting",
        "panel.change_meeting",
        "panel.add_agendaitem",
        "panel.change_agendaitem",
        "panel.add_decision",
        "panel.add_action",
        "panel.change_action",
    ],
    "panel_member": [
        *VIEW_PEOPLE,
        *VIEW_PLACES,
        *VIEW_RISK,
        *VIEW_PANEL,
        *VIEW_CONTEXTS,
        *WORK_ON_CONTEXTS,
        "risk.add_override",
        "risk.export_tracker",
        "panel.change_action",
    ],
    "manager": [
        *VIEW_PEOPLE,
        *VIEW_PLACES,
        *VIEW_RISK,
        *VIEW_PANEL,
        *VIEW_CONTEXTS,
        "sources.view_feed_register",
        "concerns.view_concern_counts",
    ],
    "auditor": ["access.view_auditevent", "sources.view_feed_register"],
    "administrator": [
        "access.view_user",
        "access.add_user",
        "access.change_user",
        "access.view_agency",
        "access.add_agency",
        "access.change_agency",
        "auth.view_group",
        "sources.view_feed",
        "sources.view_importbatch",
        "linkage.view_linkmodelversion",
        "risk.view_scoringrun",
        "places.view_area",
        "people.change_person",
    ],
}

ROLE_LABELS = {
    "analyst": "Analyst",
    "practitioner": "Practitioner",
    "panel_chair": "Panel chair",
    "panel_member": "Panel member",
    "manager": "Manager",
    "auditor": "Auditor",
    "administrator": "Administrator",
}


def sync_roles() -> None:
    """Create each role's group and set its permissions to exactly those listed."""
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        condition = Q(pk__in=[])
        for name in codenames:
            app_label, codename = name.split(".")
            condition |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(condition))
