from django.urls import path

from assessments import views

urlpatterns = [
    path("", views.role_guide, name="role-guide"),
]
