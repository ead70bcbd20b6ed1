import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from rentbook.security import refuse_published_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rentbook.settings")
application = get_wsgi_application()
refuse_published_key(settings)
