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
    assert "<svg" in page and 'id="chart-greet"' in page and 'id="chart-covers"' in page and 'id="chart-items"' in page
    assert "Covers per 15 minutes tonight: dinner" in page


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
    {"period": "range", "start": "1900-01-01", "end": "2999-12-31"}, {"period": "<b>"}, {"day": "not-a-date"},
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
