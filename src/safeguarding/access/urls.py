from django.urls import path

from safeguarding.access import views

app_name = "access"
urlpatterns = [
    path("sign-in/", views.LoginView.as_view(), name="login"),
    path("sign-out/", views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit"),
    path("purpose/", views.state_purpose, name="purpose"),
]
