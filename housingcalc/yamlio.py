"""Reading YAML as users write it, with errors that name the file and line.

Timestamps are *not* converted by the YAML parser (a date such as ``2020-13-01`` would otherwise
crash it); they stay text and the pydantic models parse and validate them, so a bad date gives
the same one-line error as any other bad value.
"""

from __future__ import annotations

from typing import Any

import yaml

from housingcalc.errors import ScenarioError, shown_value

# libyaml's C parser when PyYAML was built with it (as its wheels are): about 6× faster.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(yaml.YAMLError):
    """A mapping holds the same key twice (PyYAML would keep the last one silently)."""

    def __init__(self, key: object, first_line: int, second_line: int) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key, self.first_line, self.second_line = key, first_line, second_line


class _Loader(_Base):  # type: ignore[valid-type,misc]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        """Refuse a key written twice in one mapping: a pasted line must not silently change
        a price. Keys brought in by a merge (``<<: *anchor``) may be overridden, as YAML says."""
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            line = key_node.start_mark.line + 1
            if first is not None:
                raise _DuplicateKey(key, first, line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


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
    >>> load_yaml("price: 1\\nrooms: 3\\nprice: 2", "x.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    housingcalc.yamlio.YamlError: x.yaml: key 'price' is given twice (line 1 and line 3); ...
    """
    try:
        return yaml.load(text, Loader=_Loader)
    except _DuplicateKey as exc:
        raise YamlError(
            f"{origin}: key {shown_value(exc.key)} is given twice (line {exc.first_line} and "
            f"line {exc.second_line}); keep one: YAML would silently use the last"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise YamlError(f"{origin}: malformed YAML ({where}{problem})") from None
