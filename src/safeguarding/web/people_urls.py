"""The `people:` addresses: search belongs to people; the person's page and PDF gather every
stage, so their views live in web (person_views.py)."""

from django.urls import path

from safeguarding.people import views as people_views
from safeguarding.web import person_views

app_name = "people"
urlpatterns = [
    path("", people_views.search, name="search"),
    path("<int:person_id>/", person_views.person_detail, name="detail"),
    path("<int:person_id>/pdf/", person_views.person_pdf, name="pdf"),
]
