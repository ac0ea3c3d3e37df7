from flask import Blueprint

bp = Blueprint("reservations", __name__, url_prefix="/host")


@bp.get("/")
def board():
    return "host board: to be built (issue 3)"
