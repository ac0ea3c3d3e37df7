"""The manager's view: the lost-and-found log, service figures, settings and users.

The routes live in views_*.py modules that register on this one blueprint.
"""
from flask import Blueprint

bp = Blueprint("manager", __name__, url_prefix="/manager")

from . import views_dashboard, views_history, views_log, views_settings, views_users  # noqa: E402, F401
