"""The user's cache folder: what housingcalc keeps between runs, as Python keeps
``__pycache__``. Compiled report templates (``jinja/``, reports.render), the packaged
parameter files parsed and validated (``parameters-*.pickle``, parameters.loader) and the
message catalogues parsed (``catalogue-*.pickle``, reports.i18n).

The folder is ``$HOUSINGCALC_CACHE_DIR``, else ``$XDG_CACHE_HOME/housingcalc``, else
``~/.cache/housingcalc``. ``HOUSINGCALC_NO_CACHE=1`` turns every cache off; a cache that cannot
be read or written is ignored (the work is done again).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when caching is off."""
    if os.environ.get("HOUSINGCALC_NO_CACHE"):
        return None
    explicit = os.environ.get("HOUSINGCALC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "housingcalc"


def _files(top: Path, suffixes: tuple[str, ...]) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        out += [os.path.join(dirpath, n) for n in sorted(filenames) if n.endswith(suffixes)]
    return out


def _fingerprint(paths: list[str], versions: str) -> str:
    """The versions given and Python's, and each file's path, size and modification time."""
    h = hashlib.sha256(f"{sys.version}|{versions}".encode())
    for path in paths:
        st = os.stat(path)
        h.update(f"{path}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def kept(kind: str, paths: list[str], versions: str, make: Callable[[], T]) -> T:
    """``make()``, from the cache file ``<kind>-<fingerprint>.pickle`` when none of ``paths``
    (the files it reads, and the code that reads them) nor ``versions`` changed. Another
    fingerprint's file of the same kind is removed when a new one is written."""
    folder = cache_dir()
    if folder is None:
        return make()
    try:
        target = folder / f"{kind}-{_fingerprint(paths, versions)}.pickle"
    except OSError:
        return make()
    try:
        with target.open("rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    except Exception:  # absent, unreadable or from another layout: make it again
        pass
    value = make()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)  # atomic: a reader sees the old file or the whole new one
        for old in target.parent.glob(f"{kind}-*.pickle"):  # other versions' files
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return value


def parameters(root: Any, parse: Callable[[Any], T]) -> T:
    """``parse(root)`` (the packaged parameter folder), from the cache when neither the files
    under ``root`` nor the code that reads them (housingcalc.parameters) nor pydantic changed."""
    if not isinstance(root, Path):
        return parse(root)  # the package is not a folder (a zip): no cache
    import pydantic

    code = Path(__file__).parent / "parameters"
    try:
        paths = _files(code, (".py",)) + _files(root, (".yaml", ".yml"))
    except OSError:
        return parse(root)
    return kept("parameters", paths, pydantic.VERSION, lambda: parse(root))
