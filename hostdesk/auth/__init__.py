"""Users, roles, login, and switching persons on a shared tablet by PIN."""
