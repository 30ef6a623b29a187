import zoneinfo

from django.utils import timezone

from mlcareer.accounts import profile_for

SESSION_TIME_ZONE_KEY = "time_zone"


class UserTimeZoneMiddleware:
    """Show times in the signed-in user's time zone.

    The zone is kept in the session so that pages need no extra query to find it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            name = request.session.get(SESSION_TIME_ZONE_KEY)
            if name is None:
                name = profile_for(request.user).time_zone
                request.session[SESSION_TIME_ZONE_KEY] = name
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
