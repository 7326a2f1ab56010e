"""The `risk:` addresses: the tracker shows the panel's status too, so its view lives in web
(tracker_views.py); the export and the overrides belong to risk."""

from django.urls import path

from safeguarding.risk import views as risk_views
from safeguarding.web import tracker_views

app_name = "risk"
urlpatterns = [
    path("", tracker_views.tracker, name="tracker"),
    path("export.csv", tracker_views.tracker_export, name="export"),
    path("validation/", risk_views.validation, name="validation"),
    path("people/<int:person_id>/override/", risk_views.set_override, name="override"),
    path("overrides/<int:override_id>/end/", risk_views.end_override, name="end_override"),
]
