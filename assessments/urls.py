from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("new/quick/", views.quick_start, name="quick"),
    path("gaps/", views.gaps, name="gaps"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/steps/<int:number>/", views.assessment_step, name="step"),
]
