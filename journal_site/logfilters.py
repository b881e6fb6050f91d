"""Logging filters for outages: one short line a minute instead of a traceback per call."""

import logging
import threading
import time

# The JSON lines formatter of the site's logs (settings.LOGGING); gunicorn.conf.py writes the same out.
JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
}


class OncePerMinute(logging.Filter):
    """Let one record a minute through, its traceback reduced to the exception's name.

    django-redis logs every cache call it ignores while Redis is down, with a
    traceback: dozens per request. The site works on without the cache, so
    one line a minute says all there is to say.
    """

    def __init__(self, name: str = "", seconds: float = 60.0) -> None:
        super().__init__(name)
        self.seconds = seconds
        self._last = float("-inf")
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last < self.seconds:
                return False
            self._last = now
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage()} ({record.exc_info[0].__name__}); further ones muted for a minute"
            record.args = None
        record.exc_info = None
        record.exc_text = None
        return True
