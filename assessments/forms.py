import uuid

from django import forms

from assessments.models import RoleProfile, Skill

NOTE_MAX = 2000


class FormKeyField(forms.UUIDField):
    """The hidden key of a form page; a mangled one counts as none rather than as an error
    the page could not show."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class AssessmentForm(forms.Form):
    """One level (0–4, shown as its rubric descriptor) and an evidence note per skill."""

    role_profile = forms.ModelChoiceField(
        label="Target role",
        queryset=RoleProfile.objects.all(),
        required=False,
        empty_label="Choose later",
        help_text="Your gaps are measured against the levels this role expects.",
    )
    # A new key each time the page is shown; the same page sent twice finishes once.
    form_key = FormKeyField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note to your future self (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, skills: list[Skill], finishing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.skills = skills
        self.finishing = finishing
        for skill in skills:
            self.fields[self.level_name(skill)] = forms.TypedChoiceField(
                label=skill.name,
                coerce=int,
                required=False,
                empty_value=None,
                choices=[(level.level, level.title) for level in skill.rubric_levels.all()],
                widget=forms.RadioSelect,
            )
            self.fields[self.evidence_name(skill)] = forms.CharField(
                label=f"Evidence for {skill.name} (optional)",
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(
                    attrs={"rows": 2, "placeholder": "e.g. a project, a course, a result"}
                ),
            )

    @staticmethod
    def level_name(skill: Skill) -> str:
        return f"level_{skill.slug}"

    @staticmethod
    def evidence_name(skill: Skill) -> str:
        return f"evidence_{skill.slug}"

    def clean(self):
        data = super().clean()
        if self.finishing:
            for skill in self.skills:
                if data.get(self.level_name(skill)) is None and not self.has_error(
                    self.level_name(skill)
                ):
                    self.add_error(
                        self.level_name(skill),
                        "Choose a level to finish, or save a draft and come back later.",
                    )
        return data

    def levels(self) -> dict[int, int | None]:
        return {skill.pk: self.cleaned_data.get(self.level_name(skill)) for skill in self.skills}

    def evidence(self) -> dict[int, str]:
        return {
            skill.pk: self.cleaned_data.get(self.evidence_name(skill), "").strip()
            for skill in self.skills
        }

    def groups(self) -> list[tuple]:
        """(area, [(skill, level field, evidence field, rubric levels)]) in catalogue order."""
        grouped: dict = {}
        for skill in self.skills:
            grouped.setdefault(skill.area, []).append(
                (
                    skill,
                    self[self.level_name(skill)],
                    self[self.evidence_name(skill)],
                    list(skill.rubric_levels.all()),
                )
            )
        return list(grouped.items())
