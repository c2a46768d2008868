"""Schemathesis reads the OpenAPI spec and throws generated requests at every operation of a
live server: none may answer 500. Short in the suite (25 examples per operation, derandomized);
``THIRDROAD_FUZZ_EXAMPLES=500`` for a long run."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from thirdroad.web import create_app

FASTAPI: Any = create_app().app  # the app inside the guard, for its OpenAPI document
schema = schemathesis.openapi.from_dict(FASTAPI.openapi())


@schema.parametrize()
@settings(max_examples=int(os.environ.get("THIRDROAD_FUZZ_EXAMPLES", "25")), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_request_gets_a_server_error(case: schemathesis.Case, base_url: str) -> None:
    case.call_and_validate(base_url=base_url, checks=[not_a_server_error])
