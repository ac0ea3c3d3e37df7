"""Nasty values for every kind of form field (Hypothesis strategies)."""
from __future__ import annotations

from hypothesis import strategies as st

NASTY_TEXT = [
    "\x00", "a\x00b", "\ud800", "x\udfffy", "x" * 10_000, "\u202eevil\u202c", "שלום עליכם", "مرحبا",
    "🍝👨\u200d👩\u200d👧", "' OR 1=1 --", "   ", "\r\n\t", "\x07\x1b[31m", "%00", "../../etc/passwd",
    "<script>alert(1)</script>", "Ω≈ç√∫", "\ufeff", "NaN", "-1", "1e309", "4111 1111 1111 1111", "9377",
]
NASTY_NUMBER = ["-1", "0", "-99999999999", "99999999999999999999", "1e309", "NaN", "inf", "1.5", "", "٣", "0x10"]
NASTY_DATE = ["0001-01-01", "9999-12-31", "2026-02-30", "-0001-01-01", "99999-01-01", "", "31-12-2026"]
NASTY_DATETIME = ["0001-01-01T00:00", "9999-12-31T23:59", "2026-13-01T25:61", "", "9999-12-31T23:59:59.999999"]
NASTY_TIME = ["25:00", "23:59", "-1:00", "00:00", "", "24:00", "12:60"]

text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40),
                 st.text(st.characters(codec="utf-8"), min_size=1, max_size=300))
number = st.one_of(st.sampled_from(NASTY_NUMBER), st.integers(-(10**20), 10**20).map(str))
KIND = {"number": number, "date": st.sampled_from(NASTY_DATE), "datetime-local": st.sampled_from(NASTY_DATETIME),
        "time": st.sampled_from(NASTY_TIME)}


def field_values(kind: str, options: list[str]):
    if kind in KIND:
        return st.one_of(KIND[kind], text)
    if kind in ("select", "radio", "hidden") and options:
        return st.one_of(st.sampled_from(options), text)
    if kind == "checkbox":
        return st.sampled_from(["y", "", "\x00"])
    return text
