"""Reading YAML as users write it, with errors that name the file and line.

Timestamps are *not* converted by the YAML parser (a date such as ``2020-13-01`` would otherwise
crash it); they stay text and the pydantic models parse and validate them, so a bad date gives
the same one-line error as any other bad value.
"""

from __future__ import annotations

from typing import Any

import yaml

from housingcalc.errors import ScenarioError

# libyaml's C parser when PyYAML was built with it (as its wheels are): about 6× faster.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    pass


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlError(ScenarioError):
    """A file is not well-formed YAML: ``'<origin>: malformed YAML (line N: problem)'``."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self.field, self.value, self.rule = "(file)", None, message


def load_yaml(text: str, origin: str) -> Any:
    """Parse YAML text; raise ``YamlError('<origin>: malformed YAML (line N: problem)')``.

    >>> load_yaml("effective: 2020-01-01", "x.yaml")
    {'effective': '2020-01-01'}
    """
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise YamlError(f"{origin}: malformed YAML ({where}{problem})") from None
