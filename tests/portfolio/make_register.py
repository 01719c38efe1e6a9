"""Synthetic registers for the examples, the tests and the timing (NOT real data).

``python -m tests.portfolio.make_register`` rewrites ``scenarios/portfolio-example-register.csv``
(300 made-up units of a made-up "Eksempelkommune"). :func:`make_register` with ``n=115_000``
gives a register the size of Norway's whole municipal stock for timing runs.

Values are plausible, not real: districts and kr/m² are invented around a mid-sized Norwegian
city (2025 price level, about 38 000–56 000 kr/m²), acquisition prices are the current price
deflated by 5.5 % a year, grants follow the two Husbanken rules (a share of cost before 2018;
10 500 / 12 700 kr/m² × min(area, 80) from 2018), loans are Husbanken loans of 50–85 % of the
net cost repaid as annuities over 30–40 years. A share of cells is left empty on purpose, so
the defaults are exercised.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "portfolio-example-register.csv"

DISTRICTS = {"Sentrum": 56_000, "Nord": 43_000, "Sør": 46_000, "Øst": 38_000, "Vest": 49_000}
VALUATION_YEAR = 2025


def _annuity_balance(
    principal: np.ndarray, rate: np.ndarray, term: np.ndarray, held: np.ndarray
) -> np.ndarray:
    """Balance of a monthly annuity after ``held`` years (vectorised)."""
    i = rate / 12
    n = term * 12
    k = np.minimum(held * 12, n)
    growth_n = (1 + i) ** n
    growth_k = (1 + i) ** k
    return principal * (growth_n - growth_k) / (growth_n - 1)


def make_register(n: int = 300, seed: int = 2025) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.array([f"DEMO-{i:04d}" if n < 10_000 else f"DEMO-{i:06d}" for i in range(1, n + 1)])
    district = rng.choice(list(DISTRICTS), size=n, p=[0.15, 0.25, 0.2, 0.25, 0.15])
    kr_m2 = np.array([DISTRICTS[d] for d in district], dtype=float)
    area = np.clip(np.round(rng.lognormal(np.log(55), 0.3, n), 1), 22, 140)
    rooms = np.clip(1 + (area // 22).astype(int), 1, 6)
    standard = rng.choice(["simple", "normal", "high"], size=n, p=[0.2, 0.6, 0.2])
    tenure = np.where(rng.random(n) < 0.9, "owned", "rented_in")
    owned = tenure == "owned"
    year = rng.integers(1978, VALUATION_YEAR, n)
    month = rng.integers(1, 13, n)
    acquired = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    held = VALUATION_YEAR - year - (month - 1) / 12
    noise = rng.uniform(0.9, 1.1, n)
    market = np.round(area * kr_m2 * noise, -3)
    cost = np.round(market * 1.055**-(held) * rng.uniform(0.9, 1.1, n), -3)
    book = np.round(cost * np.maximum(0, 1 - np.floor(held * 12) / 480), 0)

    # grants: before 2018 a share of cost; from 2018 kr/m² × min(area, 80)
    grant_given = owned & (year >= 2011) & (rng.random(n) < 0.6)
    rate_m2 = np.where(year >= 2023, 12_700, 10_500)
    grant = np.where(
        year >= 2018, rate_m2 * np.minimum(area, 80), np.round(cost * rng.uniform(0.2, 0.4, n), -3)
    )
    grant = np.where(grant_given, grant, 0.0)
    grant_rule = np.where(grant_given, np.where(year >= 2018, "2018", "pre2018"), "")

    # Husbanken loans on units bought since 1995
    has_loan = owned & (year >= 1995) & (rng.random(n) < 0.85)
    term = rng.choice([30, 40], size=n)
    loan_rate = np.round(rng.choice([4.64, 4.2, 3.9], size=n, p=[0.7, 0.2, 0.1]), 2)
    loan0 = (cost - grant) * rng.uniform(0.5, 0.85, n)
    balance = np.round(_annuity_balance(loan0, loan_rate / 100, term, held), 0)
    years_left = np.round(term - held, 1)
    has_loan &= (years_left > 0.5) & (balance > 1000)

    factor = {"simple": 0.9, "normal": 1.0, "high": 1.12}
    std_factor = np.array([factor[s] for s in standard])
    rent = np.round(area * rng.uniform(150, 200, n) * std_factor, -1)
    status = np.where(rng.random(n) < 0.05, "vacant", "let")
    status = np.where(owned & (rng.random(n) < 0.12), "rent_to_own", status)
    maintenance = np.round(area * rng.uniform(80, 260, n), -2)
    other = np.round(area * rng.uniform(180, 300, n), -2)
    lease = np.where(owned, np.nan, np.round(rent * 12 * rng.uniform(0.95, 1.1, n), -2))

    df = pd.DataFrame(
        {
            "unit_id": ids,
            "address": [f"Demogata {i % 97 + 1} {'ABCD'[i % 4]}" for i in range(n)],
            "district": district,
            "area_m2": area,
            "rooms": rooms,
            "size_class": np.where(area <= 45, "small", np.where(area <= 75, "medium", "large")),
            "standard": standard,
            "tenure": tenure,
            "acquired": acquired.dt.strftime("%Y-%m-%d"),
            "acquisition_cost": np.where(owned, cost, np.nan),
            "book_value": np.where(owned, book, np.nan),
            "market_value": np.where(owned, market, np.nan),
            "grant_amount": np.where(grant_given, grant, np.nan),
            "grant_date": np.where(grant_given, acquired.dt.strftime("%Y-%m-%d"), ""),
            "grant_rule": grant_rule,
            "loan_balance": np.where(has_loan, balance, np.nan),
            "loan_rate": np.where(has_loan, loan_rate, np.nan),
            "loan_years_left": np.where(has_loan, years_left, np.nan),
            "rent_monthly": rent,
            "maintenance_yearly": maintenance,
            "other_costs_yearly": other,
            "lease_cost_yearly": lease,
            "status": status,
            "note": "SYNTHETIC - made-up data, not a real municipality",
        }
    )

    # leave some cells empty so that the documented defaults are exercised
    def blank(col: str, share: float) -> None:
        mask = rng.random(n) < share
        df.loc[mask, col] = np.nan if df[col].dtype.kind == "f" else ""

    blank("book_value", 0.05)  # derived from acquisition_cost
    blank("market_value", 0.15)  # area × kr/m² of the district
    blank("maintenance_yearly", 0.05)
    blank("standard", 0.03)
    blank("grant_rule", 0.3)  # from grant_date
    blank("loan_years_left", 0.02)
    df.loc[rng.random(n) < 0.5, "size_class"] = ""
    return df


def write_example(path: Path = EXAMPLE) -> Path:
    df = make_register()
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write_example(Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE))


def write_broken_xlsx(folder: Path) -> list[Path]:
    """The XLSX files of the broken-register corpus (``tests/portfolio/broken/``)."""
    import datetime as dt

    from openpyxl import Workbook

    out = []
    # extra sheets: notes first, the register on the second sheet under a title row, a pivot
    wb = Workbook()
    notes = wb.active
    notes.title = "Notater"
    notes.append(["Eksport fra eiendomssystemet"])
    notes.append(["Oppdiktede data for testene"])
    ws = wb.create_sheet("Boliger")
    ws.append(["Kommunale boliger per 01.01.2025"])
    ws.append(
        [
            "Boenhet ID",
            "Areal m2",
            "Bokført verdi",
            "Markedsverdi",
            "Lån",
            "Rente",
            "Anskaffet",
            "Status",
            "Kommentar",
        ]
    )
    ws.append(
        ["X-1", 50, 1_000_000, 2_000_000, 800_000, 0.045, dt.datetime(2014, 3, 1), "utleid", "ok"]
    )
    ws.append(["X-2", "femti", 1_000_000, 2_000_000, 0, None, "01.03.2014", "ledig", None])
    ws.append([None, None, None, None, None, None, None, None, None])
    ws.append(["X-3", 55.5, 1_100_000, 2_100_000, 700_000, "4,5 %", "2015-06-01", "solgt", ""])
    ws.append(["X-4", 41, True, 1_900_000, 600_000, 0.039, "2016-01-01", "let", ""])
    for row in (3, 4, 6, 7):
        ws.cell(row=row, column=6).number_format = "0.0%"
    ws.cell(row=6, column=6).number_format = "General"
    pivot = wb.create_sheet("Pivot")
    pivot.append(["Bydel", "Sum"])
    pivot.append(["Sentrum", 123])
    path = folder / "extra_sheets.xlsx"
    wb.save(path)
    out.append(path)

    wb = Workbook()
    wb.active.append(["Ingen kolonner her"])
    wb.active.append([1, 2, 3])
    path = folder / "no_header.xlsx"
    wb.save(path)
    out.append(path)

    wb = Workbook()
    path = folder / "empty.xlsx"
    wb.save(path)
    out.append(path)

    path = folder / "not_a_workbook.xlsx"
    path.write_text("unit_id,area_m2\nA,50\n", "utf-8")
    out.append(path)
    return out
