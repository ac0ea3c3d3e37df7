"""Keep the garbage collector's full passes short in a serving worker.

A worker holds some 130,000 objects that live as long as it does (modules, the app, compiled
templates and SQL, catalogues), and every full collection walks all of them: 40 ms on the bench's
machine, during which the worker (one request at a time, run.sh) answers nobody. Such a pass came
every few seconds under load and set the log search's p99 (issue 7). `gc.freeze()` moves every
object alive now out of the collector's reach (Python's documented use: long-lived objects of a
server process); a full pass then walks only what requests made since (about 0.5 ms).

Frozen twice: when the app is made, and once after its first WARM_UP requests, which compile the
templates and statements a worker keeps. What a request leaves behind afterwards is collected as
usual. A frozen object that later becomes garbage is never freed, so freezing only happens at those
two moments.
"""
from __future__ import annotations

import gc
import itertools

from flask import Flask

WARM_UP = 200


def register_collector(app: Flask) -> None:
    if not app.config.get("HOSTDESK_GC_FREEZE", not app.testing):  # a test run makes hundreds of apps
        return
    gc.freeze()
    counter = itertools.count(1)

    @app.teardown_request
    def freeze_after_warm_up(_error=None) -> None:
        if next(counter) == WARM_UP:
            gc.freeze()
