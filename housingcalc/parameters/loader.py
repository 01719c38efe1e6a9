"""Reading parameter files. The only module that reads parameter data from disk."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from housingcalc.errors import InputFileError, ParameterError
from housingcalc.inputs import read_text_file
from housingcalc.parameters.schema import ParameterFile, check_value
from housingcalc.yamlio import YamlError, load_yaml

PACKAGED = "housingcalc.parameters"


def _pydantic_first(exc: ValidationError) -> str:
    """The most telling error: an unknown key first (a typo also makes a key 'missing')."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    return f"{loc}: {msg}" if loc else msg


def parse_file(text: str, origin: str) -> ParameterFile:
    """Validate one parameter file's text; errors name ``origin`` and the key."""
    try:
        raw: Any = load_yaml(text, origin)
    except YamlError as exc:
        raise ParameterError(str(exc)) from None
    if not isinstance(raw, dict):
        raise ParameterError(f"{origin}: expected a mapping with 'description', 'values', ...")
    try:
        return ParameterFile.model_validate(raw)
    except ValidationError as exc:
        raise ParameterError(f"{origin}: {_pydantic_first(exc)}") from None


def name_from_path(relative: str) -> str:
    """``husbanken/startlan/stress_rate.yaml`` → ``husbanken.startlan.stress_rate``."""
    stem = relative.removesuffix(".yaml").removesuffix(".yml")
    return stem.replace("\\", "/").replace("/", ".")


def read_packaged() -> dict[str, tuple[ParameterFile, str]]:
    """Every parameter shipped inside the package, keyed by name, with its origin.

    Parsed and validated once per installed version of the files and of this code, then kept
    in the user's cache folder (housingcalc.cache): parsing the YAML was a tenth of a
    ``housingcalc run`` (issue 12 §7).
    """
    from housingcalc import cache

    return cache.parameters(resources.files(PACKAGED).joinpath("data"), _read_packaged)


def _read_packaged(root: Any) -> dict[str, tuple[ParameterFile, str]]:
    out: dict[str, tuple[ParameterFile, str]] = {}

    def walk(node: Any, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, rel + "/")
            elif child.name.endswith((".yaml", ".yml")):
                origin = f"housingcalc/parameters/data/{rel}"
                out[name_from_path(rel)] = (parse_file(child.read_text("utf-8"), origin), origin)

    walk(root, "")
    return out


def check_override(f: ParameterFile, packaged: ParameterFile, origin: str) -> None:
    """An override must keep the packaged series' unit (and rate basis) and every value must
    pass the packaged series' plausibility range: the same checks as packaged data."""
    if f.unit != packaged.unit:
        raise ParameterError(
            f"{origin}: unit = {f.unit!r}: must be {packaged.unit!r}, the unit of the packaged "
            "series it overrides"
        )
    if f.rate_basis is not None and f.rate_basis != packaged.rate_basis:
        raise ParameterError(
            f"{origin}: rate_basis = {f.rate_basis!r}: must be {packaged.rate_basis!r}, as in "
            "the packaged series"
        )
    for i, item in enumerate(f.values):
        problem = check_value(item.value, packaged.unit, packaged.range)
        if problem:
            raise ParameterError(
                f"{origin}: values[{i}] (effective {item.effective}): value {problem}"
            )


def read_folder(
    folder: Path, packaged: dict[str, ParameterFile] | None = None
) -> dict[str, tuple[ParameterFile, str]]:
    """Every parameter file under a user's folder, keyed by name; a file overriding a
    packaged series is checked against it (``check_override``)."""
    if not folder.is_dir():
        raise ParameterError(f"{folder}: parameter folder does not exist")
    out: dict[str, tuple[ParameterFile, str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            rel = path.relative_to(folder).as_posix()
            try:
                text = read_text_file(path)  # the one reader of input files (issue 11)
            except InputFileError as exc:
                raise ParameterError(str(exc)) from None
            name = name_from_path(rel)
            parsed = parse_file(text, str(path))
            if packaged is not None and name in packaged:
                check_override(parsed, packaged[name], str(path))
            out[name] = (parsed, str(path))
    return out
