"""Imports every feature's models, so SQLAlchemy and Alembic know the whole schema."""
from .audit import AuditEntry  # noqa: F401
from .auth import models as auth_models  # noqa: F401
from .floor import models as floor_models  # noqa: F401
from .jobs import ScheduledJob  # noqa: F401
from .lostfound import models as lostfound_models  # noqa: F401
from .manager import models as manager_models  # noqa: F401
from .reservations import models as reservations_models  # noqa: F401
from .settings import SettingValue  # noqa: F401
from .sqlstorage import RateLimitCounter  # noqa: F401 - the rate limits' counters
