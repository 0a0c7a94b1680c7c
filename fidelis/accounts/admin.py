from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from fidelis.accounts.models import User


@admin.register(User)
class FidelisUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Fidelis", {"fields": ("job_title",)}))
    search_fields = ["username", "first_name", "last_name", "email"]
