"""The project's URLs plus the linkage pages' names, as the linkage app will provide them."""

from django.http import HttpResponse
from django.urls import include, path

from safeguarding.urls import urlpatterns as project_urlpatterns


def linkage_page(request, **kwargs):
    return HttpResponse("linkage")


linkage_patterns = (
    [
        path("people/<int:person_id>/", linkage_page, name="person"),
        path("review/", linkage_page, name="review"),
    ],
    "linkage",
)
urlpatterns = [*project_urlpatterns, path("linkage/", include(linkage_patterns))]
