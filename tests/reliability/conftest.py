from .fixtures import private_postgres, run_sh_gunicorn, server, tablet  # noqa: F401
