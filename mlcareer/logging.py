"""One line a request and one line an error, on stderr, for any log collector to read."""

import logging
import time

request_log = logging.getLogger("mlcareer.requests")


class OneLineFormatter(logging.Formatter):
    """Keeps a traceback on the record's line, its line breaks shown as " | "."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


class RequestLogMiddleware:
    """Logs method, path, status, duration and user id of every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            "%s %s %s %.1fms user=%s",
            request.method,
            request.get_full_path()[:500],
            response.status_code,
            (time.perf_counter() - started) * 1000,
            user.pk if user is not None and user.is_authenticated else "-",
        )
        return response
