from django import forms

from assessments.models import Skill
from practice.models import Question, QuestionFlag, QuestionNote, Topic


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
