from django.conf import settings

from safeguarding.access.purpose import current_purpose
from safeguarding.web.navigation import visible_sections


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    sections = []
    if user is not None and user.is_authenticated:
        sections = visible_sections(user=user, current_path=request.path)
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation_sections": sections,
        "access_purpose": current_purpose(request),
    }
