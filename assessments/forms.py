import uuid

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

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


class RatingsForm(forms.Form):
    """One level (0–4, shown as its rubric descriptor) and an evidence note per skill given.

    With `require_all`, every skill needs a level.
    """

    missing_level = "Choose the level that fits you for this skill."

    def __init__(self, *args, skills: list[Skill], require_all: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.skills = skills
        self.require_all = require_all
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
        if self.require_all:
            for skill in self.skills:
                name = self.level_name(skill)
                if data.get(name) is None and not self.has_error(name):
                    self.add_error(name, self.missing_level)
        return data

    def levels(self) -> dict[int, int | None]:
        return {skill.pk: self.cleaned_data.get(self.level_name(skill)) for skill in self.skills}

    def evidence(self) -> dict[int, str]:
        return {
            skill.pk: self.cleaned_data.get(self.evidence_name(skill), "").strip()
            for skill in self.skills
        }

    def rows(self) -> list[tuple]:
        """(skill, level field, evidence field, rubric levels) in the order given."""
        return [
            (
                skill,
                self[self.level_name(skill)],
                self[self.evidence_name(skill)],
                list(skill.rubric_levels.all()),
            )
            for skill in self.skills
        ]

    def missing_levels(self) -> list[Skill]:
        """The skills refused for want of a level (with `require_all`)."""
        return [
            skill
            for skill in self.skills
            if self.missing_level in self.errors.get(self.level_name(skill), [])
        ]

    def problems(self) -> list[tuple[str, str]]:
        """(what is wrong, the id of the field to jump to) for every error but a missing
        level, in the order of the page."""
        found = []
        for error in self.non_field_errors():
            found.append((error, ""))
        for name in self.errors:
            if name == NON_FIELD_ERRORS:
                continue
            field = self[name]
            # A group of choices is reached through its first choice.
            anchor = f"{field.auto_id}_0" if name.startswith("level_") else field.auto_id
            for error in field.errors:
                if error != self.missing_level:
                    found.append((f"{field.label}: {error}", anchor))
        return found


class StepForm(RatingsForm):
    """One step of the self-assessment: the skills of one area; the last step also takes the
    target role and a note."""

    def __init__(self, *args, skills: list[Skill], with_details: bool = False, **kwargs):
        super().__init__(*args, skills=skills, **kwargs)
        self.with_details = with_details
        if with_details:
            self.fields["role_profile"] = forms.ModelChoiceField(
                label="Target role",
                queryset=RoleProfile.objects.all(),
                required=False,
                empty_label="Choose later",
                help_text="Your gaps are measured against the levels this role expects.",
            )
            self.fields["note"] = forms.CharField(
                label="Note to your future self (optional)",
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class QuickStartForm(RatingsForm):
    """The few skills a role needs most, each to be rated, against that role."""

    role_profile = forms.ModelChoiceField(
        queryset=RoleProfile.objects.all(), widget=forms.HiddenInput
    )
    # A new key each time the page is shown; the same page sent twice finishes once.
    form_key = FormKeyField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    def __init__(self, *args, skills: list[Skill], **kwargs):
        super().__init__(*args, skills=skills, require_all=True, **kwargs)


class RoleChoiceForm(forms.Form):
    """Which role the quick start asks about, for a learner without a target role yet."""

    role = forms.ModelChoiceField(
        label="The role you are aiming at",
        queryset=RoleProfile.objects.all(),
        to_field_name="slug",
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
