"""The manager's timed pages: one line each in PAGES, URLs for today's service day; the export's
rows counted as CSV; requests only to this machine."""
from __future__ import annotations

from datetime import date

import pytest

from bench.client import local_base
from bench.pages import PAGES, csv_rows, days_ago


def test_each_page_is_a_url_for_today():
    urls = {page.name: page.url(date(2026, 11, 20)) for page in PAGES}
    assert urls["dashboard, a day (yesterday)"] == "/manager/?period=day&day=2026-11-19"
    assert urls["dashboard, a week (last week)"] == "/manager/?period=week&day=2026-11-13"
    assert urls["dashboard, a month (30 days)"] == "/manager/?period=range&start=2026-10-21&end=2026-11-19"
    assert urls["dashboard, a year (365 days)"] == "/manager/?period=range&start=2025-11-20&end=2026-11-19"
    assert urls["lost-and-found log, search"] == \
        "/manager/lost-found?q=zwart&category=clothing&found_from=2024-11-20"
    assert urls["booking form availability (4 guests, 20:00)"] == \
        "/host/bookings/availability?day=2026-11-20&time=20%3A00&party_size=4"
    assert urls["timeline, today"] == "/host/timeline"
    assert days_ago("/x", a=0, b="y")(date(2026, 1, 1)) == "/x?a=2026-01-01&b=y"


def test_the_exports_rows_are_counted_as_csv():
    body = ("\ufeffReference;Found;Description\r\n"
            'LF-1;2026-11-01;"a scarf;\r\nblack"\r\n'
            "LF-2;2026-11-02;keys\r\n").encode()
    assert csv_rows(body) == 2
    assert csv_rows("\ufeffReference,Found\r\nLF-1,x\r\n".encode()) == 1


@pytest.mark.parametrize("base", ["http://localhost:8000", "http://10.0.0.5:8000", "https://127.0.0.1:8000",
                                  "http://127.0.0.1.example.com"])
def test_the_bench_sends_requests_to_this_machine_only(base):
    with pytest.raises(ValueError, match="only sends requests to http://127.0.0.1"):
        local_base(base)
    assert local_base("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
