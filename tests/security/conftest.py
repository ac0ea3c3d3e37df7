from tests.reliability.fixtures import server, tablet  # noqa: F401
