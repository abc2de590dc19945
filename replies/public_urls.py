"""The proposer's pages, outside /replies/ and without a namespace: /f/<token>/."""

from django.urls import path

from .views import feedback

urlpatterns = [
    path("f/<str:token>/", feedback.feedback_page, name="feedback"),
    path("f/<str:token>/letter.docx", feedback.feedback_letter, name="feedback_letter"),
]
