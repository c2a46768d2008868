"""The local web app: type a formula and see it explained, read a document, play with a matrix,
race optimizers, browse the concepts. Everything is served from this machine; no request
leaves it.

``create_app()`` builds the ASGI app (FastAPI inside a guard that limits request size and adds
a Content-Security-Policy); ``serve(port)`` runs it with uvicorn on 127.0.0.1.

JSON API (OpenAPI at ``/openapi.json``; no Swagger page, which would need a CDN)::

    POST /api/explain   {"text": "..."}                        -> Explanation.to_dict() + mathml
    POST /api/read      {"text": "...", "format"?, "filename"?} -> {reading, summary, companion}
    POST /api/agent     {"matrix": [[..]]} | {"activation": "softmax"} | {"race": {...}}
    GET  /api/concepts, /api/concepts/{id}, /api/options

Errors are ``{"error": {"kind", "message", ...}}``; a formula that cannot be read gives 422 with
the FormulaError's ``column``, ``hint`` and ``caret``.
"""

from __future__ import annotations

from thirdroad.web._api import ApiError
from thirdroad.web._app import MAX_BODY, MAX_DOCUMENT, MAX_FORMULA, TIME_LIMIT, create_app, serve

__all__ = ["MAX_BODY", "MAX_DOCUMENT", "MAX_FORMULA", "TIME_LIMIT", "ApiError", "create_app", "serve"]
