from django.urls import path

from safeguarding.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("pipeline/", views.pipeline_runs, name="pipeline_runs"),
]
