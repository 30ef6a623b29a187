"""Where an admin import's file waits between the preview and the confirmation.

django-import-export hands the confirmation form the name of the staged file. With its own
storages that name is a path in the temp directory or a cache key that anyone on the staff can
send back; here it is a random token of a database row owned by the uploader, valid for a day.
"""

import datetime as dt
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

from practice.models import StagedImport

STAGED_IMPORT_LIFETIME = dt.timedelta(days=1)


def staged_imports_expire(*, now: dt.datetime) -> int:
    """Delete staged uploads older than their lifetime; returns how many were deleted."""
    deleted, _ = StagedImport.objects.filter(created__lt=now - STAGED_IMPORT_LIFETIME).delete()
    return deleted


def staged_import_exists(*, token: str, user: AbstractBaseUser, now: dt.datetime) -> bool:
    """Whether the token names an unexpired upload of this user."""
    return StagedImport.objects.filter(
        token=token, user=user, created__gte=now - STAGED_IMPORT_LIFETIME
    ).exists()


class DatabaseStagingStorage(BaseStorage):
    """import-export's temporary storage, as rows of StagedImport.

    Saving needs the uploader (`user=`); reading and removing go by token alone, after the
    confirmation form has checked with `staged_import_exists` that the token is the user's.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")

    def save(self, data):
        if self.user is None:
            raise ValueError("A staged import needs the user who uploaded it.")
        now = timezone.now()
        staged_imports_expire(now=now)
        self.name = secrets.token_urlsafe(32)
        payload = data.encode(self.encoding or "utf-8") if isinstance(data, str) else data
        StagedImport.objects.create(token=self.name, user=self.user, data=payload, created=now)

    def read(self):
        data = bytes(StagedImport.objects.values_list("data", flat=True).get(token=self.name))
        if "b" in self.read_mode:
            return data
        return data.decode(self.encoding or "utf-8")

    def remove(self):
        StagedImport.objects.filter(token=self.name).delete()
