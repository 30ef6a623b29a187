from django.contrib import admin
from django.urls import include, path

from assessments import views as assessment_views
from mlcareer import views

account_urls = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("export/", views.export, name="export"),
    path("delete/", views.account_delete_view, name="account-delete"),
    path("reset/", views.progress_reset_view, name="progress-reset"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("", include("django.contrib.auth.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("try/", views.trial_answer, name="trial-answer"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(account_urls)),
    path("role/", assessment_views.role_guide, name="role-guide"),
    path("assessments/", include("assessments.urls")),
    path("", include("practice.urls")),
    path("admin/", admin.site.urls),
]
