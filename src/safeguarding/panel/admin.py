from django.contrib import admin

from safeguarding.panel.models import Action, AgendaItem, Decision, Meeting

admin.site.register([Meeting, AgendaItem, Decision, Action])
