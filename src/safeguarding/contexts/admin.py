from django.contrib import admin

from safeguarding.contexts.models import Context, ContextAssessment, ContextMember, ContextPlan

admin.site.register([Context, ContextMember, ContextAssessment, ContextPlan])
