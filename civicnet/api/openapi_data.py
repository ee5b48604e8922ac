"""The OpenAPI paths of a member's own data: their access log and their export."""

from civicnet.access_log import CATEGORIES
from civicnet.api.openapi_parts import ERRORS, json_answer, query_int
from civicnet.api.schemas import MAX_PAGE_NUMBER, ref

DATA_PATHS = {
    "/me/access-log": {
        "get": {
            "summary": "Every look at this member's data by someone acting in a role, newest first",
            "parameters": [
                {
                    "name": "category",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["", *CATEGORIES]},
                    "description": "Only looks at this kind of data (empty: every kind)",
                },
                query_int("page", "The page, from 1 (50 entries a page)", minimum=1, maximum=MAX_PAGE_NUMBER),
            ],
            "responses": {"200": json_answer(ref("AccessLog"), "The member's entries"), **ERRORS},
        }
    },
    "/me/export": {
        "post": {
            "summary": "Start an export of all this member's data (one a day)",
            "responses": {
                "202": json_answer(ref("Export"), "Started: poll GET /me/export"),
                "409": json_answer(ref("Error"), "An export was already asked for in the last 24 hours"),
                **ERRORS,
            },
        },
        "get": {
            "summary": "The latest export and how far it has got",
            "responses": {"200": json_answer(ref("Export"), "The latest export"), **ERRORS},
        },
    },
    "/me/export/archive": {
        "get": {
            "summary": "Download the latest export (a zip), within 7 days of it being ready",
            "responses": {
                "200": {
                    "description": "The archive",
                    "content": {
                        "application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}
                    },
                },
                "403": json_answer(ref("Error"), "The download has run out: ask for a new export"),
                "409": json_answer(ref("Error"), "The export is not ready yet"),
                **ERRORS,
            },
        }
    },
}
