from django.urls import path

from safeguarding.sources import views

app_name = "sources"
urlpatterns = [
    path("", views.imports, name="imports"),
    path("check/", views.check_upload, name="check"),
    path("register/", views.feed_register, name="register"),
    path("<int:batch_id>/", views.batch_detail, name="batch"),
    path("<int:batch_id>/quarantine.csv", views.quarantine_download, name="quarantine"),
]
