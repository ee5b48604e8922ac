"""The OpenAPI path and schema of the technology register (open data: no token)."""

from civicnet.api.openapi_parts import json_answer
from civicnet.api.schemas import ref
from civicnet.register.opendata import FIELDS

_strings = {"type": "string"}
_list = {"type": "array", "items": {"type": "object"}}
_types = {
    "id": {"type": "integer"},
    "revision": {"type": "integer"},
    "tags": {"type": "array", "items": _strings},
    "deployments": _list,
    "evidence": _list,
    "reviewers": _list,
    "published_at": {"type": ["string", "null"]},
}

REGISTER_SCHEMAS = {
    "TechnologyEntry": {
        "type": "object",
        "required": list(FIELDS),
        "properties": {
            name: {**_types.get(name, _strings), "description": meaning} for name, (meaning, _, _) in FIELDS.items()
        },
    },
    "TechnologyRegister": {
        "type": "object",
        "required": ["licence", "licence_url", "fields_documented_at", "entries"],
        "properties": {
            "licence": _strings,
            "licence_url": _strings,
            "fields_documented_at": _strings,
            "entries": {"type": "array", "items": ref("TechnologyEntry")},
        },
    },
}

REGISTER_PATHS = {
    "/technology": {
        "get": {
            "summary": "Every published entry of the technology register (open data: no token needed)",
            "security": [],
            "responses": {"200": json_answer(ref("TechnologyRegister"), "The register, with its licence")},
        }
    }
}
