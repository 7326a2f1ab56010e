from django.contrib import admin

from safeguarding.places.models import Area

admin.site.register([Area])
