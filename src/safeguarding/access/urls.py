from django.urls import path

from safeguarding.access import sign_in_views, views

app_name = "access"
urlpatterns = [
    path("sign-in/", sign_in_views.LoginView.as_view(), name="login"),
    path("sign-in/code/", sign_in_views.enter_code, name="two_factor"),
    path("sign-in/set-up/", sign_in_views.set_up, name="two_factor_set_up"),
    path("sign-in/recovery-codes/", sign_in_views.recovery_codes, name="recovery_codes"),
    path("sign-in/security/", sign_in_views.security, name="security"),
    path("sign-out/", sign_in_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/audit-log.csv", views.audit_log_download, name="audit_download"),
    path("audit/person/<int:person_id>/", views.person_viewers, name="person_viewers"),
    path("purpose/", views.state_purpose, name="purpose"),
]
