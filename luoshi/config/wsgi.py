import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.config.settings")
application = get_wsgi_application()

# Import the URL configuration (and with it every app's views and the API) now, in one thread,
# instead of lazily on the first requests: gunicorn's threads otherwise race to import it and a
# loser sees a half-imported module (a 500 for the first requests of each worker).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
