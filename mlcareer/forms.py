from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm

from mlcareer import ratelimits
from mlcareer.models import Profile, time_zone_names
from practice.feedback.judge import judge_config

TRY_LATER = "Try again in about an hour."


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        help_text="Used only to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    # Filled in by static/js/time_zone.js from the browser; the profile starts in UTC without it.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    EMAIL_TAKEN = (
        "An account with this e-mail address already exists. "
        "Log in, or reset your password if you have forgotten it."
    )
    # For a sign-up that lost the race to another between this form's checks and the insert.
    TAKEN_MESSAGES = {
        "username": "That username was just taken. Please choose another.",
        "email": EMAIL_TAKEN,
    }

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, ip: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.ip = ip

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"].strip()
        return zone if zone in time_zone_names() else ""

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        # Before the look-up, whose answer tells whether an address has an account.
        over = ratelimits.limit_hit(ratelimits.SIGNUP, ip=self.ip, email=email)
        if over == "ip":
            self.add_error(None, f"Too many sign-ups from your network. {TRY_LATER}")
            return email
        if over == "email":
            raise forms.ValidationError(f"Too many sign-ups for this e-mail address. {TRY_LATER}")
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(self.EMAIL_TAKEN)
        return email


class LimitedPasswordResetForm(PasswordResetForm):
    """Django's password-reset form, with requests limited per client and per address.

    The limit counts requests for any address, with an account or not, and says the same
    for both, so that it tells nobody whether an address has an account.
    """

    def __init__(self, *args, ip: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.ip = ip

    def clean_email(self):
        email = self.cleaned_data["email"]
        over = ratelimits.limit_hit(ratelimits.PASSWORD_RESET, ip=self.ip, email=email)
        if over == "ip":
            raise forms.ValidationError(
                f"Too many password-reset requests from your network. {TRY_LATER}"
            )
        if over == "email":
            raise forms.ValidationError(
                f"Too many password-reset requests for this address. {TRY_LATER}"
            )
        return email


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=[(name, name.replace("_", " ")) for name in sorted(time_zone_names())],
        help_text=Profile._meta.get_field("time_zone").help_text,
    )

    class Meta:
        model = Profile
        fields = (
            "display_name",
            "target_role",
            "interview_date",
            "daily_goal",
            "time_zone",
            "ai_reviews",
        )
        widgets = {
            "daily_goal": forms.NumberInput(attrs={"min": 1, "max": 50}),
            "interview_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        judge = judge_config()
        if judge is None:  # no AI configured: the page does not mention it
            del self.fields["ai_reviews"]
        else:
            self.fields["ai_reviews"].help_text = (
                f"Each written answer you submit, with its question, is sent to {judge.host} "
                f"(model {judge.model}) for a second opinion. Off until you turn it on; "
                "your own grade stays the one that counts."
            )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


class ResetProgressForm(forms.Form):
    scope = forms.ChoiceField(label="What to reset")
    confirm = forms.BooleanField(
        label="I understand that my answers and review schedule for this are deleted for good.",
        error_messages={"required": "Tick the box to confirm; nothing was reset."},
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = {topic.slug: topic for topic in topics}
        self.fields["scope"].choices = [("", "Choose…"), ("all", "All my practice")] + [
            (topic.slug, f"Topic: {topic.name}") for topic in topics
        ]

    def topic(self):
        """The chosen topic, or None for everything."""
        return self.topics.get(self.cleaned_data["scope"])
