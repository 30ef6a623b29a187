from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from assessments.queries import skills
from mlcareer.post_limits import cut_oversized_post
from practice.anki_export import ANKI_DECK_MAX_QUESTIONS
from practice.bank_progress import page_progress
from practice.forms import FlagForm, NoteForm, QuestionFilterForm
from practice.marks import bookmark_set, flag_create, note_save
from practice.queries import question_for_user, question_marks, question_search, topics
from practice.search import search_found_in
from practice.sessions import session_start_for_question

QUESTIONS_PER_PAGE = 20


@require_safe
def question_list(request: HttpRequest) -> HttpResponse:
    form = QuestionFilterForm(request.GET or None, topics=topics(), skills=skills())
    now = timezone.now()
    filters = form.filters()
    questions = question_search(user=request.user, now=now, **filters)
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    question_ids = [question.pk for question in page.object_list]
    progress = page_progress(
        user=request.user, question_ids=question_ids, now=now, zone=timezone.get_current_timezone()
    )
    found_in = search_found_in(question_ids=question_ids, text=filters.get("text", ""))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practice/question_list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (question, progress[question.pk], found_in.get(question.pk))
                for question in page.object_list
            ],
            "query": query.urlencode(),
            "anki_url": reverse("practice:question-list-anki")
            + (f"?{query.urlencode()}" if query else ""),
            "anki_max": ANKI_DECK_MAX_QUESTIONS,
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


def _render_detail(request, question, *, note_form=None, flag_form=None):
    marks = question_marks(user=request.user, question=question)
    context = {
        "question": question,
        **marks,
        "note_form": note_form
        or NoteForm(initial={"text": marks["note"].text if marks["note"] else ""}),
        "flag_form": flag_form or FlagForm(),
    }
    return render(request, "practice/question_detail.html", context)


@require_safe
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, question_for_user(user=request.user, pk=pk))


@require_POST
def question_bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for_user(user=request.user, pk=pk)
    on = bookmark_set(user=request.user, question=question, on=request.POST.get("on") == "1")
    if request.htmx:
        return render(
            request,
            "practice/bookmark_button.html",
            {"question": question, "is_bookmarked": on},
        )
    messages.success(request, "Bookmarked." if on else "Bookmark removed.")
    return redirect("practice:question-detail", pk=question.pk)


@cut_oversized_post
@require_POST
def question_note(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, question, note_form=form)
    note = note_save(user=request.user, question=question, text=form.cleaned_data["text"])
    messages.success(request, "Note saved." if note else "Note deleted.")
    return redirect("practice:question-detail", pk=question.pk)


@require_POST
def question_practise(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for_user(user=request.user, pk=pk)
    session = session_start_for_question(user=request.user, question=question, now=timezone.now())
    return redirect("practice:session-detail", pk=session.pk)


@cut_oversized_post
@require_POST
def question_flag(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_for_user(user=request.user, pk=pk)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, question, flag_form=form)
    _, created = flag_create(
        user=request.user,
        question=question,
        reason=form.cleaned_data["reason"],
        comment=form.cleaned_data["comment"],
    )
    if created:
        messages.success(request, "Thank you. An editor will review this question.")
    else:
        messages.info(request, "You had already flagged this; an editor will review it.")
    return redirect("practice:question-detail", pk=question.pk)
