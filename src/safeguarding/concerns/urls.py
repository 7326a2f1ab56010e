from django.urls import path

from safeguarding.concerns import organisation_views, views

app_name = "concerns"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.csv", views.export, name="export"),
    path("counts/", views.counts, name="counts"),
    path("retry-waiting/", views.retry_waiting, name="retry_waiting"),
    path("organisations/", organisation_views.organisations, name="organisations"),
    path(
        "organisations/<int:organisation_id>/",
        organisation_views.organisation,
        name="organisation",
    ),
    path("<int:concern_id>/", views.detail, name="detail"),
]
