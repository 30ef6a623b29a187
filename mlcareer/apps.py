from django.apps import AppConfig


class MlcareerConfig(AppConfig):
    name = "mlcareer"
    verbose_name = "Accounts"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from assessments.models import RoleProfile, RubricLevel, Skill, SkillArea, TargetLevel
        from mlcareer.caching import content_changed
        from practice.feedback.terms import terms_changed
        from practice.models import Question, Term, Topic

        # What mlcareer.caching keeps between requests is read from these models.
        for model in (Topic, Question, Skill, SkillArea, RubricLevel, RoleProfile, TargetLevel):
            post_save.connect(content_changed, sender=model, dispatch_uid=f"content-{model}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-{model}-")
        m2m_changed.connect(
            content_changed, sender=Question.skills.through, dispatch_uid="content-skills"
        )
        # The matcher keeps the equivalent terms for a few minutes; however a term changes
        # (admin, load_content, a shell), the next answer is matched with the new ones.
        post_save.connect(terms_changed, sender=Term, dispatch_uid="terms-saved")
        post_delete.connect(terms_changed, sender=Term, dispatch_uid="terms-deleted")
