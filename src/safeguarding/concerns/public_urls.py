"""The public form's addresses, under /report/: the only ones served on the public host."""

from django.urls import path

from safeguarding.concerns import public_views

app_name = "report"
urlpatterns = [
    path("", public_views.start, name="start"),
    path("details/", public_views.report, name="details"),
    path("area.json", public_views.area_outline, name="area"),
]
