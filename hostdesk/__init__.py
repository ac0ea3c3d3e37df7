"""Hostdesk: the host stand and lost-and-found for a restaurant's front of house."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .compression import register_compression
from .config import load_config
from .hardening import register_hardening
from .jobs import register_jobs
from .ratelimits import register_limits


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates", static_folder="../static",
                instance_path=os.environ.get("HOSTDESK_INSTANCE_PATH") or None)
    load_config(app, test_config)
    register_extensions(app)
    register_hardening(app)
    register_blueprints(app)
    register_limits(app)
    register_web(app)
    register_cli(app)
    register_compression(app)
    register_jobs(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every model known to SQLAlchemy and Alembic)
    from .database import configure_engine, render_migration_type
    from .extensions import cache, csrf, db, migrate
    from .i18n import register_i18n
    from .security import register_security

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=render_migration_type)
    csrf.init_app(app)
    cache.init_app(app)
    register_i18n(app)
    register_security(app)


def register_blueprints(app: Flask) -> None:
    from .auth.session import register_login
    from .auth.views import bp as auth_bp
    from .floor.views import bp as floor_bp
    from .lostfound.views import bp as lostfound_bp
    from .lostfound.views_public import bp as lost_public_bp
    from .manager.views import bp as manager_bp
    from .online.views import bp as online_bp
    from .public import register_public
    from .reservations.views import bp as reservations_bp
    from .reservations.views_guest import bp as waitlist_public_bp
    from .web import bp as core_bp

    register_login(app)
    register_public(app)
    for blueprint in (core_bp, auth_bp, reservations_bp, floor_bp, lostfound_bp, lost_public_bp,
                      waitlist_public_bp, manager_bp, online_bp):
        app.register_blueprint(blueprint)


def register_web(app: Flask) -> None:
    from .web import register_error_handlers, register_template_helpers

    register_error_handlers(app)
    register_template_helpers(app)


def register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
