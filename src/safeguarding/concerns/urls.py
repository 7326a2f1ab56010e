from django.urls import path

from safeguarding.concerns import views

app_name = "concerns"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.csv", views.export, name="export"),
    path("counts/", views.counts, name="counts"),
    path("<int:concern_id>/", views.detail, name="detail"),
]
