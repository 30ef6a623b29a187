from django.urls import include, path, re_path

from practice.views import anki, images, questions, review, sessions

app_name = "practice"

question_urls = [
    path("", questions.question_list, name="question-list"),
    path("anki.apkg", anki.question_list_anki, name="question-list-anki"),
    path("<int:pk>/", questions.question_detail, name="question-detail"),
    path("<int:pk>/bookmark/", questions.question_bookmark, name="question-bookmark"),
    path("<int:pk>/note/", questions.question_note, name="question-note"),
    path("<int:pk>/flag/", questions.question_flag, name="question-flag"),
    path("<int:pk>/practise/", questions.question_practise, name="question-practise"),
]

attempt_urls = [
    path("submit/", sessions.attempt_submit_view, name="attempt-submit"),
    path("skip/", sessions.attempt_skip_view, name="attempt-skip"),
    path("reveal/", sessions.attempt_reveal_view, name="attempt-reveal"),
    path("draft/", sessions.attempt_draft_view, name="attempt-draft"),
    path("grade/", sessions.attempt_grade_view, name="attempt-grade"),
    path("ai-review/", sessions.attempt_ai_review_view, name="attempt-ai-review"),
    path("ai-review/retry/", sessions.attempt_ai_review_retry, name="attempt-ai-review-retry"),
]

session_urls = [
    path("", sessions.session_detail, name="session-detail"),
    path("start/", sessions.session_begin, name="session-begin"),
    path("summary/", sessions.session_summary_view, name="session-summary"),
    path("retry/", sessions.session_retry, name="session-retry"),
    path("attempts/<int:attempt_pk>/", include(attempt_urls)),
]

practice_urls = [
    path("", sessions.practice_start, name="start"),
    path("review/", review.review, name="review"),
    path("review/start/", review.review_start, name="review-start"),
    path("review/anki.apkg", anki.review_anki, name="review-anki"),
    path("sessions/<int:pk>/", include(session_urls)),
]

urlpatterns = [
    path("questions/", include(question_urls)),
    path("practice/", include(practice_urls)),
    re_path(
        r"^images/(?P<sha256>[0-9a-f]{64})\.(?P<extension>png|jpg|gif|webp)$",
        images.image,
        name="image",
    ),
]
