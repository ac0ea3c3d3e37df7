"""The serving worker's long-lived objects are kept out of the garbage collector's full passes."""
import gc

from flask import Flask

from hostdesk import collector


def test_frozen_when_the_app_is_made_and_once_after_the_warm_up(monkeypatch):
    monkeypatch.setattr(collector, "WARM_UP", 3)
    app = Flask(__name__)
    app.config["HOSTDESK_GC_FREEZE"] = True
    app.add_url_rule("/", "index", lambda: "ok")
    gc.unfreeze()
    try:
        collector.register_collector(app)
        at_start = gc.get_freeze_count()
        assert at_start > 0
        client = app.test_client()
        client.get("/")
        client.get("/")
        keep = [[n] for n in range(1000)]  # made by "requests" before the warm-up ends
        before = gc.get_freeze_count()
        assert before <= at_start  # nothing frozen since (frozen objects freed leave the count)
        client.get("/")  # the third: the warm-up ends
        after_warm_up = gc.get_freeze_count()
        assert after_warm_up >= before + len(keep)
        client.get("/")
        assert gc.get_freeze_count() <= after_warm_up  # only twice
    finally:
        gc.unfreeze()


def test_not_in_tests_unless_asked():
    app = Flask(__name__)
    app.testing = True
    gc.unfreeze()
    collector.register_collector(app)
    assert gc.get_freeze_count() == 0
