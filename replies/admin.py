"""Admin for replies. Signed replies, counters, keys and feedback are read-only here: every
change to them goes through replies.services."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from proposals.validators import validate_seal_image

from .models import (
    CommitteeCA,
    Countersign,
    DocumentCounter,
    Feedback,
    FeedbackLink,
    Publication,
    RecordCopy,
    Reply,
    ReplyDownload,
    ReplyParagraph,
    UnitCertificate,
    UnitLetterSettings,
    UnitSigningKey,
)
from .services import certificates, record_copy_retry
from .signing import unit_signing_key_create


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReplyParagraphInline(admin.TabularInline):
    model = ReplyParagraph
    extra = 0
    fields = ["order", "part", "kind", "level", "text", "source_unit", "source_section"]
    raw_id_fields = ["source_section"]

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Reply)
class ReplyAdmin(SimpleHistoryAdmin):
    list_display = [
        "doc_number_display",
        "title",
        "unit",
        "state",
        "category",
        "signed_on",
        "signer_name",
    ]
    list_filter = ["state", "unit", "doc_year", "category", "disclosure"]
    search_fields = ["title", "addressee", "sha256", "proposal__title", "unit__doc_prefix"]
    raw_id_fields = ["proposal", "assignment", "supersedes", "signer", "created_by"]
    inlines = [ReplyParagraphInline]
    date_hierarchy = "created_at"
    readonly_fields = [
        "doc_year",
        "doc_seq",
        "signed_on",
        "signed_at",
        "sent_at",
        "version",
        "signed_file",
        "sha256",
        "signature_payload",
        "signing_key",
        "signed_spec",
        "created_at",
        "updated_at",
    ]
    exclude = ["signature"]

    @admin.display(description=_("发文字号"), ordering="doc_seq")
    def doc_number_display(self, obj: Reply) -> str:
        return obj.doc_number or "—"

    def get_search_results(self, request, queryset, search_term):
        """Also find a reply by its number: 86, or 连市监办复〔2025〕86号."""
        base = queryset
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        digits = search_term.strip().rstrip("号").rsplit("〕", 1)[-1]
        if digits.isdigit():
            queryset |= base.filter(doc_seq=int(digits))
        return queryset, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return [f.name for f in obj._meta.fields if f.name != "signature"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


@admin.register(DocumentCounter)
class DocumentCounterAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "last_seq"]
    list_filter = ["year", "unit"]
    search_fields = ["unit__name"]


@admin.register(UnitSigningKey)
class UnitSigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["unit", "fingerprint", "active", "created_at", "retired_at"]
    list_filter = ["active", "unit"]
    search_fields = ["unit__name", "fingerprint"]
    exclude = ["encrypted_private_key", "public_key"]
    actions = ["rotate"]

    @admin.action(description=_("为所选密钥的单位生成新密钥（旧密钥停用，仍可验证）"))
    def rotate(self, request, queryset):
        units = {key.unit for key in queryset.select_related("unit")}
        for unit in units:
            unit_signing_key_create(unit=unit)
        self.message_user(
            request, _("已为%(n)d个单位生成新密钥。") % {"n": len(units)}, messages.SUCCESS
        )

    def has_change_permission(self, request, obj=None):
        # The changelist needs it for the action; the form itself stays read-only.
        return obj is None and request.user.is_superuser


class UnitLetterSettingsForm(forms.ModelForm):
    class Meta:
        model = UnitLetterSettings
        fields = ["unit", "seal", "cc", "contact_name", "contact_phone"]

    def clean_seal(self):
        seal = self.cleaned_data.get("seal")
        if seal and hasattr(seal, "content_type"):  # a new upload, not the stored file
            validate_seal_image(seal)
        return seal


@admin.register(UnitLetterSettings)
class UnitLetterSettingsAdmin(SimpleHistoryAdmin):
    form = UnitLetterSettingsForm
    list_display = ["unit", "contact_name", "contact_phone"]
    search_fields = ["unit__name"]


@admin.register(Countersign)
class CountersignAdmin(ReadOnlyAdmin):
    list_display = ["reply", "unit", "round", "state", "requested_on", "due_on", "decided_on"]
    list_filter = ["state"]
    search_fields = ["reply__title", "unit__name", "reason"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["reply", "state", "mode", "due_on", "published_at"]
    list_filter = ["state", "mode"]
    search_fields = ["reply__title", "title"]


@admin.register(FeedbackLink)
class FeedbackLinkAdmin(ReadOnlyAdmin):
    list_display = ["reply", "created_at", "expires_at", "use_count", "revoked"]
    list_filter = ["revoked"]
    exclude = ["token_hash"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = [
        "reply", "process_satisfaction", "result_satisfaction", "satisfaction", "is_final",
        "received_at",
    ]
    list_filter = ["satisfaction", "process_satisfaction", "result_satisfaction"]
    search_fields = ["reply__title", "comment"]


@admin.register(ReplyDownload)
class ReplyDownloadAdmin(admin.ModelAdmin):
    """Who downloaded which signed letter, and how: a log, never edited."""

    list_display = ["at", "reply", "user", "via"]
    list_filter = ["via"]
    search_fields = ["reply__title", "user__username"]
    list_select_related = ["reply", "user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ServiceOnlyAdmin(admin.ModelAdmin):
    """Rows written only by replies.services; the changelist serves the actions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.is_superuser


@admin.register(CommitteeCA)
class CommitteeCAAdmin(_ServiceOnlyAdmin):
    list_display = ["committee", "fingerprint", "active", "crl_number", "created_at"]
    list_filter = ["active"]
    exclude = ["encrypted_private_key"]


@admin.register(UnitCertificate)
class UnitCertificateAdmin(_ServiceOnlyAdmin):
    list_display = ["unit", "serial", "ca", "active", "not_after", "revoked_at"]
    list_filter = ["active", "unit__committee"]
    search_fields = ["unit__name", "serial", "fingerprint"]
    exclude = ["encrypted_private_key"]
    actions = ["revoke"]

    @admin.action(description=_("吊销所选证书（列入 CRL；单位下次签名时自动换发新证书）"))
    def revoke(self, request, queryset):
        count = 0
        for cert in queryset.filter(revoked_at__isnull=True):
            certificates.unit_certificate_revoke(certificate=cert)
            count += 1
        self.message_user(request, _("已吊销%(n)d张证书。") % {"n": count}, messages.SUCCESS)


@admin.register(RecordCopy)
class RecordCopyAdmin(_ServiceOnlyAdmin):
    list_display = ["reply", "state", "level", "attempts", "signed_at", "reason"]
    list_filter = ["state", "level"]
    search_fields = ["reply__title", "sha256"]
    list_select_related = ["reply__unit"]
    actions = ["retry"]

    @admin.action(description=_("重新生成所选失败的存档件"))
    def retry(self, request, queryset):
        copies = list(queryset.exclude(state=RecordCopy.State.READY))
        for copy in copies:
            record_copy_retry(copy=copy)
        self.message_user(request, _("已重新排队%(n)d份存档件。") % {"n": len(copies)},
                          messages.SUCCESS)
