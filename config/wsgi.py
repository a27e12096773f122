import os

import jieba
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

application = get_wsgi_application()

# Chinese search segmentation needs its dictionary (about 2.7 s to load): the web worker loads
# it while starting, before taking requests, instead of during some shopper's first search.
# Management commands and tests do not import this module and do not pay for it.
jieba.setLogLevel(60)
jieba.initialize()
