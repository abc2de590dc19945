"""The proposer's pages, outside /replies/ and without a namespace: /f/<token>/."""

from django.urls import path

from .views import feedback, pki

urlpatterns = [
    path("f/<str:token>/", feedback.feedback_page, name="feedback"),
    path("f/<str:token>/letter.docx", feedback.feedback_letter, name="feedback_letter"),
    path("pki/ca/<int:pk>.crl", pki.committee_crl, name="committee_crl"),
    path("pki/ca/<int:pk>.pem", pki.committee_ca_certificate, name="committee_ca_certificate"),
]
