from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def fill_ticked_share(apps, schema_editor):
    """Graded attempts get the share their ticked ids make of the question's key points."""
    Attempt = apps.get_model("practice", "Attempt")
    KeyPoint = apps.get_model("practice", "KeyPoint")
    points: dict[int, set[int]] = {}
    for question_id, pk in KeyPoint.objects.values_list("question_id", "pk"):
        points.setdefault(question_id, set()).add(pk)
    graded = Attempt.objects.filter(grade__isnull=False).only(
        "pk", "question_id", "ticked_key_points"
    )
    batch = []
    for attempt in graded.order_by("pk").iterator(chunk_size=BATCH):
        ids = points.get(attempt.question_id)
        if not ids:
            continue  # nothing could be ticked: the share stays unknown
        ticked = {pk for pk in attempt.ticked_key_points or [] if isinstance(pk, int)}
        attempt.ticked_share = len(ticked & ids) / len(ids)
        batch.append(attempt)
        if len(batch) >= BATCH:
            Attempt.objects.bulk_update(batch, ["ticked_share"])
            batch = []
    Attempt.objects.bulk_update(batch, ["ticked_share"])


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0008_common_mistakes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="ticked_share",
            field=models.FloatField(
                blank=True,
                help_text="Share of the question's key points the user ticked when grading, 0 to 1.",
                null=True,
                verbose_name="key points ticked",
            ),
        ),
        migrations.AlterField(
            model_name="attempt",
            name="coverage",
            field=models.FloatField(
                blank=True,
                help_text="Share of key points the automatic matching found in the text, 0 to 1.",
                null=True,
                verbose_name="found by matching",
            ),
        ),
        migrations.AddConstraint(
            model_name="attempt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ticked_share__isnull", True),
                    models.Q(("ticked_share__gte", 0), ("ticked_share__lte", 1)),
                    _connector="OR",
                ),
                name="attempt_ticked_share_range",
            ),
        ),
        # Backwards the column goes away with the field: nothing to undo.
        migrations.RunPython(fill_ticked_share, migrations.RunPython.noop),
    ]
