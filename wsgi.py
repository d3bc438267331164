"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

import sys

from eventdesk import create_app
from eventdesk.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # The person starting the server needs the one setting to fix, not a traceback.
    sys.exit(f"EventDesk cannot start: {error}")
