"""Bulk import and export of questions, with their key points and skills, in admin.

One row a question. Columns: slug (identifies the question: an existing slug updates it),
title, topic (a topic slug), difficulty, kind, status, suggested_minutes, skills (skill
slugs separated by commas), prompt and model_answer (Markdown), and key_points: one key
point a line, written `text :: keyword, keyword, …`; and, optionally, common_mistakes: one
mistake a line, written `claim => correction`, and the question's source: source_name,
source_url (http or https) and source_licence.

A new question whose row names no source (no source_name column, or an empty cell) is
recorded as from an "Unknown source", never as MLCareer's own: the file did not say where it
comes from, and the preview shows it before anything is saved.
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
from practice.models import (
    MISTAKE_SEPARATOR,
    UNKNOWN_SOURCE,
    CommonMistake,
    KeyPoint,
    Question,
    Topic,
    comma_list,
)
from practice.search import search_index_refresh

KEY_POINT_SEPARATOR = "::"
MAX_KEY_POINTS = 6
KEY_POINT_MAX_CHARS = KeyPoint._meta.get_field("text").max_length
MISTAKE_MAX_CHARS = {
    part: CommonMistake._meta.get_field(part).max_length for part in ("claim", "correction")
}
SOURCE_COLUMNS = ["source_name", "source_url", "source_licence"]
# Older exports predate these columns; a file without one leaves what it holds untouched (a new
# question without source_name is from UNKNOWN_SOURCE).
OPTIONAL_COLUMNS = ["common_mistakes", *SOURCE_COLUMNS]


def _line_pairs(cell: str, *, separator: str, what: str, shape: str) -> list[tuple]:
    """The cell's non-blank lines as (line number, left, right), split at the first
    `separator` and stripped; ValueError names a line that lacks either side."""
    pairs = []
    for number, line in enumerate((cell or "").splitlines(), start=1):
        if not line.strip():
            continue
        left, found, right = (part.strip() for part in line.partition(separator))
        if not found or not left or not right:
            raise ValueError(f"{what} {number} must read “{shape}”; got “{line.strip()[:80]}”.")
        pairs.append((number, left, right))
    return pairs


def key_points_parse(cell: str) -> list[tuple[str, str]]:
    """Read the key_points cell into (text, keywords) pairs; ValueError says what is wrong."""
    points = []
    shape = f"text {KEY_POINT_SEPARATOR} keyword, keyword"
    for number, text, keywords in _line_pairs(
        cell, separator=KEY_POINT_SEPARATOR, what="key point", shape=shape
    ):
        if len(text) > KEY_POINT_MAX_CHARS:
            raise ValueError(
                f"key point {number} has {len(text)} characters; the limit is "
                f"{KEY_POINT_MAX_CHARS}. Shorten it, or split it into two points."
            )
        points.append((text, ", ".join(comma_list(keywords))))
    if not 1 <= len(points) <= MAX_KEY_POINTS:
        raise ValueError(
            f"a question needs 1 to {MAX_KEY_POINTS} key points; found {len(points)}."
        )
    return points


def key_points_format(points) -> str:
    return "\n".join(f"{point.text} {KEY_POINT_SEPARATOR} {point.keywords}" for point in points)


def common_mistakes_parse(cell: str) -> list[tuple[str, str]]:
    """Read the common_mistakes cell into (claim, correction) pairs, blank lines skipped.

    A line splits at its first `=>`, so a correction may contain one and a claim may not.
    ValueError says which line is wrong and why.
    """
    mistakes = []
    shape = f"claim {MISTAKE_SEPARATOR} correction"
    for number, claim, correction in _line_pairs(
        cell, separator=MISTAKE_SEPARATOR, what="common mistake", shape=shape
    ):
        for part, text in (("claim", claim), ("correction", correction)):
            if len(text) > MISTAKE_MAX_CHARS[part]:
                raise ValueError(
                    f"common mistake {number} has a {part} of {len(text)} characters; "
                    f"the limit is {MISTAKE_MAX_CHARS[part]}. Shorten it."
                )
        mistakes.append((claim, correction))
    return mistakes


def common_mistakes_format(mistakes) -> str:
    return "\n".join(f"{m.claim} {MISTAKE_SEPARATOR} {m.correction}" for m in mistakes)


def common_mistakes_replace(question: Question, mistakes: list[tuple[str, str]]) -> None:
    """Make the question's mistakes exactly `mistakes`, numbered from 1.

    Rows are matched by order: an unchanged row is left alone, a changed one updated in place,
    and rows past the end deleted, so an unchanged re-import writes nothing. Runs inside
    the import's transaction.
    """
    existing = {mistake.order: mistake for mistake in question.common_mistakes.all()}
    changed, created = [], []
    for order, (claim, correction) in enumerate(mistakes, start=1):
        mistake = existing.pop(order, None)
        if mistake is None:
            created.append(
                CommonMistake(question=question, order=order, claim=claim, correction=correction)
            )
        elif (mistake.claim, mistake.correction) != (claim, correction):
            mistake.claim, mistake.correction = claim, correction
            changed.append(mistake)
    CommonMistake.objects.filter(pk__in=[m.pk for m in existing.values()]).delete()
    CommonMistake.objects.bulk_update(changed, ["claim", "correction"])
    CommonMistake.objects.bulk_create(created)


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


class StrippedTextWidget(widgets.CharWidget):
    """A one-line text cell, with the spaces around it taken off; an empty cell is ""."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs).strip()


class SourceNameWidget(StrippedTextWidget):
    """A source's name; an empty cell says the source is unknown."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or UNKNOWN_SOURCE


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
    common_mistakes = fields.Field(column_name="common_mistakes", readonly=True)
    suggested_minutes = fields.Field(
        attribute="suggested_minutes", column_name="suggested_minutes", widget=WholeMinutesWidget()
    )

    source_name = fields.Field(
        attribute="source_name", column_name="source_name", widget=SourceNameWidget()
    )
    source_url = fields.Field(
        attribute="source_url", column_name="source_url", widget=StrippedTextWidget()
    )
    source_licence = fields.Field(
        attribute="source_licence", column_name="source_licence", widget=StrippedTextWidget()
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
            "common_mistakes",
            *SOURCE_COLUMNS,
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = False

    def get_diff_class(self):
        return PreviewDiff

    def before_import(self, dataset, **kwargs):
        columns = list(self._meta.fields)
        headers = [str(header).strip() for header in (dataset.headers or [])]
        required = [column for column in columns if column not in OPTIONAL_COLUMNS]
        missing = [column for column in required if column not in headers]
        unknown = [header for header in headers if header not in columns]
        if missing or unknown:
            problems = []
            if missing:
                problems.append(f"missing columns: {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown columns: {', '.join(unknown)}")
            raise ValueError(
                f"The file's header row does not match ({'; '.join(problems)}). "
                f"Expected: {', '.join(required)}; optional: {', '.join(OPTIONAL_COLUMNS)}."
            )
        if shared := rows_sharing_a_slug(dataset):
            raise ValueError(" ".join(shared))

    def get_export_queryset(self, request=None, **kwargs):
        return Question.objects.select_related("topic").prefetch_related(
            "skills", "key_points", "common_mistakes"
        )

    def get_queryset(self):
        return Question.objects.select_related("topic")

    def dehydrate_key_points(self, question: Question) -> str:
        return key_points_format(question.key_points.all())

    def dehydrate_common_mistakes(self, question: Question) -> str:
        return common_mistakes_format(question.common_mistakes.all())

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
        if instance.pk is None and "source_name" not in row:
            instance.source_name = UNKNOWN_SOURCE
        if instance.source_name == UNKNOWN_SOURCE and any(
            str(row.get(column) or "").strip() for column in ("source_url", "source_licence")
        ):
            errors["source_name"] = [
                "the row gives a source link or licence but no source_name: name the source."
            ]
        try:
            instance._imported_key_points = key_points_parse(row.get("key_points", ""))
        except ValueError as error:
            errors["key_points"] = [str(error)]
        # None when the file has no such column: the question's mistakes stay as they are.
        instance._imported_common_mistakes = None
        if "common_mistakes" in row:
            try:
                instance._imported_common_mistakes = common_mistakes_parse(row["common_mistakes"])
            except ValueError as error:
                errors["common_mistakes"] = [str(error)]
        slugs = comma_list(str(row.get("skills") or ""))
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
            if instance._imported_common_mistakes is not None:
                common_mistakes_replace(instance, instance._imported_common_mistakes)
            search_index_refresh([instance.pk])  # the key points came in bulk
