
from .fixtures import server, tablet  # noqa: F401
