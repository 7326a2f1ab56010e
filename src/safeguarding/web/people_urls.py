"""The `people:` addresses: search shows what tells people apart (from risk and places too) and
the person's page and PDF gather every stage, so their views live in web."""

from django.urls import path

from safeguarding.web import person_views, search_views

app_name = "people"
urlpatterns = [
    path("", search_views.search, name="search"),
    path("<int:person_id>/", person_views.person_detail, name="detail"),
    path("<int:person_id>/pdf/", person_views.person_pdf, name="pdf"),
]
