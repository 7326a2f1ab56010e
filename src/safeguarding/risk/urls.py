from django.urls import path

from safeguarding.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("export.csv", views.tracker_export, name="export"),
    path("people/<int:person_id>/override/", views.set_override, name="override"),
    path("overrides/<int:override_id>/end/", views.end_override, name="end_override"),
]
