"""Service errors and the HTTP error pages and JSON errors they become."""

import math
import time

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from civicnet.extensions import limiter


class SearchUnavailable(Exception):
    """The search index is missing or damaged and is being rebuilt (search says so; pages show it)."""


class ServiceError(Exception):
    """A rule was broken; the message is written for the person who broke it."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, advice: str | None = None):
        super().__init__(message)
        self.message = message
        self.advice = advice  # what to do next, on the error page (instead of the usual line)


class Invalid(ServiceError):
    """Input that breaks a business rule, tied to the form field it came from."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


PAGE_TEXT = {
    400: ("There is a problem with your request", "Check what you entered and try again."),
    403: ("You do not have permission to see this page", "If you think you should, contact a moderator."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("This action is not allowed here", "Go back and try again from the page you were on."),
    413: ("What you sent is too large", "Make it shorter and try again."),
    429: ("Too many requests", "Wait a moment, then try again."),
    500: ("Sorry, there is a problem with civicnet", "Try again later. Nothing you saved has been lost."),
}


TOO_LARGE = (
    "What you sent is larger than civicnet accepts. If you chose a file, choose a smaller one: "
    "the form says the largest it takes."
)


def wants_json() -> bool:
    """True for API calls, which get JSON errors instead of pages."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str | None = None, advice: str | None = None):
    """Render an error as JSON for API clients or as a page for people (advice replaces the usual line)."""
    title, usual = PAGE_TEXT.get(status, PAGE_TEXT[400] if status < 500 else PAGE_TEXT[500])
    advice = advice or usual
    if wants_json():
        return jsonify(error={"code": code, "message": message or title}), status
    page = render_template("errors/error.html", status=status, title=title, message=message, advice=advice)
    return make_response(page), status


def retry_after(error: HTTPException) -> int:
    """Whole seconds until a refused request may be sent again (at least 1)."""
    if isinstance(error.retry_after, int | float):
        return max(1, math.ceil(error.retry_after))
    breached = limiter.current_limit
    return max(1, math.ceil(breached.window.reset_time - time.time())) if breached is not None else 60


def register_error_handlers(app: Flask) -> None:
    """Send every error through the same designed page or JSON body."""

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        return error_response(error.status, error.code, error.message, error.advice)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(
            400,
            "csrf_failed",
            "This form was open too long or came from another site. Go back, reload the page and try again.",
        )

    @app.errorhandler(429)
    def too_many(error: HTTPException):
        seconds = retry_after(error)
        wait = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
        response, status = error_response(429, "rate_limited", error.description, f"You can try again in {wait}.")
        response.headers["Retry-After"] = str(seconds)
        return response, status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = error.description if status in (400, 413) and error.description else None
        if isinstance(error, RequestEntityTooLarge) and message == RequestEntityTooLarge.description:
            message = TOO_LARGE  # Werkzeug's own words say nothing a member can act on
        response, status = error_response(status, (error.name or "error").lower().replace(" ", "_"), message)
        # Keep what the exception says about the answer, such as a 405's Allow (RFC 9110 requires it).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, status

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "server_error")
