"""Tables and areas, and the floor view."""
