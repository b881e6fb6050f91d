"""DRF's JSON parser, stricter: every bad body is a 400, never a 500.

- Nesting deep enough to exhaust the parser's recursion is a parse error
  (the standard parser lets RecursionError through as a 500).
- The body must be UTF-8 and its strings valid Unicode: a lone surrogate
  (`"\\ud800"`) cannot be stored or sent on, so it is refused here.

A NUL character is left to the fields (DRF's CharField refuses it and names
the field in its answer).
"""

import json
import re

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Only bodies with such escapes need the closer (and slower) look.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _strict_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(parsers.JSONParser):
    # Messages reuse DRF's "JSON parse error - %s", which DRF's catalogues translate.

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(_("JSON parse error - %s") % "the body is not UTF-8") from None
        try:
            data = json.loads(text, parse_constant=_strict_constant)
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %s") % exc) from None
        except RecursionError:
            raise ParseError(_("JSON parse error - %s") % "nested too deeply") from None
        if _SURROGATE_ESCAPE.search(text):
            _check_strings(data)
        return data


def _check_strings(data) -> None:
    """Refuse a lone surrogate in any string, keys included (iteratively: nesting can be deep)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ParseError(_("JSON parse error - %s") % "a lone surrogate is not valid Unicode") from None
