"""The public site of 公开答复, without login: /gongkai/."""

from django.urls import path

from . import public

app_name = "gongkai"

urlpatterns = [
    path("", public.public_index, name="index"),
    path("<int:committee_id>/", public.public_committee, name="committee"),
    path("<int:committee_id>/<int:publication_id>/", public.public_detail, name="detail"),
    path("<int:committee_id>/<int:publication_id>/letter.docx", public.public_docx,
         name="docx"),
]
