"""Full text search over questions: an FTS5 table on SQLite, a tsvector table on PostgreSQL.

Both are filled here with the questions already stored; practice.search keeps them up to date.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# The SQL of practice.search as it stood when this migration was written.
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE practice_question_fts USING fts5("
    "title, prompt, model_answer, key_points, tokenize = 'porter unicode61')"
)
SQLITE_FILL = """
INSERT INTO practice_question_fts (rowid, title, prompt, model_answer, key_points)
SELECT q.id, q.title, q.prompt, q.model_answer,
       COALESCE((SELECT group_concat(k.text || ' ' || k.keywords, ' ')
                 FROM practice_keypoint k WHERE k.question_id = q.id), '')
FROM practice_question q
"""
POSTGRESQL_FILL = """
INSERT INTO practice_searchdocument (question_id, document)
SELECT q.id,
       setweight(to_tsvector('english', q.title), 'A')
       || setweight(to_tsvector('english', q.prompt), 'B')
       || setweight(to_tsvector('english', q.model_answer), 'C')
       || setweight(to_tsvector('english', COALESCE(
            (SELECT string_agg(k.text || ' ' || k.keywords, ' ')
             FROM practice_keypoint k WHERE k.question_id = q.id), '')), 'D')
FROM practice_question q
"""


def index_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
        schema_editor.execute(SQLITE_FILL)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FILL)


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE practice_question_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0016_import_job"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "question",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="practice.question",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "required_db_vendor": "postgresql",
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["document"], name="search_document_gin"
                    )
                ],
            },
        ),
        migrations.RunPython(index_create, index_drop),
    ]
