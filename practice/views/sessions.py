from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from assessments.queries import skills
from mlcareer.post_limits import cut_oversized_post
from practice.access import attempt_for_user, session_for_user
from practice.ai_reviews import retry_review, review_for_page
from practice.forms import AnswerForm, GradeForm, SessionStartForm
from practice.grade_notes import grade_note
from practice.models import ANSWER_MAX_CHARS, Attempt
from practice.pages import ready_page, session_page, session_summary, start_page
from practice.queries import topics
from practice.sessions import (
    NoQuestionsError,
    active_seconds_sent,
    attempt_grade,
    attempt_reveal,
    attempt_save_draft,
    attempt_skip,
    attempt_submit,
    quick_start_request,
    session_clock_start,
    session_deadline,
    session_expire,
    session_past_deadline,
    session_retry_missed,
    session_start,
    session_waiting_to_start,
)

NO_QUESTIONS = (
    "No published question matches these choices. Widen the filters, or pick “Mixed” "
    "to fall back on questions you have practised before."
)


def _late_text_note(session) -> str:
    deadline = timezone.localtime(session_deadline(session))
    return (
        f"Time was up at {deadline:%H:%M}: the text you sent after it was not recorded. Each "
        "answer stands as it was saved at time-up."
    )


def _start_form(data=None):
    return SessionStartForm(data, topics=topics(), skills=skills())


@require_http_methods(["GET", "POST"])
def practice_start(request: HttpRequest) -> HttpResponse:
    form = _start_form(request.POST if "start" in request.POST else None)
    if request.method == "POST":
        session_request = None
        if "quick" in request.POST:
            session_request = quick_start_request(user=request.user, now=timezone.now())
        elif form.is_valid():
            session_request = form.session_request()
        if session_request is not None:
            try:
                session = session_start(
                    user=request.user, request=session_request, now=timezone.now()
                )
            except NoQuestionsError:
                messages.error(request, NO_QUESTIONS)
            else:
                return redirect("practice:session-detail", pk=session.pk)
    return render(
        request, "practice/practice_start.html", {"form": form, **start_page(user=request.user)}
    )


@require_safe
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for_user(user=request.user, pk=pk)
    if session_waiting_to_start(session):
        return render(request, "practice/session_ready.html", ready_page(session))
    session_expire(session, now=timezone.now())
    page = session_page(session, now=timezone.now())
    if page is None:
        return redirect("practice:session-summary", pk=session.pk)
    return render(request, "practice/session_detail.html", page)


@require_POST
def session_begin(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a mock interview's clock; pressed again (or reloaded), it changes nothing."""
    session = session_for_user(user=request.user, pk=pk)
    session_clock_start(session, now=timezone.now())
    return redirect("practice:session-detail", pk=session.pk)


def _render_step(request, session, **forms):
    """The session's current step: the whole page, or for htmx only the step (with the due
    count out of band) to swap in place. When nothing is left, on to the summary."""
    page = session_page(session, now=timezone.now(), **forms)
    if page is None:
        if request.htmx:
            return HttpResponseClientRedirect(
                reverse("practice:session-summary", kwargs={"pk": session.pk})
            )
        return redirect("practice:session-summary", pk=session.pk)
    if request.htmx:
        return render(request, "practice/session_step.html", {**page, "partial": True})
    return render(request, "practice/session_detail.html", page)


def _sent_text(request: HttpRequest) -> str:
    return request.POST.get("answer", "")[:ANSWER_MAX_CHARS]


def _next_step(request, session):
    """After a step is recorded: a redirect to the session page, or by htmx the next step
    itself, so that a review goes from card to card without reloading the page."""
    if request.htmx:
        return _render_step(request, session)
    return redirect("practice:session-detail", pk=session.pk)


@cut_oversized_post
@require_POST
def attempt_submit_view(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, session_pk=pk, pk=attempt_pk)
    session, now = attempt.session, timezone.now()
    if session_waiting_to_start(session):
        return redirect("practice:session-detail", pk=pk)
    text = _sent_text(request)
    if session_expire(session, now=now):
        if text.strip() and text != attempt.draft:
            messages.warning(request, _late_text_note(session))
        return redirect("practice:session-summary", pk=pk)
    if attempt.status != Attempt.Status.PENDING:
        if session.timed_out:
            messages.warning(request, _late_text_note(session))
        else:
            messages.info(request, "That answer was already recorded.")
        return _next_step(request, session)
    active = active_seconds_sent(request.POST.get("active_seconds"))
    if session_past_deadline(session, now=now):
        # Sent at time-up (the page submits itself at 0:00): recorded as cut off, even empty.
        attempt_submit(attempt, answer=text, now=now, active_seconds=active)
        return redirect("practice:session-summary", pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        attempt_save_draft(attempt, text=text)
        return _render_step(request, session, answer_form=form)
    if not attempt_submit(
        attempt, answer=form.cleaned_data["answer"], now=now, active_seconds=active
    ):
        messages.info(request, "That answer was already recorded.")
    return _next_step(request, attempt.session)


@require_POST
def attempt_skip_view(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, session_pk=pk, pk=attempt_pk)
    session, now = attempt.session, timezone.now()
    if session_waiting_to_start(session):
        return _next_step(request, session)
    if session_expire(session, now=now):
        return redirect("practice:session-summary", pk=pk)
    attempt_save_draft(attempt, text=_sent_text(request))
    attempt_skip(
        attempt, now=now, active_seconds=active_seconds_sent(request.POST.get("active_seconds"))
    )
    return _next_step(request, session)


@cut_oversized_post
@require_POST
def attempt_reveal_view(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, session_pk=pk, pk=attempt_pk)
    if attempt.session.is_mock:
        messages.error(request, "A mock interview shows the model answers at the end.")
    elif attempt.status == Attempt.Status.PENDING:
        attempt_save_draft(attempt, text=_sent_text(request))
        attempt_reveal(attempt)
    return _next_step(request, attempt.session)


@require_POST
def attempt_draft_view(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, session_pk=pk, pk=attempt_pk)
    text = request.POST.get("answer", "")
    if len(text) > ANSWER_MAX_CHARS:
        return HttpResponse("The draft is over the answer length limit.", status=400)
    now = timezone.now()
    if session_waiting_to_start(attempt.session) or session_past_deadline(
        attempt.session, now=now
    ):
        # After time-up the draft stands as it was; the page sends its text with the submit.
        session_expire(attempt.session, now=now)
        return HttpResponse(status=409)
    saved = attempt_save_draft(attempt, text=text)
    return HttpResponse(status=204 if saved else 409)


@require_POST
def attempt_grade_view(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, session_pk=pk, pk=attempt_pk)
    back_to_summary = request.POST.get("next") == "summary"
    if attempt.grade is not None:  # a form sent again, or from another tab
        messages.info(request, "That grade was already recorded.")
        if back_to_summary:
            return redirect("practice:session-summary", pk=pk)
        return _next_step(request, attempt.session)
    key_points = list(attempt.question.key_points.order_by("order"))
    form = GradeForm(request.POST, key_points=key_points)
    if not form.is_valid():
        if back_to_summary:
            page = session_summary(attempt.session, grade_data={attempt.pk: request.POST})
            return render(request, "practice/session_summary.html", page)
        return _render_step(request, attempt.session, grade_data=request.POST)
    graded = attempt_grade(
        attempt,
        grade=form.cleaned_data["grade"],
        ticked_key_points=form.cleaned_data["key_points"],
        now=timezone.now(),
    )
    if graded and (
        note := grade_note(
            grade=attempt.grade, ticked=len(attempt.ticked_key_points), total=len(key_points)
        )
    ):
        messages.warning(request, note)
    if back_to_summary:
        return redirect("practice:session-summary", pk=pk)
    return _next_step(request, attempt.session)


@require_safe
def session_summary_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for_user(user=request.user, pk=pk)
    session_expire(session, now=timezone.now())
    if session.finished_at is None:
        return redirect("practice:session-detail", pk=session.pk)
    return render(request, "practice/session_summary.html", session_summary(session))


@require_POST
def session_retry(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for_user(user=request.user, pk=pk)
    try:
        retry = session_retry_missed(session, now=timezone.now())
    except NoQuestionsError:
        messages.info(request, "No answer in this session was graded 0 or 1: nothing to retry.")
        return redirect("practice:session-summary", pk=session.pk)
    return redirect("practice:session-detail", pk=retry.pk)


def _ai_review_or_404(request: HttpRequest, pk: int, attempt_pk: int):
    attempt = attempt_for_user(user=request.user, session_pk=pk, pk=attempt_pk)
    review = review_for_page(attempt, now=timezone.now())
    if review is None:
        raise Http404("This answer has no AI review.")
    return attempt, review


def _panel_context(request: HttpRequest, attempt, review) -> dict:
    """The panel's context; `?level=` keeps the heading level of the page it sits in."""
    level = request.GET.get("level")
    return {
        "attempt": attempt,
        "review": review,
        "level": int(level) if level in ("2", "3", "4", "5") else None,
    }


@require_safe
def attempt_ai_review_view(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    """The AI review panel of one answer: polled by the page while the verdict is pending."""
    attempt, review = _ai_review_or_404(request, pk, attempt_pk)
    return render(request, "practice/ai_review.html", _panel_context(request, attempt, review))


@require_POST
def attempt_ai_review_retry(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    attempt, review = _ai_review_or_404(request, pk, attempt_pk)
    if not retry_review(review, now=timezone.now()):
        messages.info(request, "That AI review is not a failed one: nothing to retry.")
    if request.htmx:
        return render(request, "practice/ai_review.html", _panel_context(request, attempt, review))
    if attempt.session.finished_at:
        return redirect("practice:session-summary", pk=pk)
    return redirect("practice:session-detail", pk=pk)
