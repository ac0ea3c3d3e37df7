from tests.browser.conftest import live_server, new_context, playwright_browser  # noqa: E402,F401

from .fixtures import server, tablet  # noqa: F401
