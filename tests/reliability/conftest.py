from .fixtures import live_client, private_postgres, run_sh_gunicorn, server  # noqa: F401
