"""Downloads of questions as Anki decks: the bank's current search, or the due reviews."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from assessments.queries import skills
from practice.anki_export import (
    ANKI_CONTENT_TYPE,
    ANKI_DECK_MAX_QUESTIONS,
    DeckEmptyError,
    DeckTooLargeError,
    anki_deck_questions,
    anki_filename,
    anki_package,
    image_media,
)
from practice.forms import QuestionFilterForm
from practice.models import Question
from practice.queries import question_search, topics
from practice.scheduling import review_due


def _deck_download(request, questions, *, filename: str, back: str, too_many: str, empty: str):
    try:
        deck = anki_deck_questions(questions)
    except DeckEmptyError:
        messages.info(request, empty)
        return redirect(back)
    except DeckTooLargeError as error:
        messages.error(request, too_many.format(count=error.count, most=ANKI_DECK_MAX_QUESTIONS))
        return redirect(back)
    content = anki_package(deck, media=image_media(deck), now=timezone.now())
    return HttpResponse(
        content,
        content_type=ANKI_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@require_safe
def question_list_anki(request: HttpRequest) -> HttpResponse:
    form = QuestionFilterForm(request.GET or None, topics=topics(), skills=skills())
    filters = form.filters()
    questions = question_search(user=request.user, now=timezone.now(), **filters)
    query = request.GET.copy()
    query.pop("page", None)
    back = reverse("practice:question-list") + (f"?{query.urlencode()}" if query else "")
    return _deck_download(
        request,
        questions,
        filename=anki_filename("questions", qualifier=filters.get("topic", "")),
        back=back,
        too_many="{count:,} questions match; an Anki deck holds at most {most:,}. Narrow the "
        "search (a topic, a difficulty) and download each part.",
        empty="No question matches this search, so there is nothing to download. Try fewer "
        "filters.",
    )


@require_safe
def review_anki(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    zone = timezone.get_current_timezone()
    due = review_due(user=request.user, now=now, zone=zone).order_by()
    questions = Question.objects.filter(pk__in=due.values("question")).order_by(
        "topic__order", "title", "pk"
    )
    return _deck_download(
        request,
        questions,
        filename=anki_filename("review", qualifier=now.astimezone(zone).date().isoformat()),
        back=reverse("practice:review"),
        too_many="{count:,} questions are due; an Anki deck holds at most {most:,}. Download "
        "the question bank's “Due for review” search one topic at a time instead.",
        empty="Nothing is due for review, so there is nothing to download.",
    )
