"""Demo data of this feature; `seed()` adds only what is missing and returns counts."""


def seed() -> dict[str, int]:
    return {}
