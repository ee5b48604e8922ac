"""Template helpers available on every page. Each capability adds its own globals from its blueprint."""

from datetime import datetime

from flask import Flask, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput

from civicnet.db_types import iso
from civicnet.text import excerpt_of_html, file_size


def error_list(*forms: FlaskForm) -> list[dict]:
    """Every error on the given forms, in field order, for the GOV.UK error summary."""
    items = []
    for form in forms:
        items += [{"text": message} for message in form.form_errors]
        for field in form:
            if field.errors:
                # A date's link goes to its first box, the day (GOV.UK's date input pattern).
                target = f"{field.id}-day" if isinstance(field.widget, GovDateInput) else field.id
                items.append({"text": field.errors[0], "href": f"#{target}"})
    return items


def pagination_params(page, endpoint: str, args) -> dict:
    """Parameters for govukPagination from a Flask-SQLAlchemy page, keeping the other query arguments."""
    base = {key: value for key, value in args.items() if key != "page"}

    def link(number: int) -> str:
        return url_for(endpoint, **base, page=number)

    items = [
        {"number": number, "href": link(number), "current": number == page.page} if number else {"ellipsis": True}
        for number in page.iter_pages(left_edge=1, right_edge=1, left_current=1, right_current=2)
    ]
    return {
        "previous": {"href": link(page.prev_num)} if page.has_prev else None,
        "next": {"href": link(page.next_num)} if page.has_next else None,
        "items": items,
    }


def format_date(value: datetime | None, style: str = "date") -> str:
    if value is None:
        return ""
    if style == "datetime":
        return f"{value:%-d %B %Y at %H:%M} UTC"
    if style == "month":
        return f"{value:%B %Y}"
    return f"{value:%-d %B %Y}"


def plural(count: int, unit: str, units: str | None = None) -> str:
    """'1 minute', '5 minutes'; '1 reply', '3 replies' with the plural given."""
    return f"{count} {unit}" if count == 1 else f"{count} {units or unit + 's'}"


def duration(hours: float) -> str:
    """A length of time for people: minutes under an hour, then hours to one decimal ('1 hour', '2.5 hours')."""
    if hours < 1:
        return plural(max(round(hours * 60), 1 if hours > 0 else 0), "minute")
    rounded = round(hours, 1)
    return plural(int(rounded), "hour") if rounded == int(rounded) else f"{rounded} hours"


def register(app: Flask) -> None:
    """Add civicnet's helpers to Jinja."""
    app.add_template_global(error_list)
    app.add_template_global(pagination_params)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(duration)
    app.add_template_filter(iso)  # a time as the live payloads give it, so page and script agree
    app.add_template_filter(excerpt_of_html, "excerpt")
    app.add_template_filter(plural)
    app.add_template_filter(file_size)
    app.add_template_filter(lambda counter: sum(counter.values()), "sum_counter")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
