"""Bulk import and export of questions, with their key points and skills, in admin.

One row a question. Columns: slug (identifies the question: an existing slug updates it),
title, topic (a topic slug), difficulty, kind, status, suggested_minutes, skills (skill
slugs separated by commas), prompt and model_answer (Markdown), and key_points: one key
point a line, written `text :: keyword, keyword, …`.
"""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

# Installed with django-import-export, which pins it; the preview diffs are the same as its own.
from diff_match_patch import diff_match_patch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.encoding import force_str
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets

from assessments.models import Skill
from practice.models import KeyPoint, Question, Topic

KEY_POINT_SEPARATOR = "::"
MAX_KEY_POINTS = 6
KEY_POINT_MAX_CHARS = KeyPoint._meta.get_field("text").max_length


def key_points_parse(cell: str) -> list[tuple[str, str]]:
    """Read the key_points cell into (text, keywords) pairs; ValueError says what is wrong."""
    points = []
    for number, line in enumerate((cell or "").splitlines(), start=1):
        if not line.strip():
            continue
        text, separator, keywords = line.partition(KEY_POINT_SEPARATOR)
        if not separator or not text.strip() or not keywords.strip():
            raise ValueError(
                f"key point {number} must read “text {KEY_POINT_SEPARATOR} keyword, keyword”; "
                f"got “{line.strip()[:80]}”."
            )
        if len(text.strip()) > KEY_POINT_MAX_CHARS:
            raise ValueError(
                f"key point {number} has {len(text.strip())} characters; the limit is "
                f"{KEY_POINT_MAX_CHARS}. Shorten it, or split it into two points."
            )
        points.append(
            (text.strip(), ", ".join(k.strip() for k in keywords.split(",") if k.strip()))
        )
    if not 1 <= len(points) <= MAX_KEY_POINTS:
        raise ValueError(
            f"a question needs 1 to {MAX_KEY_POINTS} key points; found {len(points)}."
        )
    return points


def key_points_format(points) -> str:
    return "\n".join(f"{point.text} {KEY_POINT_SEPARATOR} {point.keywords}" for point in points)


class TopicWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Topic, field="slug")

    def clean(self, value, row=None, **kwargs):
        if not value:
            raise ValueError("the topic is missing.")
        try:
            return super().clean(value, row, **kwargs)
        except Topic.DoesNotExist:
            raise ValueError(f"there is no topic with the slug “{value}”.") from None


class WholeMinutesWidget(widgets.IntegerWidget):
    """Suggested minutes as the model takes them: a whole number in its range, said plainly."""

    def __init__(self):
        super().__init__()
        field = Question._meta.get_field("suggested_minutes")
        bounds = [v.limit_value for v in field.validators if hasattr(v, "limit_value")]
        self.low, self.high = min(bounds), max(bounds)

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        whole = number is not None and number.is_finite() and number == number.to_integral()
        if not whole or not self.low <= number <= self.high:
            raise ValueError(
                f"suggested_minutes must be a whole number of minutes from {self.low} to "
                f"{self.high}; got “{value}”."
            )
        return int(number)


def rows_sharing_a_slug(dataset) -> list[str]:
    """One message per slug that several rows use, compared ignoring case, naming the rows."""
    if "slug" not in (dataset.headers or []):
        return []
    rows_by_slug = defaultdict(list)
    for number, slug in enumerate(dataset["slug"], start=1):
        if str(slug or "").strip():
            rows_by_slug[str(slug).strip().lower()].append((number, str(slug).strip()))
    messages = []
    for rows in rows_by_slug.values():
        if len(rows) > 1:
            numbers = [str(number) for number, _ in rows]
            listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
            messages.append(
                f"Rows {listed} have the same slug “{rows[0][1]}” (slugs are compared ignoring "
                "case). Each question needs its own slug."
            )
    return messages


class PreviewDiff(resources.Diff):
    """The import preview's cells, with what a row changes marked by <ins> and <del> alone.

    django-import-export colours the changes with style attributes, which the content
    security policy refuses; the admin's stylesheets colour the tags instead.
    """

    TAGS = {
        diff_match_patch.DIFF_DELETE: "del",
        diff_match_patch.DIFF_INSERT: "ins",
        diff_match_patch.DIFF_EQUAL: "span",
    }

    def as_html(self):
        matcher = diff_match_patch()
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            changes = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(changes)
            cells.append(
                format_html_join(
                    "",
                    "<{0}>{1}</{0}>",
                    (
                        (self.TAGS[operation], mark_safe(escape(text).replace("\n", "&para;<br>")))
                        for operation, text in changes
                    ),
                )
            )
        return cells


class QuestionResource(resources.ModelResource):
    topic = fields.Field(attribute="topic", column_name="topic", widget=TopicWidget())
    skills = fields.Field(
        attribute="skills",
        column_name="skills",
        widget=widgets.ManyToManyWidget(Skill, field="slug", separator=","),
    )
    key_points = fields.Field(column_name="key_points", readonly=True)
    suggested_minutes = fields.Field(
        attribute="suggested_minutes", column_name="suggested_minutes", widget=WholeMinutesWidget()
    )

    class Meta:
        model = Question
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "topic",
            "difficulty",
            "kind",
            "status",
            "suggested_minutes",
            "skills",
            "prompt",
            "model_answer",
            "key_points",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = False

    def get_diff_class(self):
        return PreviewDiff

    def before_import(self, dataset, **kwargs):
        columns = list(self._meta.fields)
        headers = [str(header).strip() for header in (dataset.headers or [])]
        missing = [column for column in columns if column not in headers]
        unknown = [header for header in headers if header not in columns]
        if missing or unknown:
            problems = []
            if missing:
                problems.append(f"missing columns: {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown columns: {', '.join(unknown)}")
            raise ValueError(
                f"The file's header row does not match ({'; '.join(problems)}). "
                f"Expected exactly: {', '.join(columns)}."
            )
        if shared := rows_sharing_a_slug(dataset):
            raise ValueError(" ".join(shared))

    def get_export_queryset(self, request=None, **kwargs):
        return Question.objects.select_related("topic").prefetch_related("skills", "key_points")

    def get_queryset(self):
        return Question.objects.select_related("topic")

    def dehydrate_key_points(self, question: Question) -> str:
        return key_points_format(question.key_points.all())

    def dehydrate_skills(self, question: Question) -> str:
        return ",".join(skill.slug for skill in question.skills.all())

    def import_instance(self, instance, row, **kwargs):
        errors = {
            column: [f"{column} contains a NUL character, which text cannot hold; remove it."]
            for column, value in row.items()
            if isinstance(value, str) and "\x00" in value
        }
        if errors:
            raise ValidationError(errors)
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance._imported_key_points = key_points_parse(row.get("key_points", ""))
        except ValueError as error:
            errors["key_points"] = [str(error)]
        slugs = [s.strip() for s in str(row.get("skills") or "").split(",") if s.strip()]
        known = set(Skill.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        if not slugs:
            errors["skills"] = ["a question needs at least one skill."]
        elif unknown := [slug for slug in slugs if slug not in known]:
            errors["skills"] = [f"unknown skill slug(s): {', '.join(unknown)}."]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if instance.pk is None and instance.author_id is None and user is not None:
            instance.author = user

    def after_save_instance(self, instance, row, **kwargs):
        with transaction.atomic():
            instance.key_points.all().delete()
            KeyPoint.objects.bulk_create(
                KeyPoint(question=instance, order=order, text=text, keywords=keywords)
                for order, (text, keywords) in enumerate(instance._imported_key_points, start=1)
            )
