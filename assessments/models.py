from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

LEVEL_MIN = 0
LEVEL_MAX = 4
LEVEL_VALIDATORS = [MinValueValidator(LEVEL_MIN), MaxValueValidator(LEVEL_MAX)]
LEVEL_IN_RANGE = Q(level__gte=LEVEL_MIN) & Q(level__lte=LEVEL_MAX)


class SlugNaturalKeyManager(models.Manager):
    """Lets shipped fixtures refer to rows by slug, so pks never collide with editors' rows."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class NamedEntry(models.Model):
    """Shipped content with a name, a slug that fixtures refer to, and a display order."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = SlugNaturalKeyManager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class GuideSection(models.Model):
    """One part of the role guide at /role/: the daily tasks, the tools, the KPIs, …"""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    intro = models.TextField(blank=True, help_text="A short paragraph shown under the title.")
    order = models.PositiveSmallIntegerField(default=0)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class GuideItemManager(models.Manager):
    def get_by_natural_key(self, section_slug, slug):
        return self.get(section__slug=section_slug, slug=slug)


class GuideItem(models.Model):
    """An entry of a guide section; a challenge also carries the practice that overcomes it."""

    section = models.ForeignKey(GuideSection, on_delete=models.CASCADE, related_name="items")
    slug = models.SlugField()
    title = models.CharField(max_length=120)
    body = models.TextField()
    remedy_title = models.CharField(
        max_length=120,
        blank=True,
        help_text="For a challenge: the name of the practice that overcomes it.",
    )
    remedy = models.TextField(blank=True, help_text="For a challenge: how that practice helps.")
    order = models.PositiveSmallIntegerField(default=0)

    objects = GuideItemManager()

    class Meta:
        ordering = ["section", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["section", "slug"], name="guide_item_unique_slug"),
            models.CheckConstraint(
                condition=Q(remedy="") | ~Q(remedy_title=""),
                name="guide_item_remedy_has_title",
                violation_error_message="A remedy needs a title.",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.section.natural_key(), self.slug)

    natural_key.dependencies = ["assessments.guidesection"]


class SalaryBenchmark(models.Model):
    """Yearly pay of an ML engineer in one country, in its own currency.

    Figures are kept as the source gives them, unconverted: it states no exchange rates.
    """

    slug = models.SlugField(unique=True)
    country = models.CharField(max_length=80)
    currency = models.CharField(max_length=3, help_text="ISO 4217 code, e.g. USD, EUR.")
    average = models.PositiveIntegerField()
    low = models.PositiveIntegerField()
    high = models.PositiveIntegerField()
    order = models.PositiveSmallIntegerField(default=0)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["order", "country"]
        constraints = [
            models.CheckConstraint(
                condition=Q(low__lte=F("average")) & Q(average__lte=F("high")),
                name="salary_average_within_range",
                violation_error_message="The average must lie between the low and high figures.",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="salary_currency_iso_code",
                violation_error_message="Use a three-letter currency code in capitals.",
            ),
        ]

    def __str__(self):
        return f"{self.country} ({self.currency})"

    def natural_key(self):
        return (self.slug,)


class SkillArea(NamedEntry):
    """A family of skills, e.g. "Data preparation" or "ML in production"."""


class Skill(models.Model):
    """One concrete ability an ML engineer needs, rated on a 0–4 rubric."""

    area = models.ForeignKey(SkillArea, on_delete=models.PROTECT, related_name="skills")
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    description = models.TextField()
    qualification = models.CharField(
        max_length=160,
        help_text="Where the role asks for it: the qualification, tool or task it comes from.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["area__order", "order", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class RubricLevelManager(models.Manager):
    def get_by_natural_key(self, skill_slug, level):
        return self.get(skill__slug=skill_slug, level=level)


class RubricLevel(models.Model):
    """What a skill looks like at one level, in observable behaviour."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="rubric_levels")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    title = models.CharField(max_length=80)
    descriptor = models.TextField()

    objects = RubricLevelManager()

    class Meta:
        ordering = ["skill", "level"]
        constraints = [
            models.UniqueConstraint(fields=["skill", "level"], name="rubric_one_per_skill_level"),
            models.CheckConstraint(condition=LEVEL_IN_RANGE, name="rubric_level_range"),
        ]

    def __str__(self):
        return f"{self.skill} · {self.level} {self.title}"

    def natural_key(self):
        return (*self.skill.natural_key(), self.level)

    natural_key.dependencies = ["assessments.skill"]


class RoleProfile(NamedEntry):
    """A role a learner can aim at, e.g. junior ML engineer, with a target level per skill."""


class TargetLevelManager(models.Manager):
    def get_by_natural_key(self, profile_slug, skill_slug):
        return self.get(profile__slug=profile_slug, skill__slug=skill_slug)


class TargetLevel(models.Model):
    profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="targets")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="targets")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)

    objects = TargetLevelManager()

    class Meta:
        ordering = ["profile", "skill"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill"], name="target_one_per_profile_skill"
            ),
            models.CheckConstraint(condition=LEVEL_IN_RANGE, name="target_level_range"),
        ]

    def __str__(self):
        return f"{self.profile}: {self.skill} at {self.level}"

    def natural_key(self):
        return (*self.profile.natural_key(), *self.skill.natural_key())

    natural_key.dependencies = ["assessments.roleprofile", "assessments.skill"]


class Assessment(models.Model):
    """A snapshot of how a user rates themselves on every skill; never edited once finished."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    role_profile = models.ForeignKey(
        RoleProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
        verbose_name="target role",
    )
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # Mean distance between self-ratings and demonstrated grades when the snapshot was taken,
    # kept so that the trend over snapshots needs no re-computation from old attempts.
    calibration_gap = models.FloatField(null=True, blank=True)
    # The key of the form page that finished this snapshot: the same page sent again (a
    # double click, a resubmitted post) finds it instead of making a second snapshot.
    form_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["user", "status", "-created"], name="assessment_user_recent")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "complete"]), name="assessment_status_valid"
            ),
            # One draft at a time: a second "new assessment" continues the first.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="draft"), name="assessment_one_draft"
            ),
            models.UniqueConstraint(fields=["user", "form_key"], name="assessment_one_per_form"),
        ]

    def __str__(self):
        return f"Self-assessment of {self.user} on {self.created:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Rating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="ratings")
    # Empty only in a draft, for evidence typed before a level was chosen: finishing needs
    # every level.
    level = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    evidence = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "skill"], name="rating_one_per_skill"),
            models.CheckConstraint(condition=LEVEL_IN_RANGE, name="rating_level_range"),
        ]

    def __str__(self):
        return f"{self.skill}: {'no level yet' if self.level is None else self.level}"
