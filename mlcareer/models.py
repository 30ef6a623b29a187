import functools
import zoneinfo

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

DAILY_GOAL_MIN = 1
DAILY_GOAL_MAX = 50


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names; read from the tz database once (each read walks it: about 20 ms)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError("“%(value)s” is not a known time zone.", params={"value": value})


class Profile(models.Model):
    """What a user sets about themselves; created with the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="How MLCareer greets you. Leave blank to use your username.",
    )
    daily_goal = models.PositiveSmallIntegerField(
        "daily practice goal",
        default=5,
        validators=[MinValueValidator(DAILY_GOAL_MIN), MaxValueValidator(DAILY_GOAL_MAX)],
        help_text=f"Questions to answer a day, {DAILY_GOAL_MIN} to {DAILY_GOAL_MAX}.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Your days, streaks and review dates follow this time zone.",
    )
    target_role = models.ForeignKey(
        "assessments.RoleProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The role you are preparing for; your gaps are measured against it.",
    )
    interview_date = models.DateField(
        null=True,
        blank=True,
        help_text="Optional. With a date, your gaps page becomes a plan for the days left.",
    )
    ai_reviews = models.BooleanField(
        "AI review of my answers",
        default=False,
        help_text="Send each written answer, with the question, to the AI judge for a verdict.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(daily_goal__gte=DAILY_GOAL_MIN) & Q(daily_goal__lte=DAILY_GOAL_MAX),
                name="profile_daily_goal_range",
            )
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def greeting_name(self) -> str:
        return self.display_name or self.user.get_username()


class UserSession(AbstractBaseSession):
    """A stored session marked with the user it is logged in as (mlcareer.sessions).

    Django's own session table keeps the user only inside the signed data, where no query can
    find it; with the user beside it, deleting an account ends its sessions on every device.
    """

    # No database constraint: a request still running when its account is deleted may save
    # its session afterwards, and that save must not fail; such a row logs nobody in (the user
    # is gone) and `clearsessions` removes it when it expires.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="login_sessions",
    )

    def __str__(self):
        # Never the session key: it is the password of the session, and admin pages list
        # related rows by their name.
        return f"Session until {self.expire_date:%Y-%m-%d %H:%M}"

    @classmethod
    def get_session_store_class(cls):
        from mlcareer.sessions import SessionStore

        return SessionStore
