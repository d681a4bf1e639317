"""Deterministic, check-digit-valid identifiers for fictitious demo records.

Numbers are computed, never copied: each is checked with python-stdnum before use.
"""

from __future__ import annotations

from stdnum import ean
from stdnum.eu import vat as eu_vat
from stdnum.iso7064 import mod_11_10

GS1_PREFIX = "5499"  # fictitious company prefix; GTIN-13s below are check-digit valid


def gtin13(item: int, prefix: str = GS1_PREFIX) -> str:
    body = f"{prefix}{item:0{12 - len(prefix)}d}"
    return ean.validate(body + ean.calc_check_digit(body))


def gtin14(gtin: str, indicator: int) -> str:
    """The GTIN-14 of a pack of the item ``gtin`` (indicator digit 1–8, new check digit)."""
    body = f"{indicator}{gtin.zfill(13)[:12]}"
    return ean.validate(body + ean.calc_check_digit(body))


def gln(location: int) -> str:
    return gtin13(location, prefix="5498")


def vat_number(country: str, seed: int) -> str:
    """A VAT number that passes its country's check, derived from ``seed``."""
    for n in range(seed, seed + 50):
        if country == "BE":
            base = f"0{(4_000_000 + n * 7919) % 10_000_000:07d}"[:8]
            number = f"BE{base}{97 - int(base) % 97:02d}"
        elif country == "NL":
            digits = f"{(10_000_000 + n * 7907) % 100_000_000:08d}"
            check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
            if check == 10:
                continue
            number = f"NL{digits}{check}B01"
        elif country == "DE":
            digits = f"{(10_000_000 + n * 7901) % 100_000_000:08d}"
            if digits[0] == "0":
                continue
            number = f"DE{digits}{mod_11_10.calc_check_digit(digits)}"
        else:
            raise ValueError(f"no demo VAT generator for {country}")
        if eu_vat.is_valid(number):
            return eu_vat.compact(number)
    raise ValueError(f"no valid VAT number near seed {seed} for {country}")
