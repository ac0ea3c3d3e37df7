"""Models of this feature (see ../shared/DESIGN.md)."""
