from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("safeguarding.web.urls")),
    path("access/", include("safeguarding.access.urls")),
    path("tracker/", include("safeguarding.web.risk_urls")),
    path("people/", include("safeguarding.web.people_urls")),
    path("linkage/", include("safeguarding.linkage.urls")),
    path("imports/", include("safeguarding.sources.urls")),
    path("places/", include("safeguarding.places.urls")),
    path("contexts/", include("safeguarding.contexts.urls")),
    path("panel/", include("safeguarding.panel.urls")),
    path("network/", include("safeguarding.network.urls")),
    path("concerns/", include("safeguarding.concerns.urls")),
    path("report/", include("safeguarding.concerns.public_urls")),
    path("admin/", admin.site.urls),
]

handler500 = "safeguarding.web.views.server_error"
