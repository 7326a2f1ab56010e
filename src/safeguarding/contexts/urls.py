from django.urls import path

from safeguarding.contexts import views

app_name = "contexts"

urlpatterns = [
    path("", views.context_list, name="list"),
    path("<int:context_id>/", views.context_detail, name="detail"),
]
