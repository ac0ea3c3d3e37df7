"""The app-wide safeguards that are no feature of their own: ids in URLs, pages never cached, the
first-run page, the demo band, and the guest's own address behind a reverse proxy."""
from __future__ import annotations

from flask import Flask, request

from .firstrun import register_first_run
from .ids import register_ids
from .tls import register_tls


def no_store(response):
    """Pages and fragments hold personal data: no browser or proxy keeps a copy (static files may)."""
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def register_hardening(app: Flask) -> None:
    """Called before the blueprints are registered (the id converter must be known to their rules)."""
    register_ids(app)
    if app.config["PROXY_HOPS"]:
        # Behind the public reverse proxy (docs/deployment.md): the address the per-address limits count
        # is the guest's, from X-Forwarded-For as far as the trusted proxies go, not the proxy's own.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.after_request(no_store)
    register_first_run(app)
    register_tls(app)
    from .demo import demo_logins

    app.jinja_env.globals["demo_logins"] = _quietly(demo_logins)


def _quietly(read):
    """For the page layout: a failed read (the database away, the 503 page) shows nothing."""
    def call():
        from sqlalchemy.exc import SQLAlchemyError

        from .extensions import db

        try:
            return read()
        except SQLAlchemyError:
            db.session.rollback()
            return []
    return call
