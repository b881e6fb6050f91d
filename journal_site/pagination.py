"""Cursor pagination whose cursor cannot reach the query unchecked.

DRF's cursor carries the ordering field's value as text ("p="); a forged one
(not a date, a naive date, out of range) made the database or Django raise and
the request answer 500. The position is parsed here first and a bad one is 404,
as for a page that does not exist.
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class CreatedAtCursorPagination(CursorPagination):
    """Newest first by (created_at, id); the position must be an aware date and time."""

    ordering = ("-created_at", "-id")
    invalid_cursor_message = gettext_lazy("Invalid cursor.")

    def decode_cursor(self, request: Request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                position = parse_datetime(cursor.position)
            except (ValueError, OverflowError):
                position = None
            if position is None or timezone.is_naive(position):
                raise NotFound(self.invalid_cursor_message)
        return cursor
