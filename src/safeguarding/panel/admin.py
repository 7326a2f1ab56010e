from django.contrib import admin

from safeguarding.panel.models import Meeting, AgendaItem, Decision, Action

admin.site.register([Meeting, AgendaItem, Decision, Action])
