from django.urls import path

from safeguarding.places import views

app_name = "places"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("geography.json", views.geography, name="geography"),
    path("hotspots.json", views.hotspots, name="hotspots"),
    path("found.json", views.found, name="found"),
    path("cell.json", views.cell, name="cell"),
    path("areas.json", views.areas, name="areas"),
]
