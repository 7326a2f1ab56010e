from django.contrib import admin

from safeguarding.linkage.models import LinkModelVersion

# Linkage decisions name records and give reasons about people: they are read and made on the
# linkage pages, through the need-to-know gate, never in the admin pages (docs/security.md).
admin.site.register([LinkModelVersion])
