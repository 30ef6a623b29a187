from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from practice import search
        from practice.models import KeyPoint, Question

        # The search index follows every save and delete of what it holds; bulk writes, which
        # send no signal, call search.search_index_refresh themselves.
        post_save.connect(search.question_saved, sender=Question, dispatch_uid="search-q")
        post_delete.connect(search.question_deleted, sender=Question, dispatch_uid="search-q-")
        post_save.connect(search.key_point_saved, sender=KeyPoint, dispatch_uid="search-kp")
        post_delete.connect(search.key_point_deleted, sender=KeyPoint, dispatch_uid="search-kp-")
