"""URL helpers."""

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """Accept only a path on this site for ?next=, so sign-in cannot bounce people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
