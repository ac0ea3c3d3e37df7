import csv
import io

import pytest

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def test_dashboard_shows_the_figures_of_the_day(manager_client, evening, items):
    page = manager_client.get("/manager/", query_string={"period": "day", "day": "2026-11-20"},
                              headers=EN).get_data(as_text=True)
    assert "Friday 20 November 2026" in page
    assert "35 s" in page and "2 min 25 s" in page  # median and p90 of time to greet
    assert "67%" in page and "29%" in page  # greeted within 60 s; no-show rate 2 of 7
    assert "Anna" in page and "Bram" in page
    assert "<svg" in page and 'id="chart-greet"' in page and 'id="chart-hours"' in page and 'id="chart-items"' in page
    assert ">seconds</text>" in page and ">covers</text>" in page and ">items</text>" in page  # units on the axes
    assert "Covers booked (not cancelled, no-shows included)" in page
    assert "Covers expected (as on the host board)" in page


def test_empty_day_says_no_data(manager_client, evening):
    response = manager_client.get("/manager/", query_string={"period": "day", "day": "2026-11-18"}, headers=NL)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "geen gegevens" in page
    assert "Geen reserveringen of walk-ins in deze periode" in page


def test_dashboard_without_any_data(manager_client, frozen):
    response = manager_client.get("/manager/", headers=EN)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("no data") >= 10


@pytest.mark.parametrize("query", [
    {"period": "week", "day": "2026-11-20"}, {"period": "range", "start": "2026-11-30", "end": "2026-11-01"},
    {"period": "<b>"}, {"day": "not-a-date"}, {"period": "month", "day": "2026-02-28"}, {"period": "year"},
    {"start": "2026-02-30"},
])
def test_odd_periods_never_fail(manager_client, evening, query):
    response = manager_client.get("/manager/", query_string=query, headers=EN)
    assert response.status_code == 200


@pytest.mark.parametrize("query", [{"period": "<b>"}, {"day": "not-a-date"}, {"day": "0001-01-01"},
                                   {"period": "range", "start": "9999-12-31"}])
def test_odd_periods_are_said_beside_the_figures(manager_client, evening, query):
    response = manager_client.get("/manager/", query_string=query, headers={"HX-Request": "true", **EN})
    assert response.status_code == 200
    assert 'class="banner banner-error" role="alert"' in response.get_data(as_text=True)


def test_htmx_gets_only_the_figures(manager_client, evening):
    response = manager_client.get("/manager/", query_string={"period": "week"},
                                  headers={"HX-Request": "true", **EN})
    assert response.get_data(as_text=True).lstrip().startswith('<div id="figures">')


def test_only_managers(host_client, staff_client):
    assert host_client.get("/manager/").status_code == 403
    assert staff_client.get("/manager/").status_code == 403


def test_charts_follow_the_period(manager_client, evening):
    page = manager_client.get("/manager/", query_string={"period": "week", "day": "2026-06-03"},
                              headers=EN).get_data(as_text=True)
    assert "1 Jun" in page and "7 Jun" in page and "20 Nov" not in page
    year = manager_client.get("/manager/", query_string={"period": "year", "day": "2026-06-03"},
                              headers=NL).get_data(as_text=True)
    assert "nov 2026" in year and "jan 2026" in year  # months with their year, never read as a date


def test_dutch_numbers_in_the_charts(manager_client, evening, items):
    page = manager_client.get("/manager/", query_string={"period": "day", "day": "2026-11-20"},
                              headers=NL).get_data(as_text=True)
    assert ">0,5</text>" in page and ">1,5</text>" in page  # the items chart's ticks up to 2, with a decimal comma
    assert ">seconden</text>" in page


def test_a_range_over_five_years_is_refused_with_a_message(manager_client, evening):
    query = {"period": "range", "start": "2020-01-01", "end": "2026-11-20"}
    response = manager_client.get("/manager/", query_string=query, headers=NL)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Een periode mag hoogstens 5 jaar lang zijn" in page and 'id="chart-greet"' not in page
    ok = manager_client.get("/manager/", query_string={**query, "start": "2021-11-21"}, headers=EN)
    assert ok.status_code == 200 and "21 Nov 2021 to 20 Nov 2026" in ok.get_data(as_text=True)


def test_compare_with_the_previous_period_and_a_year_earlier(manager_client, evening):
    page = manager_client.get("/manager/", query_string={"period": "day", "day": "2026-11-20", "compare": "1"},
                              headers=EN).get_data(as_text=True)
    assert "Previous period: 19 Nov 2026 to 19 Nov 2026" in page and "21 Nov 2025" in page
    assert "+9" in page  # parties: 10 against 1 the day before


def test_figures_as_csv(manager_client, evening, items):
    response = manager_client.get("/manager/figures/export.csv",
                                  query_string={"period": "day", "day": "2026-11-20", "compare": "1"}, headers=NL)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    first = {}
    for row in rows:
        if row:
            first.setdefault(row[0], row[1:])
    assert first["Tijd tot begroeting, mediaan (seconden)"] == ["35", "30", "60"]
    assert first["Gezelschappen"] == ["10", "3", "7"]
    compared = [row for row in rows if row and row[0] == "Gezelschappen"][-1]
    assert compared == ["Gezelschappen", "10", "1", "+9", "0", "+10"]  # a signed number stays a number


def test_printable_figures_show_every_row(manager_client, evening):
    page = manager_client.get("/manager/figures/print", query_string={"period": "range", "start": "2026-10-24",
                                                                       "end": "2026-11-20"}, headers=EN)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count('<tr><td>') >= 28 and "Printed" in text and "Export to CSV" not in text
