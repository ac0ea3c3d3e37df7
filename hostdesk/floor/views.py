from flask import Blueprint

bp = Blueprint("floor", __name__, url_prefix="/host/floor")


@bp.get("/")
def floor():
    return "floor: to be built (issue 3)"
