from django.urls import path

from safeguarding.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.review, name="review"),
    path("pairs/<int:record_a>/<int:record_b>/", views.pair, name="pair"),
    path("people/<int:person_id>/", views.person, name="person"),
]
