"""The floor: a bare Flask app with one trivial endpoint, served with the same gunicorn settings
as Hostdesk, so each measurement reads as a share of what this machine can do at all."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "ok"
