"""The floor's tests share the host screen's fixtures: a small floor, reservations, fresh clients."""
from tests.reservations.conftest import (  # noqa: F401
    actors,
    floor,
    host_client_en,
    make_res,
    manager_client_en,
    minutes,
    staff_client_en,
)
