from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from practice.anki_export import ANKI_DECK_MAX_QUESTIONS
from practice.models import PracticeSession
from practice.pages import review_page
from practice.sessions import (
    SESSION_MAX_QUESTIONS,
    NoQuestionsError,
    SessionRequest,
    session_start,
)


@require_safe
def review(request: HttpRequest) -> HttpResponse:
    context = {
        **review_page(user=request.user, now=timezone.now()),
        "anki_url": reverse("practice:review-anki"),
        "anki_max": ANKI_DECK_MAX_QUESTIONS,
    }
    return render(request, "practice/review.html", context)


@require_POST
def review_start(request: HttpRequest) -> HttpResponse:
    session_request = SessionRequest(
        source=PracticeSession.Source.DUE, count=SESSION_MAX_QUESTIONS
    )
    try:
        session = session_start(user=request.user, request=session_request, now=timezone.now())
    except NoQuestionsError:
        messages.info(request, "Nothing is due for review right now.")
        return redirect("practice:review")
    return redirect("practice:session-detail", pk=session.pk)
