from flask import Blueprint

bp = Blueprint("manager", __name__, url_prefix="/manager")


@bp.get("/")
def dashboard():
    return "manager: to be built (issue 5)"
