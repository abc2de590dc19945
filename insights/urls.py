from django.urls import path

from . import assessment_views, views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("province/", views.province_dashboard, name="province"),
    path("province/search/", views.province_search, name="province_search"),
    path("province/<int:committee_id>/", views.province_committee, name="province_committee"),
    path("sessions/<int:session_id>/", views.dashboard, name="dashboard_session"),
    path(
        "sessions/<int:session_id>/dashboard.xlsx",
        views.dashboard_export,
        name="dashboard_export",
    ),
    path(
        "sessions/<int:session_id>/annual-report.docx",
        views.annual_report_download,
        name="annual_report",
    ),
    # POST: each starts a background job and redirects to its progress page.
    path(
        "sessions/<int:session_id>/exports/proposals/",
        views.export_proposals,
        name="export_proposals",
    ),
    path(
        "sessions/<int:session_id>/exports/assignments/",
        views.export_assignments,
        name="export_assignments",
    ),
    path(
        "sessions/<int:session_id>/exports/replies/",
        views.export_replies,
        name="export_replies",
    ),
    path("import/", views.import_upload, name="import_upload"),
    path(
        "import/template/<int:session_id>.xlsx", views.import_template, name="import_template"
    ),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("search/", views.search, name="search"),
    # 承办单位考评 (?session= picks the session; the current one by default).
    path("assessment/", assessment_views.assessment_page, name="assessment"),
    path("assessment/assessment.xlsx", assessment_views.assessment_export,
         name="assessment_export"),
    path("assessment/rules/", assessment_views.assessment_rules, name="assessment_rules"),
    path("assessment/unit/<int:unit_id>/", assessment_views.assessment_unit,
         name="assessment_unit"),
    path("assessment/unit/<int:unit_id>/adjust/", assessment_views.assessment_adjust,
         name="assessment_adjust"),
    path("proposals/<int:pk>/similar/", views.similar_fragment, name="similar"),
]
