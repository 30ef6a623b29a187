from django import forms

from assessments.models import Skill
from practice.models import (
    ANSWER_MAX_CHARS,
    Grade,
    PracticeSession,
    Question,
    QuestionFlag,
    QuestionNote,
    Topic,
)
from practice.sessions import DEFAULT_QUESTIONS, SESSION_MAX_QUESTIONS, SessionRequest
from practice.trials import ticket_read


class QuestionFilterForm(forms.Form):
    """The search and filters of the question bank; every field is optional."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    topic = forms.ChoiceField(required=False)
    difficulty = forms.ChoiceField(
        required=False, choices=[("", "Any difficulty"), *Question.Difficulty.choices]
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Question.Kind.choices])
    skill = forms.ChoiceField(required=False)
    bookmarked = forms.BooleanField(label="Bookmarked only", required=False)
    unpractised = forms.BooleanField(label="Not yet practised", required=False)
    due = forms.BooleanField(label="Due for review", required=False)

    def __init__(self, *args, topics: list[Topic], skills: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = "e.g. overfitting, precision recall"
        self.fields["topic"].choices = [("", "Any topic")] + [(t.slug, t.name) for t in topics]
        self.fields["skill"].choices = [("", "Any skill")] + [(s.slug, s.name) for s in skills]

    def filters(self) -> dict:
        """The valid filters as keyword arguments for `question_search`; none when invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "text": data["q"],
            "topic": data["topic"],
            "difficulty": data["difficulty"],
            "kind": data["kind"],
            "skill": data["skill"],
            "bookmarked": data["bookmarked"],
            "unpractised": data["unpractised"],
            "due": data["due"],
        }


class NoteForm(forms.Form):
    text = forms.CharField(
        label="My private note",
        required=False,
        max_length=QuestionNote._meta.get_field("text").max_length,
        help_text="Only you can see it. Save an empty note to delete it.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FlagForm(forms.ModelForm):
    class Meta:
        model = QuestionFlag
        fields = ("reason", "comment")
        labels = {"reason": "What is wrong?", "comment": "Details for the editors (optional)"}
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "Choose a reason"), *QuestionFlag.Reason.choices]


class SessionStartForm(forms.Form):
    mode = forms.ChoiceField(
        choices=PracticeSession.Mode.choices,
        initial=PracticeSession.Mode.PRACTICE,
        widget=forms.RadioSelect,
        help_text="Practice shows the model answer after each question. A mock interview gives "
        "one total time and shows the answers only at the end, as in a real interview.",
    )
    source = forms.ChoiceField(
        label="Questions",
        choices=PracticeSession.Source.choices,
        initial=PracticeSession.Source.MIXED,
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(
        label="Number of questions",
        min_value=1,
        max_value=SESSION_MAX_QUESTIONS,
        initial=DEFAULT_QUESTIONS,
        widget=forms.NumberInput(attrs={"min": 1, "max": SESSION_MAX_QUESTIONS}),
    )
    difficulty = forms.ChoiceField(
        required=False, choices=[("", "Any difficulty"), *Question.Difficulty.choices]
    )
    topics = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None ticked: all topics."
    )
    skills = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None ticked: all skills."
    )

    def __init__(self, *args, topics: list[Topic], skills: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.slug, t.name) for t in topics]
        self.fields["skills"].choices = [(s.slug, s.name) for s in skills]

    def session_request(self) -> SessionRequest:
        data = self.cleaned_data
        return SessionRequest(
            mode=data["mode"],
            source=data["source"],
            count=data["count"],
            topics=tuple(data["topics"]),
            skills=tuple(data["skills"]),
            difficulty=data["difficulty"],
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        required=False,
        max_length=ANSWER_MAX_CHARS,
        strip=False,
        # The one thing to do on the page: typing starts at once, no Tab through the menu.
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true", "autofocus": True}),
        error_messages={
            "max_length": "Your answer is %(show_value)d characters long; the limit is "
            "%(limit_value)d. Shorten it: interview answers are rarely that long."
        },
    )

    def clean_answer(self):
        answer = self.cleaned_data["answer"]
        if not answer.strip():
            raise forms.ValidationError("Write your answer first, or skip the question.")
        return answer


class TrialAnswerForm(AnswerForm):
    """A visitor's answer on the landing page, with the signed ticket of the question shown.

    The answer box takes no focus when the page opens: the landing page is read from its
    headline. After a refused submit it has focus again, beside its error.
    """

    ticket = forms.CharField(widget=forms.HiddenInput, required=False)

    TICKET_UNREADABLE = (
        "This page could not tell which question you answered, so here it is again with your "
        "text: submit once more."
    )
    QUESTION_GONE = (
        "That question is no longer offered here, so here is another one; your text is kept below."
    )

    def __init__(self, *args, questions: list[Question], autofocus: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.question: Question | None = None
        self.shown_at = None
        if not autofocus:
            self.fields["answer"].widget.attrs.pop("autofocus", None)

    def clean_answer(self):
        answer = self.cleaned_data["answer"]
        if not answer.strip():
            raise forms.ValidationError(
                "Write your answer first: a few sentences are enough to get feedback."
            )
        return answer

    def clean(self):
        cleaned = super().clean()
        read = ticket_read(cleaned.get("ticket") or "")
        if read is None:
            self.add_error(None, self.TICKET_UNREADABLE)
            return cleaned
        question_id, self.shown_at = read
        self.question = next((q for q in self.questions if q.pk == question_id), None)
        if self.question is None:
            self.shown_at = None
            self.add_error(None, self.QUESTION_GONE)
        return cleaned


class GradeForm(forms.Form):
    grade = forms.TypedChoiceField(
        label="How good was your answer?",
        coerce=int,
        choices=[(grade.value, grade.label) for grade in Grade],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a grade from 0 to 4."},
    )
    key_points = forms.TypedMultipleChoiceField(
        label="Key points your answer makes correctly",
        help_text=(
            "Your ticks are the record your progress is built from. Matching only suggests "
            "which points your text mentions; it cannot tell whether what it says is right."
        ),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, key_points: list, suggested: frozenset[int] = frozenset(), **kwargs):
        """`suggested`: ids of the points matching found in the text, labelled as such and
        left for the learner to tick."""
        super().__init__(*args, **kwargs)
        self.fields["key_points"].choices = [
            (point.pk, f"{point.text} (matching found this in your text)")
            if point.pk in suggested
            else (point.pk, point.text)
            for point in key_points
        ]
