"""The one reader of input files: bytes → text, the same way for every file a user gives.

Scenario, household and portfolio-scenario files, unit files, registers (CSV) and
``--params`` folders are all read through :func:`read_text_file` (or :func:`decode_text` when
the bytes are already in hand), so the same bytes give the same result everywhere:

- UTF-8, with or without a byte-order mark;
- UTF-16 or UTF-32 *with* a byte-order mark (what Windows tools write as "Unicode");
- Windows-1252 (then Latin-1) only where ``legacy=True``: register exports from older
  Norwegian property systems are written so; YAML files never are;
- anything else is refused in one line naming the file and saying how to save it:
  binary content (a NUL byte, e.g. a workbook or a PDF given by mistake), text that is not
  UTF-8.

Errors are :class:`~housingcalc.errors.InputFileError`: ``'<file>: <rule>'``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from housingcalc.errors import InputFileError

__all__ = ["MAX_INPUT_BYTES", "decode_text", "read_text_file"]

#: Policy, not law: no input file housingcalc reads is anywhere near this big (a register of
#: 100 000 units as CSV is about 30 MB); a larger file is refused before it is read.
MAX_INPUT_BYTES = 512 * 1024 * 1024

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

_SAVE_AS = "save it as UTF-8 text"


def decode_text(data: bytes, source: str, *, legacy: bool = False) -> tuple[str, str]:
    """Decode the bytes of an input file; return ``(text, encoding described)``.

    ``legacy=True`` falls back to Windows-1252 and then Latin-1 for text that is not UTF-8
    (register exports); otherwise such text is refused.

    >>> decode_text("å".encode("utf-16"), "x.yaml")
    ('å', 'UTF-16')
    >>> decode_text(b"\\xe5", "x.csv", legacy=True)
    ('å', 'cp1252')
    """
    for bom, codec, described in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    source,
                    f"starts with a {described} byte-order mark but is not {described} text "
                    f"(bad byte at position {exc.start + len(bom)}); {_SAVE_AS}",
                ) from None
            if "\x00" in text:
                break
            return text, described
    if b"\x00" in data:
        raise InputFileError(
            source, f"not a text file (binary content, e.g. a workbook or a PDF); {_SAVE_AS}"
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        if not legacy:
            raise InputFileError(
                source,
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
                f"{_SAVE_AS}",
            ) from None
    for codec in ("cp1252", "latin-1"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def read_text_file(path: Path | str, source: str | None = None, *, legacy: bool = False) -> str:
    """Read an input file as text (see the module notes); ``source`` names it in errors.

    A missing file raises ``FileNotFoundError`` and a folder ``IsADirectoryError`` (the CLI
    prints both as one line); everything else about the content is an
    :class:`~housingcalc.errors.InputFileError`.
    """
    p = Path(path)
    name = source or str(p)
    if p.is_dir():
        raise IsADirectoryError(21, "is a folder, not a file", str(p))
    if p.exists() and p.stat().st_size > MAX_INPUT_BYTES:
        raise InputFileError(
            name, f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; not an input file"
        )
    return decode_text(p.read_bytes(), name, legacy=legacy)[0]
