from django.urls import path

from safeguarding.network import views

app_name = "network"
urlpatterns = [
    path("", views.overview, name="graph"),
    path("person/<int:person_id>/", views.person, name="person"),
    path("connecting/", views.connecting, name="connecting"),
    path("run/<int:run_id>/node/<int:index>.json", views.expand, name="expand"),
    path("run/<int:run_id>/path.json", views.path, name="path"),
    path("run/<int:run_id>/community/<int:number>/", views.community, name="community"),
    path("edge/<int:edge_id>/", views.edge, name="edge"),
    path("export/<str:what>.csv", views.export, name="export"),
]
