"""The app as gunicorn serves it in production (CSRF on), against the test database."""
import os

from hostdesk import create_app
from hostdesk.auth.passwords import use_cheap_hashing

use_cheap_hashing()  # the test users' hashes were made cheap; verifying them stays fast
app = create_app({
    "SQLALCHEMY_DATABASE_URI": os.environ["HOSTDESK_TEST_DATABASE_URL"],
    "SECRET_KEY": "reliability-secret",
    "UPLOAD_FOLDER": os.environ["HOSTDESK_TEST_UPLOADS"],
})
