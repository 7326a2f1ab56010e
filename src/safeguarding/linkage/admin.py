from django.contrib import admin

from safeguarding.linkage.models import LinkDecision, LinkModelVersion

admin.site.register([LinkDecision, LinkModelVersion])
