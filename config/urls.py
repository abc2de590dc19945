from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from proposals import notice_views
from proposals import views as proposal_views

# Chinese error pages in the site's frame, each with a way back (config/errors.py).
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

admin.site.site_header = _("提案办理系统")
admin.site.site_title = _("提案办理系统")
admin.site.index_title = _("管理")

urlpatterns = [
    path("", proposal_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("jobs/", include("jobs.urls")),
    path("insights/", include("insights.urls")),
    path("gongkai/", include("insights.public_urls")),
    path("replies/", include("replies.urls")),
    path("", include("replies.public_urls")),
    path("", include("proposals.urls")),
]
