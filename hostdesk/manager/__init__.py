"""The manager's view: the lost-and-found log, service figures, settings and users."""
