from django.urls import include, path

from practice import views

app_name = "practice"

question_urls = [
    path("", views.question_list, name="question-list"),
    path("<int:pk>/", views.question_detail, name="question-detail"),
    path("<int:pk>/bookmark/", views.question_bookmark, name="question-bookmark"),
    path("<int:pk>/note/", views.question_note, name="question-note"),
    path("<int:pk>/flag/", views.question_flag, name="question-flag"),
]

urlpatterns = [
    path("questions/", include(question_urls)),
]
