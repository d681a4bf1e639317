from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by imports.services.run_import only."""

    list_display = ["created_at", "user", "kind", "filename", "status", "row_count", "error_count"]
    list_filter = ["kind", "status"]
    search_fields = ["filename", "sha256", "user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
