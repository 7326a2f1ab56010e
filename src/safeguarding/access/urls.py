from django.urls import path

from safeguarding.access import views

app_name = "access"
urlpatterns = [
    path("sign-in/", views.LoginView.as_view(), name="login"),
    path("sign-out/", views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/audit-log.csv", views.audit_log_download, name="audit_download"),
    path("audit/person/<int:person_id>/", views.person_viewers, name="person_viewers"),
    path("purpose/", views.state_purpose, name="purpose"),
]
