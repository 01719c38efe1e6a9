"""The user's cache folder: what housingcalc keeps between runs, as Python keeps
``__pycache__``. Compiled report templates (``jinja/``, reports.render) and the packaged
parameter files parsed and validated (``parameters-*.pickle``, parameters.loader).

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


def _fingerprint(folder: Path) -> str:
    """Python's and pydantic's versions, and the path, size and modification time of every
    parameter file and of the code that reads them (housingcalc.parameters' modules)."""
    import pydantic

    h = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}".encode())
    code = Path(__file__).parent / "parameters"
    for top, suffixes in ((code, (".py",)), (folder, (".yaml", ".yml"))):
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(suffixes):
                    path = os.path.join(dirpath, name)
                    st = os.stat(path)
                    h.update(f"{path}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def parameters(root: Any, parse: Callable[[Any], T]) -> T:
    """``parse(root)`` (the packaged parameter folder), from the cache when neither the files
    under ``root`` nor the code that reads them changed."""
    folder = cache_dir()
    if folder is None or not isinstance(root, Path):
        return parse(root)  # off, or the package is not a folder (a zip): no cache
    try:
        target = folder / f"parameters-{_fingerprint(root)}.pickle"
    except OSError:
        return parse(root)
    try:
        with target.open("rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    except Exception:  # absent, unreadable or from another layout: parse again
        pass
    value = parse(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".parameters-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)  # atomic: a reader sees the old file or the whole new one
        for old in target.parent.glob("parameters-*.pickle"):  # other versions' files
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return value
