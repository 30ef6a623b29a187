"""The export of questions in admin, with their key points, common mistakes and skills.

The columns and the way each cell is written are those of `practice.question_columns`, which
the import (`practice.imports`) reads back: an exported file imports as "no change".
"""

from import_export import fields, resources, widgets

from assessments.models import Skill
from practice.models import Question, Topic
from practice.question_columns import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    SOURCE_COLUMNS,
    common_mistakes_format,
    key_points_format,
)

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "SOURCE_COLUMNS", "QuestionResource"]


class QuestionResource(resources.ModelResource):
    topic = fields.Field(
        attribute="topic", column_name="topic", widget=widgets.ForeignKeyWidget(Topic, "slug")
    )
    skills = fields.Field(
        attribute="skills",
        column_name="skills",
        widget=widgets.ManyToManyWidget(Skill, field="slug", separator=","),
    )
    key_points = fields.Field(column_name="key_points", readonly=True)
    common_mistakes = fields.Field(column_name="common_mistakes", readonly=True)

    class Meta:
        model = Question
        import_id_fields = ["slug"]
        fields = COLUMNS
        export_order = COLUMNS

    def get_export_queryset(self, request=None, **kwargs):
        return Question.objects.select_related("topic").prefetch_related(
            "skills", "key_points", "common_mistakes"
        )

    def dehydrate_key_points(self, question: Question) -> str:
        return key_points_format(question.key_points.all())

    def dehydrate_common_mistakes(self, question: Question) -> str:
        return common_mistakes_format(question.common_mistakes.all())

    def dehydrate_skills(self, question: Question) -> str:
        return ",".join(skill.slug for skill in question.skills.all())
