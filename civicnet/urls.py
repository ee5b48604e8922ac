"""URL helpers."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def safe_next_url(target: str | None) -> str | None:
    """Accept only a path on this site for ?next=, so sign-in cannot bounce people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails, built from BASE_URL rather than the request's Host header,
    so a forged Host cannot redirect a reset link elsewhere; works outside requests too (CLI)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def path_for(endpoint: str, **values) -> str:
    """A path on this site (no host), in a request or outside one: payloads are also built by the message
    writer and by jobs, which have no request to build URLs from."""
    if has_request_context():
        return url_for(endpoint, **values)
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values)
