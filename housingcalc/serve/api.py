"""The JSON API: one route per CLI command, answering what the CLI writes.

``POST /api/run`` takes a scenario (JSON or YAML, the body as a file would hold it) and returns
the JSON ``housingcalc run --format json`` writes, byte for byte. Errors: 422 with
``{"error": "<the CLI's line>", "errors": [...]}``.
"""

from __future__ import annotations

from typing import Annotated, Any

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


_SET = Query(
    None,
    alias="set",
    description="PATH=VALUE overrides, repeatable, as `--set` (household.income.1.monthly=26000).",
)
_EXAMPLE = Query(None, description="A packaged example, when the body is empty.")
_SOURCE = Query(
    None,
    max_length=200,
    description="The name reported as `source` and in errors (the CLI uses the file name; "
    "default: `request`).",
)


async def _case(
    request: Request, example: str | None, source: str | None, sets: list[str] | None
) -> tuple[dict[str, Any], str]:
    raw, name = await scenario_from_request(request, example, source)
    return core.apply_sets(raw, list(sets or ()), name)


def _json(data: Any) -> Response:
    from housingcalc.cli._common import to_json

    return Response(to_json(data) + "\n", media_type="application/json")


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
    example: str | None = _EXAMPLE,
    source: str | None = _SOURCE,
    sets: list[str] | None = _SET,
) -> Response:
    raw, name = await _case(request, example, source, sets)
    scenario = core.scenario_from_raw(raw, name)
    return Response(core.run_json(scenario, name, raw), media_type="application/json")


@router.post(
    "/solve",
    summary="What would make it pass: `housingcalc solve --for TARGET --format json`",
    openapi_extra=_SCENARIO_BODY,
    responses={200: {"description": "The answer, with its `set` list"}, **_ERRORS},
    response_class=JSONResponse,
)
async def solve(
    request: Request,
    target: str = Query(
        "grant", alias="for", description="grant, price, savings, income, term, interest-only"
    ),
    month: str | None = Query(None, description="The purchase month (YYYY-MM)."),
    stream: int | None = Query(None, ge=0, description="--for income: the income stream."),
    example: str | None = _EXAMPLE,
    source: str | None = _SOURCE,
    sets: list[str] | None = _SET,
) -> Response:
    from housingcalc.cli.solve import parse_month

    raw, name = await _case(request, example, source, sets)
    core.scenario_from_raw(raw, name)  # a bad case: the loader's message first
    when = parse_month(month)
    return _json(core.solve(raw, target, name, month=when, stream=stream))


@router.post(
    "/compare",
    summary="Offers side by side: `housingcalc compare --offer … --format json`",
    openapi_extra=_SCENARIO_BODY,
    responses={200: {"description": "The comparison, an `offers` list in order"}, **_ERRORS},
    response_class=JSONResponse,
)
async def compare(
    request: Request,
    offers: Annotated[
        list[str],
        Query(alias="offer", description='One offer: "PATH=VALUE,PATH=VALUE"; repeat per offer.'),
    ],
    example: str | None = _EXAMPLE,
    source: str | None = _SOURCE,
    sets: list[str] | None = _SET,
) -> Response:
    raw, name = await _case(request, example, source, sets)
    scenario = core.scenario_from_raw(raw, name)
    return _json(core.compare_offers(raw, list(offers), name, scenario.name))


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
