"""Schemathesis, a client nobody here wrote, against the example service's own OpenAPI document.

The service runs under a real uvicorn on 127.0.0.1; schemathesis loads ``/openapi.json``
from it and, for every operation, generates requests that fit the document (positive)
and requests that break it (negative), sends them with a valid token and runs all of
its checks on every response: no 500, the status is documented, the content type is
documented, the body matches the documented schema, valid data is accepted and invalid
data rejected. Half of the runs pin ``business_id`` to a business the token may use so
that generation reaches the routes' own validation and the 201/409 paths rather than
stopping at business_not_found.

Schemathesis's pytest plugin (``schemathesis.pytest.from_fixture``) does not run under
pytest 9, so the test drives the documented Python API instead: ``operation.as_strategy``
with Hypothesis's ``@given``, a bounded number of examples and ``derandomize=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis import GenerationMode
from tests.examples._service import load_service
from tests.strategies import AGAINST_A_SERVER

pytestmark = pytest.mark.slow  # a live server and hundreds of generated requests

EXAMPLES = 30
AUTH = {"Authorization": "Bearer tok_partner"}


def _check(strategy: Any) -> None:
    @given(case=strategy)
    @settings(AGAINST_A_SERVER, max_examples=EXAMPLES)
    def run(case: Any) -> None:
        case.call_and_validate(headers=AUTH)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("pinned", [False, True], ids=["any-business", "known-business"])
def test_the_service_keeps_its_documented_contract(
    live_server: Callable[[object], Any], mode: GenerationMode, pinned: bool
) -> None:
    with live_server(load_service().create_app()) as server:
        schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 5
        for operation in operations:
            has_business = any(p.name == "business_id" for p in operation.path_parameters)
            if pinned and not has_business:
                continue
            path_parameters = {"business_id": "biz_acme"} if pinned else None
            _check(operation.as_strategy(mode, path_parameters=path_parameters))
