"""Pages and fragments with personal data are never kept by a browser or proxy."""
from __future__ import annotations

from hostdesk.auth.models import Role


def test_every_page_and_fragment_behind_the_login_says_no_store(app, client_for):
    pages = {Role.HOST: ["/host/", "/host/board/poll", "/host/floor/", "/host/bookings", "/manager/me"],
             Role.STAFF: ["/lost-found/", "/lost-found/reports"],
             Role.MANAGER: ["/manager/", "/manager/users", "/manager/lost-found", "/manager/settings"]}
    checked = 0
    for role, paths in pages.items():
        client = client_for(role)
        for path in paths:
            for htmx in (False, True):
                response = client.get(path, headers={"HX-Request": "true"} if htmx else {})
                assert response.status_code == 200, path
                assert "no-store" in response.headers.get("Cache-Control", ""), (path, htmx)
                checked += 1
    assert checked == 22
    anonymous = app.test_client()
    assert "no-store" in anonymous.get("/login").headers.get("Cache-Control", "")
    static = anonymous.get("/static/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
