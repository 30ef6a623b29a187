from django.contrib import admin

from mlcareer.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "daily_goal", "time_zone", "created")
    search_fields = ("user__username", "user__email", "display_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("created", "updated")
