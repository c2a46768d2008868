"""The FastAPI application: a page, its own static files, and a small JSON API.

Every route is a thin call into ``_api``, run in a worker thread under a time limit. A thread
cannot be killed, so the work stops itself: the call runs under a reader ``Deadline`` that the
document reader checks before each line of plain text and each formula; when the limit fires,
the request gets a 504 and the deadline is cancelled, so the thread stops at its next
checkpoint and its CPU is free for the next request. Agents and their pictures run in worker
processes instead (``_workers``: matplotlib is not thread-safe, and drawing would hold the GIL).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from importlib.resources import files
from typing import Annotated, Any, Literal, TypeVar

from fastapi import FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from thirdroad.reader import Cancelled, Deadline, page_css, stop_when
from thirdroad.web import _api, _workers
from thirdroad.web._api import ApiError
from thirdroad.web._guard import Guard, install_error_handlers

#: Largest request body, in bytes (a long paper's source fits).
MAX_BODY = 1_000_000
#: Longest formula typed into the explain box, in characters.
MAX_FORMULA = 2_000
#: Longest document pasted or uploaded, in characters.
MAX_DOCUMENT = 400_000
#: Seconds a request may take before it is answered with 504.
TIME_LIMIT = 10.0

T = TypeVar("T")

FORMATS = Literal["markdown", "latex", "html", "text", "python"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]


class ExplainRequest(Strict):
    text: str = Field(max_length=MAX_FORMULA, description="a formula in LaTeX, Unicode, ASCII or a mangled copy")
    fade: list[Annotated[str, Field(max_length=80)]] = Field(
        default_factory=list, max_length=20, description="symbols (W) or tree places (0.1.2) to fade out")
    values: dict[Annotated[str, Field(max_length=80)], Number | list[Number]] = Field(
        default_factory=dict, max_length=20, description="the worked example's inputs, changed (the sliders)")


class ReadRequest(Strict):
    text: str = Field(max_length=MAX_DOCUMENT, description="the document itself")
    format: FORMATS | None = Field(default=None, description="by default from the file name, else guessed")
    filename: str = Field(default="", max_length=200)


class RaceRequest(Strict):
    surface: str = Field(default="rosenbrock", max_length=40)
    optimizers: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=8)
    steps: int | None = Field(default=None, ge=1, le=2_000)


class AgentRequest(Strict):
    """Exactly one of ``matrix`` (2x2 or 3x3 up to 4x4), ``activation`` and ``race``."""

    matrix: list[Annotated[list[Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]],
                           Field(min_length=1, max_length=4)]] | None = Field(default=None, max_length=4)
    activation: str | None = Field(default=None, max_length=40)
    race: RaceRequest | None = None
    picture: bool = Field(default=True, description="include a PNG picture as a data URI")

    @model_validator(mode="after")
    def exactly_one(self) -> AgentRequest:
        given = [x for x in (self.matrix, self.activation, self.race) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of: matrix, activation, race")
        return self


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "unknown concept, with suggestions"},
    413: {"description": "request body too large"},
    422: {"description": "input that cannot be read: {error: {kind, message, column, hint, caret}}"},
    504: {"description": "the request took longer than the time limit"},
}


async def _limited(fn: Callable[..., T], *args: Any, time_limit: float, worker: bool = False) -> T:
    """``fn(*args)`` in a thread (or, for agents and their pictures, a worker process: see
    ``_workers``), answered with 504 when it takes longer than ``time_limit``."""
    deadline = Deadline(time_limit)

    def stoppable() -> T:
        with stop_when(deadline):
            return fn(*args)

    try:
        call = _workers.in_worker(fn, *args) if worker else run_in_threadpool(stoppable)
        return await asyncio.wait_for(call, timeout=time_limit)
    except (TimeoutError, Cancelled):
        deadline.cancel()  # the thread, if still running, stops at its next checkpoint
        raise ApiError(504, "timeout", f"this took longer than {time_limit:g} s; try something shorter") from None


def _static(name: str) -> str:
    return files("thirdroad.web").joinpath("static", name).read_text(encoding="utf-8")


def create_app(*, time_limit: float = TIME_LIMIT, max_body: int = MAX_BODY, hosts: tuple[str, ...] = ()) -> Guard:
    """The web app, wrapped in its guard (Host check, size limit, security headers); ``hosts``
    are names it answers to besides loopback and this machine's. Serve it with uvicorn."""
    app = FastAPI(
        title="thirdroad",
        version="0.1.0",
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: not here
        redoc_url=None,
        description="The math of deep learning, through concepts: explain formulas, read documents, "
                    "watch matrices and optimizers act, browse the concepts.",
    )

    install_error_handlers(app)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"where": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
                    for e in exc.errors()]
        message = "; ".join(f"{p['where']}: {p['message']}" for p in problems[:3])
        return JSONResponse({"error": {"kind": "invalid_request", "message": message, "problems": problems}},
                            status_code=422)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(_static("index.html"))

    @app.get("/static/companion.css", include_in_schema=False)
    async def companion_css() -> Response:
        return Response(page_css(), media_type="text/css")

    app.mount("/static", StaticFiles(packages=[("thirdroad.web", "static")]), name="static")

    @app.post("/api/explain", responses=ERROR_RESPONSES)
    async def explain(body: ExplainRequest) -> dict[str, Any]:
        """``Explanation.to_dict()`` of the formula, plus ``mathml`` with the chunks boxed."""
        return await _limited(_api.explain, body.text, body.fade, body.values, time_limit=time_limit)

    @app.post("/api/read", responses=ERROR_RESPONSES)
    async def read(body: ReadRequest) -> dict[str, Any]:
        """The reading (``read --json``), a text summary and the companion page as HTML."""
        return await _limited(_api.read_document, body.text, body.format, body.filename, time_limit=time_limit)

    @app.post("/api/agent", responses=ERROR_RESPONSES)
    async def agent(body: AgentRequest) -> dict[str, Any]:
        """A matrix's description, pictures and stories; an activation; or an optimizer race."""
        if body.matrix is not None:
            return await _limited(_api.matrix_agent, body.matrix, body.picture, time_limit=time_limit, worker=True)
        if body.activation is not None:
            return await _limited(_api.activation_agent, body.activation, body.picture, time_limit=time_limit,
                                  worker=True)
        assert body.race is not None
        race = body.race
        return await _limited(_api.optimizer_race, race.surface, race.optimizers, race.steps, body.picture,
                              time_limit=time_limit, worker=True)

    @app.get("/api/options")
    async def options() -> dict[str, Any]:
        """The optimizers, surfaces, activations and concept families on offer."""
        return _api.options()

    @app.get("/api/concepts")
    async def concept_list() -> list[dict[str, str]]:
        """Every concept: id, name, family, summary."""
        return _api.concept_list()

    @app.get("/api/concepts/{cid}", responses=ERROR_RESPONSES)
    async def concept(cid: Annotated[str, Path(max_length=80)]) -> dict[str, Any]:
        """One concept, with its card (HTML) and its graph (SVG)."""
        return await _limited(_api.concept, cid, time_limit=time_limit)

    return Guard(app, max_body, hosts)


def serve(port: int = 8000, host: str = "127.0.0.1") -> None:
    """``thirdroad serve``: run the app on this machine (loopback only by default)."""
    import uvicorn

    named = () if host in ("0.0.0.0", "::") else (host,)  # a wildcard address is nobody's name
    try:
        uvicorn.run(create_app(hosts=named), host=host, port=port, log_level="info")
    finally:
        _workers.shutdown()
