from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# Editors curate content; users, profiles and what users own stay out of their reach.
CONTENT_MODELS = {
    "practice": ["topic", "question", "keypoint", "questionflag"],
    "assessments": [
        "skillarea",
        "skill",
        "rubriclevel",
        "roleprofile",
        "targetlevel",
        "guidesection",
        "guideitem",
        "salarybenchmark",
    ],
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    for app_label, models in CONTENT_MODELS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            )
        )


def delete_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_initial"),
        ("assessments", "0002_skills_and_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
