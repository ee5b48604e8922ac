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


_compile = Rule.compile
_COMPILED: dict[tuple, tuple] = {}


def _shared_compile(rule: Rule) -> None:
    """Werkzeug parses every rule of every app and compiles two URL-building functions for it: about 70%
    of create_app, and a quarter of the CPU time of the in-process tests. What it makes is determined by
    the rule's text, its defaults and slash settings and the map's converters (a builder looks its
    converters up on the rule when called), so apps with the same rules share it. Besides its own parts,
    compiling adds the rule's variables to its arguments: that is done for every rule."""
    url_map = rule.map
    defaults = tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items()))
    converters = tuple(sorted((name, id(kind)) for name, kind in url_map.converters.items()))
    key = (rule.rule, rule.host, rule.subdomain, rule.merge_slashes, url_map.host_matching, defaults, converters)
    if key not in _COMPILED:
        _compile(rule)
        _COMPILED[key] = (
            rule._parts,
            rule._trace,
            rule._converters,
            rule._build.__func__,
            rule._build_unknown.__func__,
        )
        return
    rule._parts, rule._trace, rule._converters, build, build_unknown = _COMPILED[key]
    rule.arguments.update(rule._converters)
    rule._build = build.__get__(rule, None)
    rule._build_unknown = build_unknown.__get__(rule, None)


def share_url_builders() -> None:
    """Make every Werkzeug rule bound from now on share its compiled parts with identical rules."""
    Rule.compile = _shared_compile
