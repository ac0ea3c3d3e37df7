from tests.reliability.fixtures import live_client, server  # noqa: F401
