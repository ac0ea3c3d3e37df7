import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from hostdesk import create_app
from hostdesk.auth.access import public
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from tests.conftest import PASSWORDS
from tests.htmx_answers import lands_in


def test_security_headers(app):
    response = app.test_client().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("https", [False, True])
def test_security_headers_on_every_response_and_hsts_only_over_https(database_url, tmp_path, https):
    """Flask-Talisman's headers on pages, errors and the health check; HSTS only when the app is
    told it is served over HTTPS and the request came so; a view's own options are kept."""
    from hostdesk.security import talisman

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "HOSTDESK_HTTPS": https,
                      "UPLOAD_FOLDER": str(tmp_path)})

    @app.get("/framed")
    @public
    @talisman(frame_options="SAMEORIGIN", content_security_policy={"default-src": "'self'"})
    def framed():
        return "framed"

    client = app.test_client()
    over_https = {"X-Forwarded-Proto": "https"}
    for path, headers in [("/login", {}), ("/login", over_https), ("/nowhere", {}), ("/healthz", over_https),
                          ("/framed", {}), ("/framed", over_https)]:
        response = client.get(path, headers=headers)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        assert ("Strict-Transport-Security" in response.headers) == (https and bool(headers)), path
        assert response.headers["X-Frame-Options"] == ("SAMEORIGIN" if path == "/framed" else "DENY"), path
        csp = response.headers["Content-Security-Policy"]
        if path == "/framed":
            assert csp == "default-src 'self'"
        else:
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path


def test_session_cookie_is_httponly_and_samesite(app, users):
    response = app.test_client().post("/login", data={"username": "host", "password": PASSWORDS[Role.HOST]})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_behind_https(database_url, tmp_path):
    https_app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "HOSTDESK_HTTPS": True,
                            "UPLOAD_FOLDER": str(tmp_path)})
    assert https_app.config["SESSION_COOKIE_SECURE"] is True


def test_post_without_csrf_token_is_refused(database_url, users, tmp_path):
    strict = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path)})
    client = strict.test_client()
    response = client.post("/login", data={"username": "host", "password": PASSWORDS[Role.HOST]},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    # With the token from the page (as htmx sends it in a header, or a form field), it works.
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "host", "password": PASSWORDS[Role.HOST], "csrf_token": token})
    assert response.status_code == 302
    page = client.get("/login").get_data(as_text=True)  # a new session has a new token
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    assert client.post("/switch/leave").status_code == 400
    assert client.post("/switch/leave", headers={"X-CSRFToken": token}).status_code == 302


def test_healthz_reports_an_unreachable_database(app, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "unavailable"}


def test_healthz_with_a_database_that_is_really_gone(tmp_path):
    gone = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none",
                       "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path),
                       "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}})
    response = gone.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_pages_render_in_dutch_and_english(app, users):
    client = app.test_client()
    dutch = client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="nl"' in dutch and "Inloggen" in dutch and "Gebruikersnaam" in dutch
    assert '<html lang="en"' in english and "Sign in" in english and "User name" in english


def test_users_language_setting_wins_over_the_browser(app, users, host_client):
    from hostdesk.auth.models import User

    with app.app_context():
        db.session.get(User, users[Role.HOST]).language = "en"
        db.session.commit()
    page = host_client.get("/login", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_htmx_refusal_is_swapped_into_the_toasts(host_client):
    response = host_client.get("/no/such/page", headers={"HX-Request": "true", "Accept-Language": "en"})
    assert response.status_code == 404
    assert lands_in(response, "#toasts")
    assert 'class="toast toast-error"' in response.get_data(as_text=True)


def test_unexpected_error_rolls_back_and_shows_a_friendly_page(database_url, users, tmp_path):
    fragile = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path),
                          "WTF_CSRF_ENABLED": False})

    @fragile.get("/__boom")
    def boom():
        db.session.execute(sa.text("UPDATE users SET display_name = 'changed'"))
        raise RuntimeError("boom")

    client = fragile.test_client()
    client.post("/login", data={"username": "host", "password": PASSWORDS[Role.HOST]})
    response = client.get("/__boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    with fragile.app_context():
        assert "changed" not in db.session.scalars(sa.text("SELECT display_name FROM users")).all()
