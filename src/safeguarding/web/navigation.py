"""The service navigation: which sections exist and who may open them."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    permission: str | None = None


# In the order of the flow. A section whose page does not exist yet is left out of the header.
SECTIONS = [
    Section("Tracker", "risk:tracker", "risk.view_riskassessment"),
    Section("People", "people:search", "people.view_person"),
    Section("Panel", "panel:meetings", "panel.view_meeting"),
    Section("Contexts", "contexts:list", "contexts.view_context"),
    Section("Places", "places:map", "places.view_hotspotrun"),
    Section("Concerns", "concerns:queue", "concerns.view_concern"),
    Section("Network", "network:graph", "people.view_person"),
    Section("Reports", "reports:dashboard", "reports.view_report"),
    Section("Imports", "sources:imports", "sources.view_importbatch"),
    Section("Linkage", "linkage:review", "linkage.add_linkdecision"),
    Section("Audit", "access:audit", "access.view_auditevent"),
    Section("Governance", "sources:register", "sources.view_feed_register"),
    Section("Admin", "admin:index", None),
]


def visible_sections(*, user, current_path: str) -> list[dict]:
    items = []
    for section in SECTIONS:
        try:
            href = reverse(section.url_name)
        except NoReverseMatch:
            continue
        allowed = user.is_staff if section.permission is None else user.has_perm(section.permission)
        if allowed:
            items.append(
                {"text": section.label, "href": href, "current": current_path.startswith(href)}
            )
    return items
