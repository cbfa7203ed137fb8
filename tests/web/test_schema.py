"""Schemathesis against the OpenAPI schema: generated requests to every endpoint (valid and
invalid parameters) find no 5xx and no response that breaks the documented schema.

The write endpoints are called with the configured token, so their parsing and guards are
exercised too (generated uploads are refused with 413 or 422; any that built would be
recorded in this test's own throwaway store).
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from .conftest import TOKEN, _build_demo


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from innovindex.web.app import create_app

    db = tmp_path_factory.mktemp("schema") / "store.duckdb"
    _build_demo(db, n_units=10, years=range(2021, 2024))
    app = create_app(db, token=TOKEN, max_upload=200_000)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_api_conforms_to_its_schema(api_schema: Any) -> None:
    # The schemathesis pytest plugin does not load under this pytest, so each operation's
    # Hypothesis strategy is driven directly: the same generation and the same checks.
    from hypothesis import given

    operations = [r.ok() for r in api_schema.get_all_operations()]
    assert len(operations) >= 10
    seen: set[str] = set()
    for op in operations:
        has_input = any(len(getattr(op, a)) for a in ("path_parameters", "query", "body"))
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if has_input else [])
        for mode in modes:

            @given(case=op.as_strategy(generation_mode=mode))
            @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
            def check(case: Any) -> None:
                if case.method == "POST":
                    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKEN}"}
                seen.add(case.method)
                with warnings.catch_warnings():
                    warnings.filterwarnings(
                        "ignore", message="Using `httpx` with `starlette.testclient`"
                    )
                    # An upload's contents cannot be described by the schema: a schema-valid
                    # multipart body with a random file is rightly refused (422), so the
                    # "schema-valid request accepted" check does not apply to the POSTs.
                    skip = [positive_data_acceptance] if case.method == "POST" else []
                    case.call_and_validate(excluded_checks=skip)

            check()
    assert seen == {"GET", "POST"}
