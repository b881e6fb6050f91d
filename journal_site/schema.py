"""OpenAPI: the error answers every operation can give, stated in the schema.

Views document their successes and the errors particular to them; the errors
common to all (docs/api.md: 400, 401, 403, 404, 413, 415, 429) are
added here, each only where it can happen, with the body it really has; an
error a view documented by its description alone gets its body too.
"""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A field -> messages map, or {"detail": ...} for errors of the whole request.
VALIDATION_ERROR = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {}},
            {"type": "object"},
        ]
    },
}
DESCRIPTIONS = {
    "400": "Bad input: a field -> messages map, or detail.",
    "401": "No credentials, or bad ones.",
    "403": "Not allowed (or a session request without its CSRF token).",
    "404": "Not found, also for another user's object.",
    "413": "The body is over the limit.",
    "415": "A body of a media type this operation does not read.",
    "429": "Too many requests; see Retry-After.",
}


def _response(code: str) -> dict:
    name = "ValidationError" if code == "400" else "Error"
    return {
        "description": DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: add the common error responses."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            codes = {"429"}
            if operation.get("security") and {} not in operation["security"]:
                codes |= {"401", "403"}
            if any(p.get("in") == "path" for p in parameters):
                codes.add("404")
            if any(p.get("in") == "query" for p in parameters):
                codes.add("400")
            if "requestBody" in operation:
                codes |= {"400", "413", "415"}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, _response(code))
            # Errors a view documented by description alone get the body they have.
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = _response(code if code == "400" else "401")["content"]
    return result
