"""JSON list columns (emotion tags, own tag hashes) turned into rows, in the SQL of each database."""

from django.db import connection

# How each database turns a JSON list column into rows of its elements.
_EXPAND_LIST = {
    "postgresql": (
        "CROSS JOIN LATERAL jsonb_array_elements_text("
        "CASE WHEN jsonb_typeof({column}) = 'array' THEN {column} ELSE '[]'::jsonb END) AS t(tag)"
    ),
    "sqlite": "CROSS JOIN json_each(CASE WHEN json_type({column}) = 'array' THEN {column} ELSE '[]' END) AS t",
}
_TAG_VALUE = {"postgresql": "t.tag", "sqlite": "t.value"}


def json_list_expand(*, column: str) -> tuple[str, str]:
    """The join that turns a JSON list column (a constant, e.g. "e.tags") into rows, and the element's name."""
    vendor = connection.vendor if connection.vendor in _EXPAND_LIST else "sqlite"
    return _EXPAND_LIST[vendor].format(column=column), _TAG_VALUE[vendor]
