"""State changes of found items (see ../shared/DESIGN.md)."""


def purge_personal_data() -> int:
    return 0
