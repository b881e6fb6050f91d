"""The OpenAPI schema states the error answers each operation can give, with their bodies."""

import pytest
from drf_spectacular.generators import SchemaGenerator

OPERATIONS = [
    (path, method, operation)
    for path, operations in SchemaGenerator().get_schema(request=None, public=True)["paths"].items()
    for method, operation in operations.items()
]


@pytest.mark.parametrize(
    ("path", "method", "operation"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS]
)
def test_operation_documents_its_errors_with_bodies(path, method, operation):
    responses = operation["responses"]
    expected = {"429"}
    if operation.get("security") and {} not in operation["security"]:
        expected |= {"401", "403"}
    if "{" in path:
        expected.add("404")
    if "requestBody" in operation:
        expected |= {"400", "413", "415"}
    assert expected <= responses.keys()
    for code, response in responses.items():
        if code.startswith("4"):  # a body to check answers against: the view's own, or the common one
            assert response["content"]["application/json"]["schema"], code
        if code in expected - {"400"} and "$ref" in response["content"]["application/json"]["schema"]:
            assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_token_endpoints_and_account_deletion_document_their_refusals():
    by_operation = {(path, method): operation["responses"] for path, method, operation in OPERATIONS}
    assert "401" in by_operation[("/api/v1/auth/token/refresh/", "post")]
    assert "401" in by_operation[("/api/v1/auth/logout/", "post")]
    assert "400" in by_operation[("/api/v1/me/", "delete")]
