"""The web application: `create_app(settings)` builds it; services are opened once per process."""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from core.errors import NotFoundError, QueryError, ReformError, StoreError
from core.settings import Settings
from web.api import api
from web.files import files
from web.services import Services, open_services
from web.sparql import sparql
from web.ui import ui

MAX_REQUEST_BYTES = 64 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# On every response, the server's own error pages included (web.server).
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    """The Flask app: UI, JSON API and SPARQL endpoint blueprints over shared services."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)  # web.assets serves /static: hashed names, gzip, long cache
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    # JSON as UTF-8 in the documented key order: Vietnamese text as \uXXXX escapes made responses
    # up to 2x larger, and sorting keys cost time on every response.
    provider = cast(DefaultJSONProvider, app.json)
    provider.ensure_ascii, provider.sort_keys = False, False
    app.extensions["reform"] = services or open_services(settings)
    app.register_blueprint(ui)
    app.register_blueprint(api, url_prefix="/api")
    app.register_blueprint(sparql)
    app.register_blueprint(files)
    app.after_request(_security_headers)
    app.register_error_handler(QueryError, lambda exc: _error(400, str(exc)))
    app.register_error_handler(NotFoundError, lambda exc: _error(404, str(exc)))
    app.register_error_handler(ReformError, lambda exc: _error(400, str(exc)))
    app.register_error_handler(404, lambda exc: _error(404, "không tìm thấy trang này (not found)"))
    app.register_error_handler(405, _method_not_allowed)
    app.register_error_handler(StoreError, lambda exc: _error(503, str(exc)))
    app.register_error_handler(Exception, _unexpected)
    app.register_error_handler(413, lambda exc: _error(413, f"request larger than {MAX_REQUEST_BYTES // 1024} KB"))
    return app


def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)  # web/files.py sets its own CSP for PDF viewers
    return response


def _method_not_allowed(exc: MethodNotAllowed):
    response = _error(405, "this address is read-only: method not allowed")
    response = make_response(response)
    response.headers["Allow"] = ", ".join(sorted(exc.valid_methods or ["GET", "HEAD"]))
    return response


def _unexpected(exc: Exception):
    """A bug or a failing component: logged with its traceback for the operator, one line for the user."""
    if isinstance(exc, HTTPException):
        return exc
    current_app.logger.exception("unexpected error on %s", request.path)
    return _error(500, f"internal error ({type(exc).__name__}); the server log has the details")


def _error(status: int, message: str):
    """JSON for the API and SPARQL clients, a Vietnamese page for browsers."""
    if request.path.startswith("/api") or "text/html" not in request.headers.get("Accept", ""):
        response = jsonify({"error": message, "status": status})
        response.status_code = status
        return response
    return render_template("error.html", status=status, message=message), status
