from django.urls import path

from safeguarding.panel import item_views, views

app_name = "panel"

urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes"),
    path("items/<int:item_id>/", item_views.item, name="item"),
    path("my-actions/", views.my_actions, name="my_actions"),
]
