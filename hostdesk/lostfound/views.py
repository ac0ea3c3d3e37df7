from flask import Blueprint

bp = Blueprint("lostfound", __name__, url_prefix="/lost-found")


@bp.get("/")
def index():
    return "lost and found: to be built (issue 4)"
