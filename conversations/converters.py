from django.urls import register_converter

from conversations.modes import Mode


class ModeConverter:
    """Only the known mode codes match, so an unknown mode is a 404 before any view runs."""

    regex = "|".join(mode.value for mode in Mode)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(ModeConverter, "mode")
