"""What `flask --app app` and gunicorn load."""
from hostdesk import create_app

app = create_app()
