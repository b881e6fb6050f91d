"""schemathesis against the OpenAPI schema of a live server, as a signed-in user.

Every operation gets generated requests, valid and invalid. The checks: no 5xx,
responses conform to the schema, and no route ignores authentication (the same
request without credentials must be refused).

The schema is the one /api/schema/ serves (a test below compares them); it is
built at collection time so that each operation is a test of its own, with an
id that names it (so pytest-xdist can hand the operations to its workers).
"""

import os

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings, strategies
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth, response_schema_conformance, status_code_conformance

from accounts.tests.factories import UserFactory
from conversations.tests.factories import MessageFactory
from diary.tests.factories import EntryFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


def served_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(served_schema())
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def fuzz_headers(settings):
    settings.RATE_LIMIT_PER_MINUTE = 1_000_000
    user = UserFactory(username="fuzzer", email="fuzzer@example.com")
    EntryFactory.create_batch(3, user=user)
    MessageFactory.create_batch(2, user=user)
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


def test_fuzzed_schema_is_the_served_one(live_server):
    import requests

    served = requests.get(live_server.url + "/api/schema/", params={"format": "json"}, timeout=10).json()
    assert served["paths"].keys() == schema.raw_schema["paths"].keys()


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_api_survives_generated_requests(operation, live_server, fuzz_headers):
    # Valid and invalid requests alike: every generation mode the schema's configuration names.
    @given(case=strategies.one_of(*(operation.as_strategy(mode) for mode in schema.config.generation.modes)))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def survives(case):
        case.call_and_validate(
            base_url=live_server.url,
            headers=fuzz_headers,
            checks=[not_a_server_error, status_code_conformance, response_schema_conformance, ignored_auth],
        )

    survives()
