from django.urls import path

from .views import compilation, compose, countersign, publication, records, signer

app_name = "replies"

urlpatterns = [
    path("review/", signer.review_queue, name="review_queue"),
    path("work/<int:pk>/start/", compose.reply_start, name="start"),
    path("<int:pk>/", signer.reply_detail, name="detail"),
    path("<int:pk>/compose/", compose.reply_compose, name="compose"),
    path("<int:pk>/preview/", compose.reply_preview, name="preview"),
    path("<int:pk>/draft.docx", compose.reply_draft_docx, name="draft_docx"),
    path("<int:pk>/submit/", compose.reply_submit, name="submit"),
    path("<int:pk>/correct/", compose.reply_correct, name="correct"),
    path("<int:pk>/return/", signer.reply_return, name="return"),
    path("<int:pk>/sign/", signer.reply_sign, name="sign"),
    path("<int:pk>/letter.docx", signer.reply_signed_docx, name="signed_docx"),
    path("<int:pk>/record.pdf", records.reply_record_pdf, name="record_pdf"),
    path("<int:pk>/dossier.zip", records.reply_dossier_zip, name="dossier_zip"),
    path("<int:pk>/sent/", signer.reply_mark_sent, name="mark_sent"),
    path("<int:pk>/feedback-link/", signer.reply_feedback_link, name="feedback_link"),
    path("countersigns/", countersign.countersign_list, name="countersign_list"),
    path("countersigns/<int:pk>/", countersign.countersign_detail, name="countersign"),
    path("countersigns/<int:pk>/confirm/", countersign.countersign_confirm,
         name="countersign_confirm"),
    path("countersigns/<int:pk>/return/", countersign.countersign_return,
         name="countersign_return"),
    path("publications/", publication.publication_list, name="publication_list"),
    path("publications/<int:pk>/", publication.publication_detail, name="publication"),
    path("publications/<int:pk>/withdraw/", publication.publication_withdraw,
         name="publication_withdraw"),
    path(
        "sessions/<int:session_id>/compilation/",
        compilation.session_compilation_start,
        name="session_compilation",
    ),
]

