"""What every test app would otherwise compile again: its templates and its URL builders.

Each test makes its own app (`make_app`), and building one is mostly compiling things that are the same
in every app. Both caches below hold only what is fully determined by their key, so apps share them
safely."""

from jinja2 import BytecodeCache
from werkzeug.routing import Rule


class CompiledTemplates(BytecodeCache):
    """Every test makes its own app, and each app's Jinja environment would parse and compile every
    template it renders again (measured: 40% of the time of a run of route tests). Jinja keys this
    cache by template name and source checksum, so apps built the same way share it safely."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = CompiledTemplates()


_compile_builder = Rule._compile_builder
_BUILDERS: dict[tuple, object] = {}


def _shared_builder(rule: Rule, append_unknown: bool = True):
    """Werkzeug compiles two URL-building functions for every rule of every app: about 70% of
    create_app, and a quarter of the CPU time of the in-process tests. A builder is a plain function of
    the rule's text, its parsed parts and defaults (the converters it calls are looked up on the rule
    at call time), so apps with the same rules can share it."""
    defaults = tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items()))
    key = (rule.rule, tuple(rule._trace), defaults, append_unknown)
    if key not in _BUILDERS:
        _BUILDERS[key] = _compile_builder(rule, append_unknown)
    return _BUILDERS[key]


def share_url_builders() -> None:
    """Make every Werkzeug rule built from now on share its builders with identical rules."""
    Rule._compile_builder = _shared_builder
