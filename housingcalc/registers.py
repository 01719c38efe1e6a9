"""Reading and writing portfolio registers: one row per dwelling unit.

A municipality exports its rental stock from its property system as CSV or Excel.
:func:`read_register` reads such a file into a validated pandas DataFrame with one column per
field of :data:`COLUMNS` (canonical English names; Norwegian header aliases are accepted), and
:func:`write_template` writes an empty register to fill in.

Reading rules (see ``docs/portfolio.md``):

- **CSV**: UTF-8 (with or without BOM), falling back to Windows-1252 and then Latin-1. The
  separator (``;``, ``,``, tab or ``|``) is sniffed from the header line. Numbers may use
  decimal commas and spaces as thousands separators (``1 234 567,50``); dates ISO
  (``2014-03-01``) or Norwegian (``01.03.2014``).
- **XLSX**: the first sheet whose first 20 rows contain a header row is read; other sheets
  (notes, column descriptions, pivots) are ignored and listed in :attr:`Register.notes`. A
  ``loan_rate`` cell formatted as a percentage is read as what it shows.
- **Parquet**: read if pyarrow is installed.
- Rows above the header (a title, an export date) are skipped; fully empty rows are dropped.
  Columns not in :data:`COLUMNS` are ignored and listed in the notes.

Every value of every row is validated with vectorised pandas operations; all errors are
collected and raised at once as :class:`~housingcalc.errors.CollectedErrors`, one line each:
``row 14, area_m2 = '-5': must be > 0``. Row numbers are those of the file (header = the row
it is on, as a spreadsheet shows it). Missing optional values stay missing (NaN / empty) here;
:func:`housingcalc.calc.portfolio.complete_register` fills them with the documented defaults.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from housingcalc.errors import CollectedErrors, InputError

if TYPE_CHECKING:
    import pandas as pd

Kind = Literal["text", "number", "integer", "percent", "date", "enum"]

#: How many lines / rows at the top of a file are searched for the header row.
HEADER_SEARCH_ROWS = 20
#: Up to this many errors are listed one line each; more are grouped, one line per rule.
LIST_ERRORS_UP_TO = 20
#: A grouped line lists the first rows with that error.
FIRST_ROWS_SHOWN = 5


@dataclass(frozen=True)
class ColumnSpec:
    """One register column: canonical name, kind, rule and the header names accepted."""

    name: str
    kind: Kind
    required: bool
    description: str
    default: str
    aliases: tuple[str, ...] = ()
    #: enum: canonical value → accepted spellings (besides the canonical value itself)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    example: str = ""


#: Accepted spellings of the enum values (compared case-insensitively, spaces → ``_``).
TENURE_CHOICES: dict[str, tuple[str, ...]] = {
    "owned": ("eid", "eie", "eiet", "egen", "eget", "kommunalt_eid", "own"),
    "rented_in": ("innleid", "innleie", "leid_inn", "leies_inn", "rented", "leased"),
}
STATUS_CHOICES: dict[str, tuple[str, ...]] = {
    "let": ("utleid", "leid_ut", "bebodd", "occupied", "rented"),
    "vacant": ("ledig", "tom", "tomgang", "empty"),
    "rent_to_own": ("leie_til_eie", "leie-til-eie", "lte", "rto", "rent-to-own"),
}
GRANT_RULE_CHOICES: dict[str, tuple[str, ...]] = {
    "pre2018": ("pre-2018", "før2018", "før_2018", "for2018", "old", "gammel", "2011", "nåverdi"),
    "2018": ("fra2018", "fra_2018", "from2018", "post2018", "new", "ny", "m2", "kvm"),
}

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "unit_id",
        "text",
        True,
        "Unique id of the unit (bolignummer).",
        "required; must be unique",
        (
            "boenhet_id",
            "enhet_id",
            "bolig_id",
            "boligid",
            "bolignr",
            "bolignummer",
            "enhetsnummer",
            "id",
        ),
        example="DEMO-0001",
    ),
    ColumnSpec(
        "address",
        "text",
        False,
        "Street address.",
        "empty",
        ("adresse", "gateadresse"),
        example="Eksempelveien 1 A",
    ),
    ColumnSpec(
        "district",
        "text",
        False,
        "District / zone; keys the scenario's kr/m² table (market value default).",
        "empty (scenario's default kr/m² applies)",
        ("bydel", "område", "sone", "distrikt", "strøk"),
        example="Sentrum",
    ),
    ColumnSpec(
        "area_m2",
        "number",
        True,
        "Usable area (P-ROM / BRA) in m².",
        "required; > 0 and ≤ 1000",
        ("areal_m2", "areal", "bra", "bra_m2", "prom", "p_rom", "p-rom", "kvm"),
        minimum=0,
        maximum=1000,
        exclusive_minimum=True,
        example="62,5",
    ),
    ColumnSpec(
        "rooms",
        "integer",
        False,
        "Number of rooms.",
        "empty",
        ("rom", "antall_rom", "ant_rom"),
        minimum=1,
        maximum=20,
        example="3",
    ),
    ColumnSpec(
        "size_class",
        "text",
        False,
        "Size class used by the tariff's weight table.",
        "from area_m2 by the scenario's size bands",
        ("størrelse", "størrelsesklasse", "storrelse"),
        example="medium",
    ),
    ColumnSpec(
        "standard",
        "text",
        False,
        "Standard class used by the tariff's weight table.",
        "the scenario's default standard",
        ("standardklasse", "tilstand"),
        example="normal",
    ),
    ColumnSpec(
        "tenure",
        "enum",
        False,
        "owned, or rented_in (leased in and sublet).",
        "owned",
        ("eierform", "disposisjon", "disposisjonsform", "eie_leie"),
        choices=TENURE_CHOICES,
        example="owned",
    ),
    ColumnSpec(
        "acquired",
        "date",
        False,
        "Date the unit was acquired or completed.",
        "empty (needed to derive book value and grant date)",
        (
            "anskaffet",
            "anskaffelsesdato",
            "kjøpsdato",
            "ervervet",
            "ervervsdato",
            "kjøpt",
            "byggeår_dato",
        ),
        example="2014-03-01",
    ),
    ColumnSpec(
        "acquisition_cost",
        "number",
        False,
        "Historical cost (kostpris), NOK.",
        "empty (needed to derive book value)",
        ("anskaffelseskost", "kostpris", "kjøpesum", "kjøpspris", "investering"),
        minimum=0,
        example="2000000",
    ),
    ColumnSpec(
        "book_value",
        "number",
        False,
        "Carrying value in the accounts, NOK.",
        "acquisition_cost less straight-line depreciation "
        "(accounting.depreciation_life_years; land share not depreciated)",
        ("bokført_verdi", "bokfort_verdi", "balanseført_verdi", "regnskapsverdi"),
        minimum=0,
        example="1650000",
    ),
    ColumnSpec(
        "market_value",
        "number",
        False,
        "Market value (appraisal), NOK.",
        "area_m2 × the scenario's kr/m² for the district",
        ("markedsverdi", "virkelig_verdi", "takst", "takstverdi", "omsetningsverdi"),
        minimum=0,
        example="2900000",
    ),
    ColumnSpec(
        "grant_amount",
        "number",
        False,
        "Husbanken rental-housing grant paid, NOK.",
        "0",
        ("tilskudd", "tilskuddsbeløp", "tilskudd_beløp", "husbanktilskudd"),
        minimum=0,
        example="740000",
    ),
    ColumnSpec(
        "grant_date",
        "date",
        False,
        "Date the grant was paid out.",
        "acquired, when a grant is given",
        ("tilskuddsdato", "tilskudd_dato", "utbetalt", "utbetalingsdato"),
        example="2014-03-01",
    ),
    ColumnSpec(
        "grant_rule",
        "enum",
        False,
        "Write-down rule: pre2018 (5 %/yr, 20 yrs) or 2018 (3.3 %/yr, 30 yrs).",
        "from grant_date: before 2018-01-01 → pre2018, else 2018",
        ("tilskuddsregel", "tilskuddsordning", "tilskuddsmodell"),
        choices=GRANT_RULE_CHOICES,
        example="pre2018",
    ),
    ColumnSpec(
        "loan_balance",
        "number",
        False,
        "Remaining loan (Husbanken) on the unit, NOK.",
        "0",
        ("lån", "lan", "restgjeld", "lånesaldo", "gjeld", "husbanklån"),
        minimum=0,
        example="1100000",
    ),
    ColumnSpec(
        "loan_rate",
        "percent",
        False,
        "Nominal yearly loan rate in percent (3.5 or '3,5 %').",
        "the scenario's default loan rate",
        ("rente", "lånerente", "lanerente", "rentesats"),
        minimum=0,
        maximum=25,
        example="4,5",
    ),
    ColumnSpec(
        "loan_years_left",
        "number",
        False,
        "Remaining term of the loan in years.",
        "the scenario's default remaining term",
        ("restløpetid", "gjenværende_løpetid", "løpetid_igjen", "år_igjen"),
        minimum=0,
        maximum=60,
        exclusive_minimum=True,
        example="21",
    ),
    ColumnSpec(
        "rent_monthly",
        "number",
        False,
        "Current monthly rent (for a vacant unit: the rent it is let at), NOK.",
        "0",
        ("husleie_mnd", "husleie", "månedsleie", "husleie_per_mnd", "leie_mnd", "leie"),
        minimum=0,
        example="9800",
    ),
    ColumnSpec(
        "maintenance_yearly",
        "number",
        False,
        "Actual maintenance per year, NOK.",
        "area_m2 × the scenario's maintenance kr/m²",
        ("vedlikehold_år", "vedlikehold", "vedlikehold_per_år", "vedlikeholdskostnad"),
        minimum=0,
        example="12000",
    ),
    ColumnSpec(
        "other_costs_yearly",
        "number",
        False,
        "Other running costs per year (operation, insurance, fees), NOK.",
        "area_m2 × the scenario's other costs kr/m²",
        ("andre_kostnader_år", "andre_kostnader", "driftskostnader", "drift_år", "felleskostnader"),
        minimum=0,
        example="18000",
    ),
    ColumnSpec(
        "lease_cost_yearly",
        "number",
        False,
        "For rented_in units: rent the municipality pays the owner per year, NOK.",
        "0",
        ("innleiekostnad", "innleie_år", "leiekostnad_år", "husleie_innleie"),
        minimum=0,
        example="0",
    ),
    ColumnSpec(
        "status",
        "enum",
        False,
        "let, vacant or rent_to_own (leie-til-eie tenant).",
        "let",
        ("utleiestatus", "tilstand_utleie"),
        choices=STATUS_CHOICES,
        example="let",
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
SPEC: dict[str, ColumnSpec] = {c.name: c for c in COLUMNS}
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)


@dataclass(frozen=True)
class Register:
    """A validated register: ``frame`` has one row per unit and every column of COLUMNS.

    ``frame.index`` is the row number in the file. Missing optional values are NaN (numbers,
    dates as NaT) or missing (``None`` or NaN: text and enums); ``provided`` lists the columns
    the file had.
    """

    frame: pd.DataFrame
    source: str
    provided: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def units(self) -> int:
        return len(self.frame)


# -- header matching ------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Normalise a header or enum spelling: ``Bokført verdi (kr)`` → ``bokfort_verdi``."""
    t = unicodedata.normalize("NFKC", str(text)).strip().lower().lstrip("\ufeff")
    for a, b in (("ø", "o"), ("æ", "ae"), ("å", "a"), ("é", "e"), ("²", "2")):
        t = t.replace(a, b)
    if "(" in t:
        t = t.split("(", 1)[0]
    out = []
    for ch in t:
        out.append(ch if ch.isalnum() else "_")
    return "_".join(p for p in "".join(out).split("_") if p)


ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.name, *_c.aliases):
        ALIASES.setdefault(_fold(_name), _c.name)

_ENUM_LOOKUP: dict[str, dict[str, str]] = {
    c.name: {_fold(v): k for k, vs in c.choices.items() for v in (k, *vs)}
    for c in COLUMNS
    if c.kind == "enum"
}


def _is_header(cells: Sequence[object]) -> bool:
    """A header row names at least two register columns, one of them unit_id or area_m2."""
    names = {ALIASES.get(_fold(str(c))) for c in cells if c is not None and str(c).strip()}
    names.discard(None)
    return len(names) >= 2 and bool(names & {"unit_id", "area_m2"})


def _map_header(cells: Sequence[object], source: str) -> tuple[dict[int, str], list[str]]:
    """Column position → canonical name; plus the ignored headers."""
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    errors: list[str] = []
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        if not text:
            continue
        canonical = ALIASES.get(_fold(text))
        if canonical is None:
            ignored.append(text)
            continue
        if canonical in seen:
            errors.append(
                f"header: columns {seen[canonical]!r} and {text!r} both mean {canonical}; keep one"
            )
            continue
        seen[canonical] = text
        mapping[i] = canonical
    missing = [n for n in REQUIRED if n not in seen]
    for n in missing:
        names = ", ".join((n, *SPEC[n].aliases[:4]))
        errors.append(f"header: required column {n} is missing (accepted names: {names}, …)")
    if errors:
        raise CollectedErrors(source, errors)
    return mapping, ignored


def _no_header(source: str, what: str) -> CollectedErrors:
    return CollectedErrors(
        source,
        [
            f"no header row found in the first {HEADER_SEARCH_ROWS} {what}: a register needs at "
            "least the columns unit_id (or boenhet_id, …) and area_m2 (or areal_m2, …); "
            "`housingcalc portfolio template` writes an empty register"
        ],
    )


# -- file readers: each returns the raw cells as an object DataFrame --------------------------


@dataclass
class _Raw:
    frame: pd.DataFrame  # object columns named by canonical name, index = file row number
    provided: tuple[str, ...]
    notes: list[str]
    percent_cells: pd.DataFrame | None = None  # bool, for XLSX percent-formatted cells
    #: the same cells all as text, read again only when a rule is broken (error lines quote
    #: the cells as written); None: ``frame`` already holds the cells as read
    text_loader: Callable[[], pd.DataFrame] | None = None


#: a byte other than blanks, NULs and byte-order-mark bytes
_ANY_CONTENT = re.compile(rb"[^ \t\r\n\x00\xef\xbb\xbf\xfe\xff]")


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """The one reader of input files (:mod:`housingcalc.inputs`), with the cp1252 fallback."""
    from housingcalc.errors import InputFileError
    from housingcalc.inputs import decode_text

    if _ANY_CONTENT.search(data) is None:  # (``strip`` would copy the whole file)
        raise CollectedErrors(source, ["file is empty"])
    try:
        return decode_text(data, source, legacy=True)
    except InputFileError as exc:
        raise CollectedErrors(source, [exc.rule]) from None


def _sniff(lines: Sequence[str]) -> tuple[int, str]:
    """The header line (0-based) and separator: the first line that parses as a header."""
    for i, line in enumerate(lines[:HEADER_SEARCH_ROWS]):
        for sep in (";", ",", "\t", "|"):
            if sep not in line:
                continue
            cells = next(csv.reader([line], delimiter=sep), [])
            if _is_header(cells):
                return i, sep
    return -1, ""


def _read_csv(path: Path, source: str) -> _Raw:
    """Typed at parse time: pandas' C engine reads number columns as float64 where every cell
    is a plain number (decimal comma when the separator is ``;``, tab or ``|``); a column with
    any other cell comes back as text and is converted cell by cell (:func:`_to_number`). Text,
    code and date columns are read as text. When any cell breaks a rule, the file is read
    again all as text (:func:`_read_csv_text`) so that the error lines show the cells exactly
    as written."""
    import pandas as pd

    data = path.read_bytes()
    text, encoding = _decode(data, source)
    head = text[:200_000].splitlines()
    header_line, sep = _sniff(head)
    if header_line < 0:
        raise _no_header(source, "lines")
    header = next(csv.reader([head[header_line]], delimiter=sep))
    mapping, ignored = _map_header(header, source)
    # pandas parses a file it opens itself fastest (about 1.6× faster than from an in-memory
    # buffer); plain UTF-8 is the file's own bytes, anything else (a BOM, UTF-16, cp1252) is
    # handed over as the UTF-8 of the text the one reader decoded
    payload = None if encoding == "UTF-8" else text.encode("utf-8")

    def csv_input() -> Any:
        return path if payload is None else io.BytesIO(payload)

    options: dict[str, Any] = {
        "encoding": "utf-8",
        "sep": sep,
        "header": None,
        "skiprows": header_line + 1,
        "keep_default_na": False,
        "na_values": [""],
        "skip_blank_lines": False,
        "decimal": "," if sep != "," else ".",
        "engine": "c",
        "index_col": False,
    }
    try:
        # types inferred by the C engine (asking for str is twice as slow); text columns that
        # came out as numbers (ids like 0012) are read again below as text
        frame = _parse_used(lambda **kw: pd.read_csv(csv_input(), **options, **kw), mapping, header)
        texts = [
            p
            for p, n in mapping.items()
            if SPEC[n].kind not in ("number", "integer", "percent")
            and not pd.api.types.is_string_dtype(frame[p].dtype)
            and bool(frame[p].notna().any())
        ]
        if texts:
            again = pd.read_csv(csv_input(), usecols=texts, dtype=str, **options)
            for p in texts:
                frame[p] = again[p]
    except pd.errors.EmptyDataError:  # a header and nothing below it
        frame = pd.DataFrame({i: pd.Series([], dtype=str) for i in sorted(mapping)})
    except pd.errors.ParserError as exc:
        raise CollectedErrors(source, [f"not a readable CSV file: {exc}"]) from None
    except ValueError as exc:  # usecols beyond a short row, etc.
        raise CollectedErrors(source, [f"not a readable CSV file: {exc}"]) from None
    frame.columns = [mapping[int(c)] for c in frame.columns]
    # line numbers as in the file: the header is on line header_line + 1
    frame.index = pd.RangeIndex(header_line + 2, header_line + 2 + len(frame), name="row")
    notes = _csv_notes(encoding, sep, header_line, ignored)

    def as_text() -> pd.DataFrame:
        return _read_csv_text(text, sep, header_line, mapping, frame.index)

    return _Raw(frame, tuple(mapping.values()), notes, text_loader=as_text)


def _parse_used(read: Callable[..., Any], mapping: dict[int, str], header: list[str]) -> Any:
    """The mapped columns. pandas' C parser is ~1.7× slower with ``usecols`` (pandas 3.1,
    115 000 rows), so when most columns are used all are parsed and the rest dropped; a file
    with a row longer than its header (an error that way, not with ``usecols``) or whose first
    rows are shorter than it is read again the way it always was."""
    import pandas as pd

    use = sorted(mapping)
    if len(use) * 4 >= len(header) * 3:
        try:
            frame = read()
        except pd.errors.ParserError:
            return read(usecols=use)
        if all(c in frame.columns for c in use):
            return frame[use]
    return read(usecols=use)


def _read_csv_text(
    text: str, sep: str, header_line: int, mapping: dict[int, str], index: pd.Index
) -> pd.DataFrame:
    """The same cells all as text (blank = ''), for error lines that quote the file."""
    import pandas as pd

    frame = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        header=None,
        skiprows=header_line + 1,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        usecols=sorted(mapping),
        engine="c",
        index_col=False,
    )
    frame.columns = [mapping[int(c)] for c in frame.columns]
    frame.index = index
    return frame


class _NotSure(Exception):
    """The Arrow CSV reader cannot be sure it reads this file as :func:`_read_csv` does: the
    file is read that way instead."""


#: Bytes at the top of a CSV file searched for the header line.
HEAD_BYTES = 200_000
#: A number or date column that Arrow cannot type is read again as text, one column at a
#: time, this many times; after that every such column is read as text at once.
TYPED_RETRIES = 2
#: From this many rows, the columns are converted on several threads and the memory of each
#: column converted is given back at once (see :func:`_arrow_convert`).
THREADS_FROM_ROWS = 200_000
#: Arrow's CSV block size (bytes): the unit of its parallel parse.
ARROW_BLOCK_BYTES = 1 << 20

_CONVERSION_ERROR = re.compile(r"In CSV column #(\d+): .*CSV conversion error")


def _arrow_type(kind: Kind, as_text: bool) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    if as_text or kind == "text":
        return pa.large_string()  # what pandas' ``str`` columns hold: no copy to hand over
    if kind == "date":
        return pa.date32()
    if kind == "enum":
        return pa.dictionary(pa.int32(), pa.string())
    return pa.float64()


def _check_bytes(mm: Any) -> str:
    """The encoding note of a file the Arrow path reads: UTF-8 (with or without a BOM), no NUL
    byte, some content in the head; anything else is left to :func:`_decode`. ``mm``: the file,
    memory-mapped (checked in place, not copied)."""
    import codecs

    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    head = mm[:HEAD_BYTES]
    if not head or _ANY_CONTENT.search(head) is None:
        raise _NotSure
    encoding = "UTF-8"
    for bom in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            raise _NotSure
    if head.startswith(codecs.BOM_UTF8):
        encoding = "UTF-8 with byte-order mark"
    if mm.find(b"\x00") >= 0:  # binary content: refused by the one reader
        raise _NotSure
    buf = pa.py_buffer(mm)
    whole = pa.Array.from_buffers(
        pa.large_binary(), 1, [None, pa.array([0, buf.size], pa.int64()).buffers()[1], buf]
    )
    try:
        whole.cast(pa.large_string())  # validates the UTF-8 of the whole file
    except pa.ArrowInvalid:
        raise _NotSure from None
    return encoding


def _arrow_head(mm: Any, encoding: str) -> tuple[list[str], int, str]:
    """The lines at the top of the file (as :func:`_read_csv` sees them), the header line and
    the separator; only when Arrow would skip the lines above the header as the same lines."""
    head = mm[:HEAD_BYTES]
    if len(head) < len(mm):
        head = head[: head.rfind(b"\n") + 1]
    if encoding != "UTF-8":
        head = head[3:]
    text = head.decode("utf-8")
    lines = text.splitlines()
    header_line, sep = _sniff(lines)
    if header_line < 0:
        raise _NotSure
    plain = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")[: header_line + 1]]
    if plain != lines[: header_line + 1]:
        raise _NotSure  # other line breaks (a bare CR, form feed, …) above the header
    above = "".join(lines[:header_line])
    if '"' in above or lines[header_line].count('"') % 2:
        raise _NotSure  # a quoted value might span lines there
    return lines, header_line, sep


def _read_csv_arrow(path: Path, source: str) -> Register:
    """The CSV register read with Arrow, typed at parse time, and every rule checked.

    Number columns are parsed as float64 (decimal comma when the separator is not a comma),
    date columns as dates (only ``YYYY-MM-DD``), coded columns dictionary-encoded and text as
    text; a column Arrow cannot type that way is read again as text and converted cell by
    cell exactly as :func:`_read_csv` would (:func:`_convert_column`). The rules run on the
    typed columns; when any is broken, the file is checked again all as text so that every
    error line quotes the cell as written, as before. Raises :class:`_NotSure` for a file this
    path cannot be sure to read as :func:`_read_csv` does (not UTF-8, ragged rows, odd line
    breaks above the header, …)."""
    import mmap

    import pandas as pd

    with open(path, "rb") as f:
        try:
            if hasattr(mmap, "MAP_POPULATE"):  # Linux: mapped at once, not page by page
                flags = mmap.MAP_SHARED | mmap.MAP_POPULATE
                mm = mmap.mmap(f.fileno(), 0, flags=flags, prot=mmap.PROT_READ)
            else:
                mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # an empty file cannot be mapped
            raise _NotSure from None
    try:
        encoding = _check_bytes(mm)
        lines, header_line, sep = _arrow_head(mm, encoding)
    finally:
        # the file's pages leave the process before Arrow reads it (if still exported, it
        # is unmapped when collected)
        with contextlib.suppress(BufferError):
            mm.close()
    header = next(csv.reader([lines[header_line]], delimiter=sep))
    mapping, ignored = _map_header(header, source)
    table, as_text = _arrow_table(path, header_line, sep, len(header), mapping)
    for name in table.column_names:  # (before blank rows are dropped, as pandas sees them)
        column = table.column(name)
        if SPEC[name].kind == "text" and column.null_count and _booleans_only(column):
            raise _NotSure  # pandas' C parser reads such a column as True/False objects
    n_rows = table.num_rows
    first = header_line + 2  # line numbers as in the file: the header is on header_line + 1
    table, keep = _drop_blank_rows(table)
    index = pd.RangeIndex(first, first + n_rows, name="row")
    if keep is not None:
        index = index[keep]
    if table.num_rows == 0:
        raise CollectedErrors(source, ["the register has a header but no units"])
    notes = _csv_notes(encoding, sep, header_line, ignored)
    provided = tuple(mapping.values())
    errors = _Errors()
    columns = {name: table.column(name) for name in table.column_names}
    del table  # each column is let go once converted
    frame = _arrow_convert(columns, mapping, as_text, index, errors)
    if errors.parts:
        # a rule is broken: check the cells again as written, so each line quotes the file
        try:
            text = _read_csv_text(
                _decode(path.read_bytes(), source)[0],
                sep,
                header_line,
                mapping,
                pd.RangeIndex(first, first + n_rows, name="row"),
            )
        except ValueError:  # pandas splits the rows otherwise: be sure instead
            raise _NotSure from None
        if keep is not None:
            text = text[keep]
        errors = _Errors()
        _validate_rows(_convert(_Raw(text, provided, notes), errors), text, errors)
    if errors.parts:
        raise errors.collected(source)
    return Register(frame, source, provided, tuple(notes))


def _arrow_table(
    path: Path, header_line: int, sep: str, width: int, mapping: dict[int, str]
) -> tuple[Any, set[int]]:
    """The mapped columns parsed by Arrow, typed by kind; and the positions read as text
    because Arrow could not type them (a number written ``1 234,50``, a date ``01.03.2014``):
    one column at a time :data:`TYPED_RETRIES` times, then every typed column at once."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped,unused-ignore]

    names = [f"c{i}" for i in range(width)]
    as_text: set[int] = set()
    for attempt in range(TYPED_RETRIES + 2):
        types = {names[p]: _arrow_type(SPEC[n].kind, p in as_text) for p, n in mapping.items()}
        try:
            table = pacsv.read_csv(
                str(path),
                read_options=pacsv.ReadOptions(
                    skip_rows=header_line + 1, column_names=names, block_size=ARROW_BLOCK_BYTES
                ),
                # a quoted value spanning lines is still read right: Arrow's parser knows
                # quotes, and a block cut inside one is an error ("out of sync"), not a guess
                parse_options=pacsv.ParseOptions(
                    delimiter=sep, ignore_empty_lines=False, newlines_in_values=False
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=types,
                    include_columns=[names[p] for p in sorted(mapping)],
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    decimal_point="," if sep != "," else ".",
                    check_utf8=False,  # the whole file was checked (_check_bytes)
                ),
            )
        except pa.ArrowInvalid as exc:
            found = _CONVERSION_ERROR.match(str(exc))
            if found is None or attempt > TYPED_RETRIES:
                raise _NotSure from None  # a parse error: ragged rows and the like
            if attempt < TYPED_RETRIES:
                as_text.add(int(found.group(1)))
            else:
                as_text.update(p for p, n in mapping.items() if SPEC[n].kind != "text")
            continue
        table = table.rename_columns([mapping[p] for p in sorted(mapping)])
        return table, as_text
    raise _NotSure  # pragma: no cover - the last attempt reads every column as text


def _drop_blank_rows(table: Any) -> tuple[Any, Any]:
    """Rows with every (mapped) cell blank are dropped, as :func:`_blank_rows` does; returns
    the table and the mask of rows kept (None when none was blank)."""
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    if not table.num_rows or any(c.null_count == 0 for c in table.columns):
        return table, None
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        blank &= column.is_null().to_numpy(zero_copy_only=False)
    if not blank.any():
        return table, None
    keep = ~blank
    return table.filter(pa.array(keep)), keep


def _csv_notes(encoding: str, sep: str, header_line: int, ignored: list[str]) -> list[str]:
    notes = []
    if encoding in ("cp1252", "latin-1"):
        notes.append(f"read as {encoding} text (not UTF-8)")
    elif encoding != "UTF-8":
        notes.append(encoding)
    notes.append(f"separator {sep!r}" if sep != "\t" else "separator tab")
    if header_line > 0:
        notes.append(f"{header_line} line(s) above the header skipped")
    if ignored:
        notes.append("ignored columns: " + ", ".join(ignored))
    return notes


def _arrow_convert(
    columns: dict[str, Any],
    mapping: dict[int, str],
    as_text: set[int],
    index: pd.Index,
    errors: _Errors,
) -> pd.DataFrame:
    """The typed frame from the Arrow columns (by canonical name; each is let go when
    converted), each column's rules checked (the same functions as :func:`_convert`, on the
    typed columns), then the rules across rows. From :data:`THREADS_FROM_ROWS` rows the
    columns are converted on Arrow's threads (numpy and Arrow let go of the GIL)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    import pandas as pd
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    text_read = {mapping[p] for p in as_text}
    cells: dict[str, pd.Series] = {}
    out: dict[str, Any] = {}
    coded: dict[str, Any] = {}
    big = len(index) >= THREADS_FROM_ROWS

    def convert(spec: ColumnSpec) -> tuple[Any, Any, Any, _Errors]:
        found = _Errors()
        column = columns.pop(spec.name)
        return (*_arrow_column(spec, column, spec.name in text_read, index, found), found)

    present = [spec for spec in COLUMNS if spec.name in columns]
    threads = min(pa.cpu_count(), os.cpu_count() or 1) if big else 1
    with ThreadPoolExecutor(max(threads, 1)) as pool:
        done = pool.map(convert, present) if threads > 1 else map(convert, present)
        for spec, (values, cell, code, found) in zip(present, done, strict=True):
            out[spec.name], cells[spec.name] = values, cell
            if code is not None:
                coded[spec.name] = code
            errors.parts.extend(found.parts)
            if big:
                # the memory of the columns converted so far goes back (Arrow's allocator
                # keeps it otherwise, and the next arrays come from elsewhere): at 1.15M rows
                # the read's peak is ~100 MB lower; small reads skip it (the pages would only
                # be faulted in again)
                pa.default_memory_pool().release_unused()
    frame = pd.DataFrame(
        {s.name: out[s.name] if s.name in out else _missing_column(s, index) for s in COLUMNS},
        index=index,
        copy=False,
    )

    def equals(column: str, value: str) -> Any:
        if column in coded:
            return coded[column] == list(SPEC[column].choices).index(value)
        return (frame[column] == value).to_numpy(bool)

    if not errors.parts:  # (with any, the file is checked again as text)
        _validate_rows(frame, pd.DataFrame(cells, index=index, copy=False), errors, equals)
    return frame


def _arrow_column(
    spec: ColumnSpec, column: Any, read_as_text: bool, index: pd.Index, errors: _Errors
) -> tuple[Any, pd.Series, Any]:
    """One Arrow column → (typed values, the cells as the rules see them, for a coded column
    each row's position in its choices (else None)); broken rules go to ``errors``."""
    import numpy as np
    import pandas as pd

    if spec.kind == "enum" and not read_as_text:
        values, bad, code = _arrow_enum(column, spec, index)
        errors.add(bad, spec.name, values, "must be one of " + ", ".join(spec.choices))
        return values, values, code  # (the cells as written are read if a rule is broken)
    col = _arrow_series(column, index, errors, spec.name)
    if spec.kind == "date" and not read_as_text:
        # dates typed by Arrow (YYYY-MM-DD, real days): only the years are checked, as
        # :func:`_to_date` does
        days = col.to_numpy()
        implausible = (days < np.datetime64(_FIRST_DAY)) | (days >= np.datetime64(_AFTER_LAST_DAY))
        errors.add(pd.Series(implausible, index=index), spec.name, col, _DATE_RULE)
        return col, col, None
    if spec.kind == "text" and column.null_count == len(column):
        # the C parser reads a column of blanks as numbers (NaN), then as text: None
        return _missing_column(spec, index), col, None
    return _convert_column(spec, col, None, errors), col, None


#: What pandas' C parser reads as booleans.
_BOOLEAN_SPELLINGS = ("True", "TRUE", "true", "False", "FALSE", "false")


def _booleans_only(column: Any) -> bool:
    """True if every cell of an Arrow text column that is not blank is a boolean spelling."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    found = pc.is_in(column, value_set=pa.array(_BOOLEAN_SPELLINGS, column.type))  # blank: no
    return bool(int(pc.sum(found).as_py() or 0) == len(column) - column.null_count)


def _arrow_series(column: Any, index: pd.Index, errors: _Errors, name: str) -> pd.Series:
    """An Arrow column as the pandas Series :func:`_read_csv` would hand to the rules: text as
    ``str``, numbers as float64 (NaN where blank), dates as datetime64[s] (NaT where blank).
    A number cell Arrow read as NaN (``nan`` written out) is not blank: an error, as
    :func:`_to_number` finds it."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    if pa.types.is_large_string(column.type):
        one = pa.chunked_array([column.combine_chunks()], column.type)
        return pd.Series(one.to_pandas().array, index=index, copy=False)
    if pa.types.is_date32(column.type):
        days = column.to_numpy() if len(column) else np.array([], "M8[D]")
        return pd.Series(days.astype("datetime64[s]"), index=index, copy=False)
    values = column.to_numpy() if len(column) else np.array([], np.float64)
    if not values.flags.writeable:  # (a view of Arrow's memory: the frame owns its arrays)
        values = values.copy()
    nan = np.isnan(values)
    if int(nan.sum()) != column.null_count:
        written = nan & column.is_valid().to_numpy(zero_copy_only=False)
        errors.add(pd.Series(written, index=index), name, pd.Series("nan", index=index), "nan")
    return pd.Series(values, index=index, copy=False)


def _arrow_enum(column: Any, spec: ColumnSpec, index: pd.Index) -> tuple[Any, Any, Any]:
    """A dictionary-encoded coded column → (canonical values as text, missing where blank or
    unknown; the mask of unknown spellings; each row's position in ``spec.choices``, -1 where
    None). Each spelling is looked up once, as :func:`_enum` does (:func:`_as_text`, then
    :func:`_fold`)."""
    import numpy as np
    import pandas as pd

    lookup = _ENUM_LOOKUP[spec.name]
    choices = list(spec.choices)
    one = column.combine_chunks()  # one dictionary for all of Arrow's blocks
    texts = [_as_text(u) for u in one.dictionary.to_pylist()]
    mapped = [None if t is None else lookup.get(_fold(t)) for t in texts] + [None]
    odd = [t is not None and m is None for t, m in zip(texts, mapped, strict=False)] + [False]
    at = one.indices.fill_null(len(texts)).to_numpy()
    unknown = np.array(odd)[at] if any(odd) else np.zeros(len(at), dtype=bool)
    codes = np.array([-1 if m is None else choices.index(m) for m in mapped], dtype=np.int8)
    return (
        _coded_text(mapped, at, index),
        pd.Series(unknown, index=index, copy=False),
        codes[at],
    )


def _coded_text(mapped: list[str | None], at: Any, index: pd.Index) -> pd.Series:
    """A coded column as text (pandas' Arrow-backed ``str``, missing where ``None``): the
    canonical values ``mapped`` taken at each row's position ``at``. Text, not Python objects:
    comparing, counting and grouping a million codes then costs milliseconds."""
    import pandas as pd

    return pd.Series(pd.array(list(mapped), dtype="str").take(at), index=index, copy=False)


#: Whether the rate cells are percent-formatted is decided from this many rows at the top.
PERCENT_SAMPLE_ROWS = 500


class _Fallback(Exception):
    """The fast XLSX reader cannot be sure of this workbook: read it cell by cell."""


def _read_xlsx(path: Path, source: str) -> _Raw:
    """Fast: fastexcel (calamine, in Rust) reads the sheet typed, each column's type inferred
    from all its cells (a column of numbers comes as float64, of dates as datetime64; a
    column with any other cell as text, converted cell by cell like CSV). The header row,
    the sheet's row numbers and the percent formats of the rate cells come from a streamed
    look at the top of the sheet (:mod:`housingcalc._xlsxpeek`). Where the fast reader could
    not be sure (TRUE/FALSE cells, which it reads as 1/0; rate cells formatted differently
    within the first rows; headers it names differently), the workbook is read cell by cell
    with openpyxl as before."""
    import xml.etree.ElementTree as ET
    import zipfile

    from housingcalc import _xlsxpeek

    try:
        sheets = _xlsxpeek.peek(path, PERCENT_SAMPLE_ROWS)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError) as exc:
        raise CollectedErrors(
            source, [f"not a readable XLSX workbook ({type(exc).__name__})"]
        ) from None
    chosen = None
    for sheet in sheets:
        for i, row in enumerate(sheet.rows):
            if row.number > HEADER_SEARCH_ROWS:
                break
            cells = [row.values.get(c) for c in range(max(row.values) + 1)]
            if _is_header(cells):
                chosen = (sheet, i, cells)
                break
        if chosen is not None:
            break
    if chosen is None:
        if all(not s.rows for s in sheets):
            raise CollectedErrors(source, ["file is empty"])
        raise _no_header(source, "rows of any sheet")
    sheet, at, header = chosen
    mapping, ignored = _map_header(header, source)
    try:
        return _read_xlsx_fast(path, source, sheet, at, header, mapping, ignored, sheets)
    except _Fallback:
        return _read_xlsx_openpyxl(path, source)


def _read_xlsx_fast(
    path: Path,
    source: str,
    sheet: Any,
    at: int,
    header: list[str | None],
    mapping: dict[int, str],
    ignored: list[str],
    sheets: list[Any],
) -> _Raw:
    import logging

    import pandas as pd

    from housingcalc import _xlsxpeek

    try:
        import fastexcel
    except ImportError:  # pragma: no cover - a declared dependency
        raise _Fallback from None
    header_number = sheet.rows[at].number
    pct_col = next((p for p, n in mapping.items() if n == "loan_rate"), None)
    percent: bool | None = None
    if pct_col is not None:
        seen = {r.percent[pct_col] for r in sheet.rows[at + 1 :] if pct_col in r.percent}
        if len(seen) > 1:
            raise _Fallback
        percent = seen.pop() if seen else False
    if _xlsxpeek.has_boolean_cells(path, _xlsxpeek.sheet_part(path, sheet.name)):
        raise _Fallback
    names = {p: str(header[p]) for p in mapping}
    dtypes: dict[str | int, Any] = {
        names[p]: "string" for p, n in mapping.items() if SPEC[n].kind in ("text", "enum")
    }
    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string"
    try:
        reader = fastexcel.read_excel(str(path))
        loaded = reader.load_sheet(
            sheet.name,
            header_row=header_number - 1,  # the sheet's row, 0-based
            use_columns=[names[p] for p in sorted(mapping)],
            dtypes=dtypes,
            schema_sample_rows=None,
        )
        batch = loaded.to_arrow()
    except Exception:  # ColumnNotFoundError and the like: be sure instead
        raise _Fallback from None
    frame = batch.to_pandas()
    if list(frame.columns) != [names[p] for p in sorted(mapping)]:
        raise _Fallback
    frame.columns = [mapping[p] for p in sorted(mapping)]
    frame.index = pd.RangeIndex(header_number + 1, header_number + 1 + len(frame), name="row")
    percent_cells = None
    if percent is not None:
        percent_cells = pd.DataFrame({"loan_rate": percent}, index=frame.index, dtype=bool)
    others = [s.name for s in sheets if s.name != sheet.name]
    notes = [f"sheet {sheet.name!r}"]
    if others:
        notes.append("other sheets ignored: " + ", ".join(repr(o) for o in others))
    if header_number > 1:
        notes.append(f"{header_number - 1} row(s) above the header skipped")
    if ignored:
        notes.append("ignored columns: " + ", ".join(ignored))
    return _Raw(frame, tuple(frame.columns), notes, percent_cells)


def _read_xlsx_openpyxl(path: Path, source: str) -> _Raw:
    """Cell by cell with openpyxl: the fallback when the fast reader cannot be sure."""
    import pandas as pd

    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError(source, str(path), "reading XLSX needs openpyxl") from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
        raise CollectedErrors(
            source, [f"not a readable XLSX workbook ({type(exc).__name__})"]
        ) from None
    try:
        chosen = None
        skipped: list[str] = []
        for ws in wb.worksheets:
            for r, row in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)):
                if _is_header(row):
                    chosen = (ws, r + 1, list(row))
                    break
            if chosen is not None:
                break
            skipped.append(ws.title)
        if chosen is None:
            if all(
                ws.max_row in (None, 0, 1)
                and ws.max_column in (None, 0, 1)
                and next(ws.iter_rows(values_only=True), (None,)) in ((None,), ())
                for ws in wb.worksheets
            ):
                raise CollectedErrors(source, ["file is empty"])
            raise _no_header(source, "rows of any sheet")
        ws, header_row, header = chosen
        mapping, ignored = _map_header(header, source)
        positions = sorted(mapping)
        names = [mapping[p] for p in positions]
        pct_col = names.index("loan_rate") if "loan_rate" in names else -1
        values: list[list[object]] = []
        pct: list[bool] = []
        for row in ws.iter_rows(min_row=header_row + 1):
            cells = [row[p] if p < len(row) else None for p in positions]
            values.append([getattr(c, "value", None) for c in cells])
            if pct_col >= 0:
                c = cells[pct_col]
                fmt = getattr(c, "number_format", "") or ""
                pct.append("%" in fmt)
        others = [w.title for w in wb.worksheets if w.title != ws.title]
    finally:
        wb.close()
    frame = pd.DataFrame(values, columns=names, dtype=object)
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(frame), name="row")
    percent_cells = None
    if pct_col >= 0:
        percent_cells = pd.DataFrame({"loan_rate": pct}, index=frame.index, dtype=bool)
    notes = [f"sheet {ws.title!r}"]
    if others:
        notes.append("other sheets ignored: " + ", ".join(repr(o) for o in others))
    if header_row > 1:
        notes.append(f"{header_row - 1} row(s) above the header skipped")
    if ignored:
        notes.append("ignored columns: " + ", ".join(ignored))
    return _Raw(frame, tuple(names), notes, percent_cells)


def _read_parquet(path: Path, source: str) -> _Raw:
    import importlib.util

    import pandas as pd

    if importlib.util.find_spec("pyarrow") is None:
        raise InputError(
            source,
            path.suffix,
            "reading Parquet needs pyarrow "
            "(pip install pyarrow); or export the register as CSV or XLSX",
        )
    data = pd.read_parquet(path)
    mapping, ignored = _map_header(list(data.columns), source)
    frame = data.iloc[:, sorted(mapping)].astype(object)
    frame.columns = [mapping[p] for p in sorted(mapping)]
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    notes = ["ignored columns: " + ", ".join(ignored)] if ignored else []
    return _Raw(frame, tuple(frame.columns), notes)


# -- vectorised conversion --------------------------------------------------------------------


def _blank(s: pd.Series) -> pd.Series:
    """True where a cell is empty: None, NaN or ''. (Whitespace-only cells are caught where a
    value fails to parse: see :func:`_whitespace`.)"""
    import pandas as pd

    isna = s.isna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        return isna | (s == "")
    return isna


def _whitespace(s: pd.Series, mask: pd.Series) -> pd.Series:
    """Among ``mask``, the cells that are text made only of whitespace."""
    import pandas as pd

    out = pd.Series(False, index=s.index)
    if mask.any():
        sub = s[mask]
        out.loc[mask] = sub.map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
    return out


def _norwegian_number_text(text: pd.Series) -> pd.Series:
    """``'1 234 567,50 kr'`` → ``'1234567.50'``; ``'1.234.567'`` → ``'1234567'``.

    A comma is always the decimal mark; dots before it are thousands separators
    (``1.234,50``); several dots with no comma are thousands separators. A comma before a dot
    (``1,234.50``) or two commas are ambiguous and left unreadable (see
    :func:`_ambiguous_number`).
    """
    t = text.str.replace(r"[\s\u00a0\u202f'_]", "", regex=True)
    t = t.str.replace(r"(?i)(kr\.?|nok)$", "", regex=True).str.replace(
        r"(?i)^(kr\.?|nok)", "", regex=True
    )
    t = t.str.replace("\u2212", "-", regex=False)
    t = t.str.replace(r"[,.]-$", "", regex=True)  # "8 400,-" (whole kroner)
    both_comma_last = t.str.contains(r"\.\d*,", regex=True)
    ambiguous = _ambiguous_number(t)
    many_dots = t.str.count(r"\.") > 1
    t = t.where(~both_comma_last, t.str.replace(".", "", regex=False))
    t = t.where(~ambiguous, "")  # unreadable: reported with its own rule
    t = t.where(
        ~(many_dots & ~t.str.contains(",", regex=False)), t.str.replace(".", "", regex=False)
    )
    return t.str.replace(",", ".", regex=False)


def _ambiguous_number(text: pd.Series) -> pd.Series:
    """``1,234.50`` or ``1,234,567``: a comma is always the decimal mark, so a comma before a
    dot, or two commas, cannot be read for sure (is it 1 234.50 or 1.23450?)."""
    t = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    return (t.str.contains(r",\d*\.", regex=True) | (t.str.count(",") > 1)).fillna(False)


def _number_rule(col: pd.Series, bad: pd.Series) -> str | pd.Series:
    """The rule for bad number cells: ambiguous separators get their own explanation."""
    from housingcalc.units import AMBIGUOUS_AMOUNT

    if not bool(bad.any()):
        return "must be a number"
    text = col[bad].astype(str)
    ambiguous = _ambiguous_number(text)
    if not bool(ambiguous.any()):
        return "must be a number"
    return ambiguous.map({True: AMBIGUOUS_AMOUNT, False: "must be a number"}).reindex(
        col.index, fill_value="must be a number"
    )


def _to_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from cells; returns (float values with NaN for blank/bad, bad mask).

    Fast path: ``pd.to_numeric`` on the whole column; only the cells it cannot read are parsed
    again as Norwegian-formatted text (:func:`_norwegian_number_text`).
    """
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(s.dtype) and s.dtype != bool:  # typed at parse time
        typed = s.astype(np.float64)  # (no copy when float64 already)
        inf = np.isinf(typed.to_numpy())  # the only bad cells of a number column (blank: NaN)
        if inf.any():
            typed = typed.where(~inf)
        return typed, pd.Series(inf, index=s.index)
    blank = _blank(s)
    if isinstance(s.dtype, pd.StringDtype):  # CSV (pandas ≥ 3 reads text as str): text only
        odd = pd.Series(False, index=s.index)
        values = pd.to_numeric(s.where(~blank, None), errors="coerce").astype("float64")
    else:  # spreadsheet cells: numbers, text, booleans, dates
        kinds = s.map(type)
        odd = kinds.isin([bool, dt.date, dt.datetime, dt.time, pd.Timestamp])
        values = pd.to_numeric(s.astype(object).where(~blank & ~odd, None), errors="coerce").astype(
            "float64"
        )
    retry = values.isna() & ~blank & ~odd
    if retry.any():
        fixed = _norwegian_number_text(s[retry].astype(str))
        values.loc[retry] = pd.to_numeric(fixed, errors="coerce").astype("float64")
        blank = blank | _whitespace(s, retry & values.isna())
    bad = ~blank & (values.isna() | ~np.isfinite(values.fillna(0.0)))
    return values.where(~bad), bad


def _to_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from ISO text, dd.mm.yyyy text or spreadsheet date cells; (datetime64, bad)."""
    import pandas as pd

    blank = _blank(s)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):  # typed at parse time (XLSX dates)
        out = s.dt.floor("D").astype("datetime64[s]")
        year = out.dt.year
        implausible = out.notna() & ((year < 1850) | (year > 2100))
        return out.where(~implausible), implausible
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    if isinstance(s.dtype, pd.StringDtype):  # CSV (pandas ≥ 3 reads text as str): text only
        iso, ok = _iso_dates(s)  # the plain YYYY-MM-DD cells; the rest below as before
        out = pd.Series(iso, index=s.index)
        rest = ~ok & ~blank.to_numpy(bool)
        text = s.where(rest, None) if rest.any() else pd.Series(None, index=s.index)
    else:
        is_stamp = s.map(type).isin([dt.date, dt.datetime, pd.Timestamp])
        if is_stamp.any():
            stamps = s[is_stamp].map(lambda v: v.date() if isinstance(v, dt.datetime) else v)
            out.loc[is_stamp] = pd.to_datetime(stamps).astype("datetime64[s]")
        text = (
            s.astype(object)
            .where(~is_stamp & ~blank, None)
            .map(lambda v: None if v is None else str(v), na_action="ignore")
        )
    has_text = text.notna()
    if has_text.any():
        out.loc[has_text] = pd.to_datetime(
            text[has_text], format="%Y-%m-%d", errors="coerce"
        ).astype("datetime64[s]")
        retry = has_text & out.isna()
        if retry.any():
            t = text[retry].astype(str).str.strip()
            # "2014-03-01 00:00:00" from spreadsheets that store dates as text, and date
            # cells read as text in a column of mixed cells (the time of day is dropped)
            t = t.str.replace(
                r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", r"\1", regex=True
            )
            iso = pd.to_datetime(t, format="%Y-%m-%d", errors="coerce")
            nor = pd.to_datetime(t, format="%d.%m.%Y", errors="coerce")
            out.loc[retry] = iso.fillna(nor).astype("datetime64[s]")
            blank = blank | _whitespace(s, retry & out.isna())
    bad = ~blank & out.isna()
    year = out.dt.year
    implausible = out.notna() & ((year < 1850) | (year > 2100))
    return out.where(~implausible), bad | implausible


def _iso_dates(s: pd.Series) -> tuple[Any, Any]:
    """The cells written exactly ``YYYY-MM-DD`` with a real month and day, as dates:
    ``(datetime64[s] values, bool mask)``, read from the column's Arrow buffers with numpy
    (no per-cell parsing). Other cells (mask False) are left to :func:`pandas.to_datetime`;
    only Arrow-backed text columns take this path. On the cells it reads it equals
    ``pandas.to_datetime(format="%Y-%m-%d")``."""
    import numpy as np

    n = len(s)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    ok = np.zeros(n, dtype=bool)
    if not n or getattr(s.dtype, "storage", None) != "pyarrow":
        return values, ok
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    arr = pa.chunked_array(pa.array(s.array)).combine_chunks().cast(pa.large_string())
    _, offsets_buf, data_buf = arr.buffers()
    if data_buf is None:
        return values, ok
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    present = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    rows = np.flatnonzero(present & (np.diff(offsets) == 10))
    if not rows.size:
        return values, ok
    starts = offsets[rows]
    # the ten characters as ten byte columns; a digit's value as uint8 (other bytes wrap > 9)
    raw = [data[starts + k] for k in range(10)]
    ch = [c - np.uint8(ord("0")) for c in raw]
    shaped = (raw[4] == ord("-")) & (raw[7] == ord("-"))
    for k in (0, 1, 2, 3, 5, 6, 8, 9):
        shaped &= ch[k] <= 9
    d = [c.astype(np.int64) for c in ch]
    year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]
    month = d[5] * 10 + d[6]
    day = d[8] * 10 + d[9]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    days_in = month_days[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    good = shaped & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days_in)
    months = (year - 1970) * 12 + np.where(good, month, 1) - 1
    dates = months.astype("datetime64[M]").astype("datetime64[D]") + (np.where(good, day, 1) - 1)
    values[rows] = dates.astype("datetime64[s]")
    ok[rows] = good
    values[~ok] = np.datetime64("NaT")
    return values, ok


def _per_unique(s: pd.Series, fn: Any) -> pd.Series:
    """``s.map(fn)`` computed once per distinct value (missing values stay None)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = np.array([fn(v) for v in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=s.index, dtype=object)


def _as_text(v: object) -> str | None:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    elif isinstance(v, dt.datetime):
        v = v.date() if v.time() == dt.time() else v
    text = str(v).strip()
    return text or None


def _plain_ends(s: pd.Series) -> bool:
    """True if every cell of an Arrow-backed text column is missing or starts and ends with a
    visible ASCII character or a letter such as ``ø`` (so stripping whitespace changes nothing
    and no cell is empty);
    read from the first and last byte of each cell in the Arrow buffers, chunk by chunk."""
    import numpy as np

    if getattr(s.dtype, "storage", None) != "pyarrow" or not len(s):
        return False
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    for chunk in pa.chunked_array(pa.array(s.array)).chunks:
        if chunk.null_count == len(chunk):
            continue
        _, offsets_buf, data_buf = chunk.buffers()
        if data_buf is None:
            return False
        wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
        offsets: Any = np.frombuffer(offsets_buf, dtype=np.int64 if wide else np.int32)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        start, end = offsets[:-1], offsets[1:]
        data = np.frombuffer(data_buf, dtype=np.uint8)
        if not len(data):
            return False
        # first and last byte of each cell (of a blank one: any byte, ignored below)
        first = data.take(start, mode="clip")
        last = data.take(end - 1, mode="clip")
        # a visible ASCII character, or a two-byte one from U+00C0 to U+07FF (lead byte C3–DF:
        # letters such as Ø, å, é; no whitespace there)
        ok = (end > start) & ((first > 0x20) & (first < 0x7F) | (first >= 0xC3) & (first <= 0xDF))
        ends = (last > 0x20) & (last < 0x7F)
        if not ends.all():
            lead = data.take(end - 2, mode="clip")
            two_byte = (last >= 0x80) & (last <= 0xBF) & (end - start >= 2)
            ends |= two_byte & (lead >= 0xC3) & (lead <= 0xDF)
        ok &= ends
        if chunk.null_count:
            ok |= ~chunk.is_valid().to_numpy(zero_copy_only=False)
        if not ok.all():
            return False
    return True


def _to_text(s: pd.Series) -> pd.Series:
    """Text cells, stripped; blank cells become None. A whole-number cell 1001.0 → '1001'."""
    import pandas as pd

    if isinstance(s.dtype, pd.StringDtype):  # CSV: already text; stays str (blank → NaN)
        if _plain_ends(s):  # nothing to strip, no empty cell: the column as it is
            return s
        t = s.str.strip()
        return t.where(t != "")
    return _per_unique(s, _as_text)  # spreadsheet cells of mixed types


def _plain(v: object) -> str:
    """A cell as text: blank → ''; 1001.0 → '1001'; a date-time at midnight → its date."""
    import pandas as pd

    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dt.datetime):
        v = v.date()
    return str(v)


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _shown(v: object) -> str:
    return _quoted(_plain(v))


def _describe_range(spec: ColumnSpec) -> str:
    lo = "> " if spec.exclusive_minimum else "≥ "
    parts = []
    if spec.minimum is not None:
        parts.append(f"{lo}{spec.minimum:g}")
    if spec.maximum is not None:
        parts.append(f"≤ {spec.maximum:g}")
    return "must be " + " and ".join(parts)


class RegisterErrors(CollectedErrors):
    """The errors of a register. ``errors``: one line per error when there are at most
    :data:`LIST_ERRORS_UP_TO`, otherwise one line per rule with its count and first rows.
    ``details()``: every error, one line each; ``records``: the same as (row, column, value,
    rule) tuples, e.g. for an errors CSV."""

    def __init__(
        self,
        source: str,
        errors: Sequence[str],
        records: Sequence[tuple[int, str, str, str]],
        grouped: bool,
    ) -> None:
        super().__init__(source, errors)
        self.records = list(records)
        self.grouped = grouped

    def details(self) -> list[str]:
        return [f"row {r}, {c} = {_quoted(v)}: {why}" for r, c, v, why in self.records]


class _Errors:
    """Collects (row, column, value, reason) vectorised, sorts and formats once."""

    def __init__(self) -> None:
        # (rows, column, values, reason, rule): ``rule`` names the group at scale
        self.parts: list[tuple[Any, str, Any, Any, str]] = []

    def add(
        self,
        mask: pd.Series,
        column: str,
        values: pd.Series,
        reason: str | pd.Series,
        rule: str | None = None,
    ) -> None:
        if not bool(mask.any()):
            return
        if not isinstance(reason, str) and rule is None:
            # one group per distinct reason (e.g. "ambiguous" beside "must be a number")
            for why in reason[mask].unique():
                self.add(mask & (reason == why), column, values, str(why))
            return
        rows = mask.index[mask.to_numpy()]
        shown = values[mask]
        why = reason[mask] if not isinstance(reason, str) else reason
        self.parts.append((rows, column, shown, why, rule if rule is not None else str(reason)))

    def rows(self) -> list[int]:
        """Every row with an error so far."""
        return [int(r) for rows, *_ in self.parts for r in rows]

    def _table(self) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        order = [COLUMN_NAMES.index(c) if c in COLUMN_NAMES else -1 for _, c, *_ in self.parts]
        frames = []
        for (rows, column, shown, why, rule), o in zip(self.parts, order, strict=True):
            n = len(rows)
            frames.append(
                pd.DataFrame(
                    {
                        "row": np.asarray(rows, dtype=np.int64),
                        "col": np.full(n, o),
                        "column": column,
                        "value": list(shown),
                        "why": list(why) if not isinstance(why, str) else why,
                        "rule": rule,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True).sort_values(["row", "col"], kind="stable")

    def collected(self, source: str) -> RegisterErrors:
        """The errors to raise: listed one by one, or grouped by rule at scale."""
        df = self._table()
        plain = [_plain(v) for v in df["value"]]
        records = [
            (int(r), str(c), v, str(w))
            for r, c, v, w in zip(df["row"], df["column"], plain, df["why"], strict=True)
        ]
        if len(df) <= LIST_ERRORS_UP_TO:
            return RegisterErrors(
                source,
                [f"row {r}, {c} = {_quoted(v)}: {w}" for r, c, v, w in records],
                records,
                False,
            )
        lines = []
        groups = df.groupby(["col", "column", "rule"], sort=False)
        firsts = sorted(
            ((int(g["row"].iloc[0]), key, g) for key, g in groups), key=lambda t: (t[0], t[1][0])
        )
        for _, (_, column, rule), g in firsts:
            rows = g["row"].to_numpy()
            listed = ", ".join(str(int(r)) for r in rows[:FIRST_ROWS_SHOWN])
            more = ", …" if len(rows) > FIRST_ROWS_SHOWN else ""
            value = _shown(g["value"].iloc[0])
            lines.append(
                f"{column}: {rule}: {len(rows)} row(s): {listed}{more} (row {int(rows[0])}: "
                f"{column} = {value})"
            )
        lines.append(f"{len(df)} error(s) in {df['row'].nunique()} row(s) in all")
        return RegisterErrors(source, lines, records, True)


def _check_range(errors: _Errors, spec: ColumnSpec, values: pd.Series, raw: pd.Series) -> None:
    """The column's range rules, compared on the numpy values (an empty cell breaks none); a
    mask is made a Series only when some cell breaks the rule."""
    import numpy as np
    import pandas as pd

    v = values.to_numpy(dtype=np.float64)

    def add(mask: Any, why: str) -> None:
        if mask.any():
            errors.add(pd.Series(mask, index=values.index), spec.name, raw, why)

    if spec.minimum is not None:
        add(
            v <= spec.minimum if spec.exclusive_minimum else v < spec.minimum, _describe_range(spec)
        )
    if spec.maximum is None and spec.kind == "number":  # NOK amounts: the plausible maximum
        from housingcalc.limits import MAX_AMOUNT

        add(
            v > MAX_AMOUNT,
            f"above the plausible maximum of {MAX_AMOUNT:,.0f} NOK".replace(",", " "),
        )
    if spec.maximum is not None:
        add(v > spec.maximum, _describe_range(spec) + " (implausible value)")


_DATE_RULE = "must be a date written YYYY-MM-DD or DD.MM.YYYY (years 1850–2100)"
#: The plausible dates (:func:`_to_date`): years 1850 to 2100.
_FIRST_DAY, _AFTER_LAST_DAY = "1850-01-01", "2101-01-01"


def _missing_column(spec: ColumnSpec, index: pd.Index) -> pd.Series:
    """The values of a column the file does not have: NaN, NaT or None."""
    import numpy as np
    import pandas as pd

    if spec.kind in ("number", "integer", "percent"):
        return pd.Series(np.nan, index=index, dtype="float64")
    if spec.kind == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[s]")
    return pd.Series(None, index=index, dtype=object)


def _breaks_number_rules(spec: ColumnSpec, v: Any) -> bool:
    """Whether any of the float64 values ``v`` (NaN: blank) breaks a rule that
    :func:`_convert_column` checks for a number, integer or percent column typed at parse time:
    infinite (:func:`_to_number`), not whole (integer), out of range (:func:`_check_range`), a
    rate that looks like a fraction (:func:`_convert_percent`)."""
    import numpy as np

    from housingcalc.limits import MAX_AMOUNT
    from housingcalc.units import AMBIGUOUS_BELOW

    if np.isinf(v).any():
        return True
    if spec.kind == "integer" and (np.isfinite(v) & (v != np.round(v))).any():
        return True
    if spec.minimum is not None:
        below = v <= spec.minimum if spec.exclusive_minimum else v < spec.minimum
        if below.any():
            return True
    if spec.maximum is None and spec.kind == "number" and (v > MAX_AMOUNT).any():
        return True
    if spec.maximum is not None and (v > spec.maximum).any():
        return True
    if spec.kind == "percent":
        size = np.abs(v)
        return bool(((size > 0) & (size < AMBIGUOUS_BELOW)).any())
    return False


def _convert_column(
    spec: ColumnSpec, col: pd.Series, percent_cells: pd.DataFrame | None, errors: _Errors
) -> pd.Series:
    """One column's cells → typed values; the cells that break the column's rules go to
    ``errors``."""
    import numpy as np
    import pandas as pd

    if (
        spec.kind in ("number", "integer", "percent")
        and col.dtype == np.float64
        and (spec.kind != "percent" or percent_cells is None)
        and not _breaks_number_rules(spec, col.to_numpy())
    ):
        # typed at parse time and every cell within the rules: the values as they are (the
        # checks below, cell by cell with their reasons, run only when some cell breaks one)
        if spec.kind == "percent":
            return pd.Series(col.to_numpy() / 100.0, index=col.index, copy=False)
        return col
    if spec.kind in ("number", "integer"):
        values, bad = _to_number(col)
        errors.add(bad, spec.name, col, _number_rule(col, bad))
        if spec.kind == "integer":
            frac = values.notna() & (values != values.round())
            errors.add(frac, spec.name, col, "must be a whole number")
        _check_range(errors, spec, values, col)
        return values
    if spec.kind == "percent":
        return _convert_percent(spec, col, percent_cells, errors)
    if spec.kind == "date":
        values, bad = _to_date(col)
        errors.add(bad, spec.name, col, _DATE_RULE)
        return values
    if spec.kind == "enum":
        mapped, bad = _enum(col, _ENUM_LOOKUP[spec.name])
        errors.add(bad, spec.name, col, "must be one of " + ", ".join(spec.choices))
        return mapped
    return _to_text(col)


def _convert(raw: _Raw, errors: _Errors) -> pd.DataFrame:
    import pandas as pd

    src = raw.frame
    out: dict[str, Any] = {}
    for spec in COLUMNS:
        if spec.name not in src.columns:
            out[spec.name] = _missing_column(spec, src.index)
        else:
            out[spec.name] = _convert_column(spec, src[spec.name], raw.percent_cells, errors)
    # one block per column (no copy into 2-D blocks)
    return pd.DataFrame(out, index=src.index, copy=False)


def _enum(col: pd.Series, lookup: Mapping[str, str]) -> tuple[pd.Series, pd.Series]:
    """Coded cells → canonical values (text, missing where blank or unknown), and the mask of
    cells that are not blank but not an accepted spelling; worked out once per distinct cell
    (the cell as text: :func:`_as_text`, then :func:`_fold`)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    texts = [_as_text(u) for u in uniques]
    mapped = np.array(
        [None if t is None else lookup.get(_fold(t)) for t in texts] + [None], dtype=object
    )
    unknown = np.array(
        [t is not None and m is None for t, m in zip(texts, mapped, strict=False)] + [False]
    )
    at = np.where(codes < 0, len(uniques), codes)
    return (
        _coded_text(list(mapped), at, col.index),
        pd.Series(unknown[at], index=col.index, dtype=bool),
    )


def _convert_percent(
    spec: ColumnSpec, col: pd.Series, percent_cells: pd.DataFrame | None, errors: _Errors
) -> pd.Series:
    """Percent as users write it (``4.5``, ``4,5 %``); a %-formatted XLSX cell as shown."""
    import pandas as pd

    from housingcalc.units import AMBIGUOUS_BELOW

    if pd.api.types.is_numeric_dtype(col.dtype) and col.dtype != bool:  # typed at parse time
        explicit = pd.Series(False, index=col.index)
        values, bad = _to_number(col)
    else:
        text = col.astype(object).map(lambda v: v if isinstance(v, str) else None)
        explicit = text.str.strip().str.endswith("%").fillna(False).astype(bool)
        stripped = col.astype(object).where(~explicit, text.str.strip().str.rstrip("%"))
        values, bad = _to_number(stripped)
    formatted = (
        percent_cells["loan_rate"] & ~explicit  # '4,5 %' written as text says it itself
        if percent_cells is not None
        else pd.Series(False, index=col.index)
    )
    # a cell formatted as percent holds the fraction (0.045 shows as 4.5 %)
    values = values.where(~formatted, values * 100.0)
    errors.add(bad, spec.name, col, "must be a percentage such as 4.5 or 4,5 %")
    ambiguous = (
        ~explicit
        & ~formatted
        & values.notna()
        & (values.abs() > 0)
        & (values.abs() < AMBIGUOUS_BELOW)
    )
    errors.add(
        ambiguous, spec.name, col, "looks like a fraction; give rates in percent, e.g. 4.5 or 4.5 %"
    )
    _check_range(errors, spec, values, col)
    return (values / 100.0).where(~ambiguous)


def _increasing(arr: Any) -> bool:
    """True if an Arrow text column (no nulls) is strictly increasing, shorter before longer
    and then byte by byte (so ids numbered ``A-9``, ``A-10`` count as in order): then no two
    cells are equal."""
    import numpy as np
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    lengths = pc.binary_length(arr).to_numpy()
    longer = np.diff(lengths)
    if (longer < 0).any():
        return False
    less = pc.less(arr[:-1], arr[1:]).to_numpy()
    return bool(((longer > 0) | less).all())


def _all_distinct(s: pd.Series) -> bool:
    """True if no two cells of an Arrow-backed text column are equal; False when there are or
    when not sure (then the caller looks for the duplicates). Sorted and compared with the
    neighbour, which at a million distinct ids is several times faster than hashing them."""
    if getattr(s.dtype, "storage", None) != "pyarrow":
        return False
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    arr = pa.chunked_array(pa.array(s.array)).drop_null()
    if len(arr) < 2:
        return True
    if _increasing(arr):  # in order already (as exports often are)
        return True
    ordered = arr.take(pc.sort_indices(arr))
    return not pc.any(pc.equal(ordered[1:], ordered[:-1])).as_py()


def _validate_rows(
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    errors: _Errors,
    equals: Callable[[str, str], Any] | None = None,
) -> None:
    """Rules across rows and columns.

    Rows that already have an error in a cell are not checked across columns (a bad date
    would otherwise also be reported as a missing book value). ``equals(column, value)``, when
    given, answers ``frame[column] == value`` for a coded column (as a bool array) faster.
    """
    import numpy as np
    import pandas as pd

    def shown(column: str) -> pd.Series:
        if column in raw.columns:
            return raw[column]
        return pd.Series("", index=frame.index)

    def add(mask: Any, column: str, values: pd.Series, reason: str) -> None:
        """A rule broken where the numpy ``mask`` is True (a Series is made only then)."""
        if mask.any():
            errors.add(pd.Series(mask, index=frame.index), column, values, reason)

    def blank(column: str) -> Any:
        return frame[column].isna().to_numpy()

    ids = frame["unit_id"]
    add(blank("unit_id"), "unit_id", shown("unit_id"), "required (every unit needs an id)")
    if not _all_distinct(ids):
        dup = ids.duplicated(keep="first") & ids.notna()
        if dup.any():
            first_row = pd.Series(frame.index, index=frame.index).groupby(ids).transform("first")
            why = "duplicate of row " + first_row.astype("Int64").astype(str)
            errors.add(dup, "unit_id", ids, why, rule="duplicate of an earlier row")
    if "area_m2" in raw.columns:
        add(
            blank("area_m2") & _blank(raw["area_m2"]).to_numpy(),
            "area_m2",
            raw["area_m2"],
            "required (the unit's area in m²)",
        )
    clean = ~np.isin(frame.index.to_numpy(), errors.rows()) if errors.parts else True

    def where(column: str, value: str) -> Any:
        """The rows whose (coded) ``column`` is ``value``."""
        if equals is None:
            return (frame[column] == value).to_numpy(bool)
        return equals(column, value)

    rented = where("tenure", "rented_in")
    add(
        clean & rented & where("status", "rent_to_own"),
        "status",
        frame["status"],
        "a rented_in unit cannot be sold through rent_to_own",
    )
    has_grant = frame["grant_amount"].to_numpy() > 0  # (a blank, NaN, is no grant)
    add(
        clean & has_grant & blank("grant_date") & blank("acquired"),
        "grant_date",
        shown("grant_date"),
        "required when grant_amount > 0 and acquired is empty",
    )
    book_derivable = ~blank("acquisition_cost") & ~blank("acquired")
    add(
        clean & ~rented & blank("book_value") & ~book_derivable,
        "book_value",
        shown("book_value"),
        "missing, and cannot be derived: give book_value, or acquisition_cost and acquired",
    )


def frame_from_cells(
    raw_frame: pd.DataFrame,
    source: str,
    *,
    provided: Iterable[str] | None = None,
    notes: Sequence[str] = (),
) -> Register:
    """Validate a DataFrame of raw cells (canonical or alias headers) into a :class:`Register`.

    For library users who already hold the register in memory. The index is taken as the row
    number used in error messages.
    """
    mapping, ignored = _map_header(list(raw_frame.columns), source)
    cells = raw_frame.iloc[:, sorted(mapping)].copy()
    cells.columns = [mapping[p] for p in sorted(mapping)]
    extra = list(notes) + (["ignored columns: " + ", ".join(ignored)] if ignored else [])
    return _validate(_Raw(cells, tuple(provided or cells.columns), extra), source)


def _blank_rows(frame: pd.DataFrame) -> pd.Series | None:
    """Rows with every cell blank (None when there are no columns). Only the rows whose first
    cell is blank are looked at across the other columns."""
    import numpy as np

    if not len(frame.columns):
        return None
    out = _blank(frame.iloc[:, 0])
    if bool(out.any()):
        rows = np.flatnonzero(out.to_numpy(bool))
        out.iloc[rows] = frame.iloc[rows].apply(_blank).all(axis=1).to_numpy(bool)
    return out


def _validate(raw: _Raw, source: str) -> Register:
    blank_rows = _blank_rows(raw.frame)
    if blank_rows is not None and bool(blank_rows.any()):
        keep = ~blank_rows
        loader = raw.text_loader
        raw = _Raw(
            raw.frame[keep],
            raw.provided,
            raw.notes,
            None if raw.percent_cells is None else raw.percent_cells[keep],
            None if loader is None else (lambda: loader()[keep]),
        )
    if raw.frame.empty:
        raise CollectedErrors(source, ["the register has a header but no units"])
    errors = _Errors()
    frame = _convert(raw, errors)
    _validate_rows(frame, raw.frame, errors)
    if errors.parts and raw.text_loader is not None:
        # a rule is broken: check the cells again as written, so each line quotes the file
        text = raw.text_loader()
        errors = _Errors()
        _validate_rows(_convert(_Raw(text, raw.provided, raw.notes), errors), text, errors)
    if errors.parts:
        raise errors.collected(source)
    return Register(frame, source, raw.provided, tuple(raw.notes))


def read_register(path: Path | str, *, source: str | None = None) -> Register:
    """Read and validate a register file (``.csv``/``.txt``, ``.xlsx``/``.xlsm``, ``.parquet``).

    Raises :class:`~housingcalc.errors.CollectedErrors` listing every problem found, or
    ``FileNotFoundError``.
    """
    p = Path(path)
    name = source or str(path)
    if not p.exists():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(p, name)
    elif suffix == ".xls":
        raise InputError(name, suffix, "old .xls workbooks are not supported; save as .xlsx or CSV")
    elif suffix in (".parquet", ".pq"):
        raw = _read_parquet(p, name)
    else:
        try:
            return _read_csv_arrow(p, name)
        except _NotSure:
            raw = _read_csv(p, name)
    return _validate(raw, name)


# -- writing tables out -----------------------------------------------------------------------

#: CSV dialects for tables written out: ``plain`` (comma, decimal point, UTF-8) and
#: ``excel-nb`` (what Excel with Norwegian settings opens directly: semicolon, decimal comma,
#: UTF-8 with a byte-order mark).
CSV_DIALECTS = ("plain", "excel-nb")


def frame_to_csv(frame: pd.DataFrame, dialect: str = "plain") -> str:
    """A table as CSV text (:func:`housingcalc.output.csv_text`: floats to the øre, dates
    ISO, empty for missing), with text cells made inert
    (:func:`housingcalc.tabular.neutralise_cell`).
    ``excel-nb``: semicolons, decimal commas, CRLF and a leading byte-order mark."""
    from housingcalc.output import _csv_cell, csv_text
    from housingcalc.tabular import neutralise_cell

    names = [str(c) for c in frame.columns]
    columns = [[neutralise_cell(v) for v in frame[c].tolist()] for c in frame.columns]
    if dialect != "excel-nb":
        return csv_text(dict(zip(names, columns, strict=True)))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(names)
    for values in zip(*columns, strict=True):
        cells = [_csv_cell(v, 2) for v in values]
        writer.writerow(
            [
                c.replace(".", ",") if isinstance(v, float) and isinstance(c, str) else c
                for v, c in zip(values, cells, strict=True)
            ]
        )
    return "\ufeff" + buf.getvalue()


# -- template ---------------------------------------------------------------------------------


def template_rows(lang: str = "en") -> list[dict[str, str]]:
    """One row per column: header (English or the first Norwegian alias), rule, default."""
    rows = []
    for c in COLUMNS:
        header = (
            c.name
            if lang == "en"
            else next(
                (a for a in c.aliases if not a.isascii()), c.aliases[0] if c.aliases else c.name
            )
        )
        choices = ", ".join(c.choices) if c.choices else ""
        rows.append(
            {
                "column": header,
                "canonical": c.name,
                "required": "yes" if c.required else "no",
                "kind": c.kind,
                "description": c.description + (f" Values: {choices}." if choices else ""),
                "default": c.default,
                "aliases": ", ".join(c.aliases),
                "example": c.example,
            }
        )
    return rows


#: Data rows of the XLSX template that carry the drop-down lists of the coded columns.
TEMPLATE_ROWS = 5000

_TEMPLATE_TEXT = {
    "en": {
        "sheet": "register",
        "columns": "columns",
        "title": "Register of municipal rental units: one row per unit, from row 4. Row 2 is "
        "an example (ignored when read); hover over a header for its rule.",
        "required": "required",
        "default": "If empty",
        "values": "Values",
    },
    "nb": {
        "sheet": "boliger",
        "columns": "kolonner",
        "title": "Register over kommunale utleieboliger: én rad per bolig, fra rad 4. Rad 2 er "
        "et eksempel (leses ikke); hold musen over en overskrift for regelen.",
        "required": "påkrevd",
        "default": "Hvis tom",
        "values": "Verdier",
    },
}


def _template_workbook(path: Path, rows: list[dict[str, str]], lang: str) -> None:
    """The XLSX template: a title row, an example row, the header (a note on each header
    cell gives the column's rule and default), drop-down lists for the coded columns over
    :data:`TEMPLATE_ROWS` rows, and a sheet describing every column."""
    import xlsxwriter

    text = _TEMPLATE_TEXT.get(lang, _TEMPLATE_TEXT["en"])
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    example = wb.add_format({"italic": True, "font_color": "#7F7F7F"})
    title = wb.add_format({"bold": True})
    ws = wb.add_worksheet(text["sheet"])
    ws.write_string(0, 0, text["title"], title)
    last = 3 + TEMPLATE_ROWS - 1
    for j, r in enumerate(rows):
        spec = SPEC[r["canonical"]]
        ws.write_string(2, j, r["column"], required if spec.required else bold)
        note = [r["description"]]
        if spec.required:
            note.append(f"({text['required']}) {r['default']}")
        else:
            note.append(f"{text['default']}: {r['default']}")
        ws.write_comment(2, j, "\n".join(note), {"x_scale": 2.5, "y_scale": 1.6})
        if spec.example:
            ws.write_string(1, j, spec.example, example)
        ws.set_column(j, j, max(12, len(r["column"]) + 2))
        if spec.kind == "enum":
            ws.data_validation(
                3,
                j,
                last,
                j,
                {
                    "validate": "list",
                    "source": list(spec.choices),
                    "input_title": r["column"],
                    "input_message": f"{text['values']}: {', '.join(spec.choices)}"[:255],
                    "error_type": "warning",
                },
            )
        elif spec.kind in ("number", "integer", "percent") and spec.minimum is not None:
            criteria: dict[str, Any] = {
                "validate": "integer" if spec.kind == "integer" else "decimal",
                "error_type": "warning",
                "error_message": _describe_range(spec)[:255],
            }
            if spec.maximum is not None:
                criteria.update(criteria="between", minimum=spec.minimum, maximum=spec.maximum)
            else:
                criteria.update(criteria=">=", value=spec.minimum)
            ws.data_validation(3, j, last, j, criteria)
        elif spec.kind == "date":
            ws.set_column(j, j, 12, wb.add_format({"num_format": "dd.mm.yyyy"}))
    ws.freeze_panes(3, 1)
    ws.autofilter(2, 0, 2, len(rows) - 1)
    info = wb.add_worksheet(text["columns"])
    keys = list(rows[0])
    for j, k in enumerate(keys):
        info.write_string(0, j, k, bold)
    for i, r in enumerate(rows, start=1):
        for j, k in enumerate(keys):
            info.write_string(i, j, r[k])
    info.set_column(0, 2, 20)
    info.set_column(3, 3, 10)
    info.set_column(4, 6, 60)
    info.freeze_panes(1, 0)
    wb.close()


def write_template(path: Path | str, *, lang: str = "en") -> Path:
    """Write an empty register: CSV (header row only) or XLSX (a title row, an example row,
    the header with a note per column, drop-down lists for the coded columns, and a sheet
    describing every column).

    CSV templates are UTF-8 with BOM and ``;`` separators when ``lang="nb"`` (what Norwegian
    Excel opens directly), plain UTF-8 with commas otherwise. The XLSX template has a second
    sheet describing each column; it is ignored when the register is read back.
    """
    p = Path(path)
    rows = template_rows(lang)
    headers = [r["column"] for r in rows]
    if p.suffix.lower() == ".xlsx":
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(f".{p.name}.tmp")
        _template_workbook(tmp, rows, lang)
        tmp.replace(p)
        return p
    sep = ";" if lang == "nb" else ","
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n" if lang == "nb" else "\n").writerow(
        headers
    )
    data = buf.getvalue().encode("utf-8-sig" if lang == "nb" else "utf-8")
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(p)
    return p
