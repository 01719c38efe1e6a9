"""The JSON API: one route per CLI command, answering what the CLI writes.

``POST /api/run`` takes a scenario (JSON or YAML, the body as a file would hold it) and returns
the JSON ``housingcalc run --format json`` writes, byte for byte. Errors: 422 with
``{"error": "<the CLI's line>", "errors": [...]}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from housingcalc.serve import core

router = APIRouter(prefix="/api", tags=["api"])

_SCENARIO_BODY: dict[str, Any] = {
    "requestBody": {
        "description": "A scenario, as the file `housingcalc run` reads (YAML or JSON). "
        "Empty with ?example=NAME: a packaged example.",
        "required": False,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Scenario"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "The CLI's error line(s): {'error': str, 'errors': [str]}"}
}


async def scenario_from_request(
    request: Request, example: str | None, source: str | None
) -> tuple[dict[str, Any], str]:
    """The raw scenario of a request body (or a packaged example) and its source name."""
    body = await request.body()
    if not body.strip():
        if example is None:
            from housingcalc.errors import InputError

            raise InputError("body", "(empty)", "send a scenario (YAML or JSON) or ?example=NAME")
        raw, name = core.example_raw(example)
        return raw, source or name
    name = source or "request"
    return core.raw_from_text(core.decode_text(body, name), name), name


@router.get("/examples", summary="The packaged example scenarios (names and titles)")
def examples() -> list[dict[str, str]]:
    from housingcalc.scenarios import describe_examples

    return [{"name": n.removesuffix(".yaml"), "title": t} for n, t in describe_examples()]


@router.post(
    "/run",
    summary="Run a scenario: the JSON `housingcalc run --format json` writes",
    openapi_extra=_SCENARIO_BODY,
    responses={
        200: {"description": "The run JSON", "content": {"application/json": {}}},
        **_ERRORS,
    },
    response_class=JSONResponse,
)
async def run(
    request: Request,
    example: str | None = Query(None, description="A packaged example, when the body is empty."),
    source: str | None = Query(
        None, max_length=200, description="The name reported as `source` (default: `request`)."
    ),
) -> Response:
    raw, name = await scenario_from_request(request, example, source)
    scenario = core.scenario_from_raw(raw, name)
    return Response(core.run_json(scenario, name), media_type="application/json")


def add_schemas(app: Any) -> None:
    """Put the scenario model's JSON schema into the OpenAPI document."""
    from fastapi.openapi.utils import get_openapi

    from housingcalc.models.scenario import Scenario

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return dict(app.openapi_schema)
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        defs = Scenario.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(defs.pop("$defs", {}))
        components["Scenario"] = defs
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
