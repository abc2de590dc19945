from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .holidays_file import HolidayFileError, parse_holidays
from .models import (
    Assignment,
    CalendarDay,
    CalendarYear,
    Committee,
    CommitteeRole,
    ContactRecord,
    ExtensionRequest,
    Membership,
    Notice,
    NoticeCursor,
    Proposal,
    Proposer,
    ReassignmentRequest,
    Section,
    Session,
    SupervisionRecord,
    Task,
    Unit,
)
from .services import holidays_replace_year
from .validators import WholeNumberField


class OverdueFilter(admin.SimpleListFilter):
    title = _("是否超期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已超期")), ("soon", _("7天内到期"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_states = Assignment.OPEN_STATES
        prefix = "" if queryset.model is Assignment else "assignments__"
        if self.value() == "yes":
            return queryset.filter(Assignment.overdue_condition(today, prefix)).distinct()
        if self.value() == "soon":
            return queryset.filter(
                **{
                    f"{prefix}state__in": open_states,
                    f"{prefix}due_on__gte": today,
                    f"{prefix}due_on__lte": today + timezone.timedelta(days=7),
                }
            ).distinct()
        return queryset


class _ValidChoicesOnly:
    """An autocomplete widget re-showing a posted value that is not an id of its model (" ",
    "abc", a number past the column's range) drops it instead of querying with it: Django's
    own widget passed it to the database, a ValueError (500) on the page's error display."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        kept = []
        for raw in value:
            try:
                target.run_validators(target.to_python(raw))
            except (ValidationError, TypeError, ValueError):
                continue
            kept.append(raw)
        return super().optgroups(name, kept, attr)


class ValidAutocompleteSelect(_ValidChoicesOnly, AutocompleteSelect):
    pass


class ValidAutocompleteSelectMultiple(_ValidChoicesOnly, AutocompleteSelectMultiple):
    pass


class ProjectAdmin(SimpleHistoryAdmin):
    """A model admin whose `autocomplete_fields` use the widgets above and whose whole numbers
    read full-width digits as the clerk's own forms do (refusing other scripts' digits)."""

    formfield_overrides = {
        models.IntegerField: {"form_class": WholeNumberField},
        models.PositiveIntegerField: {"form_class": WholeNumberField},
        models.PositiveSmallIntegerField: {"form_class": WholeNumberField},
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                ValidAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                ValidAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "parent"]
    search_fields = ["name", "short_name"]


@admin.register(Session)
class SessionAdmin(ProjectAdmin):
    list_display = [
        "name", "committee", "year", "is_current", "lead_term_months", "co_term_months",
        "countersign_required",
    ]
    list_filter = ["committee", "is_current", "year"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "doc_prefix", "committee", "is_active"]
    list_filter = ["committee", "is_active"]
    search_fields = ["name", "short_name", "doc_prefix"]


@admin.register(Membership)
class MembershipAdmin(ProjectAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__committee", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(CommitteeRole)
class CommitteeRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "committee", "role", "office", "reads_descendants"]
    list_filter = ["role", "committee", "reads_descendants"]
    search_fields = ["user__username", "user__first_name", "office"]


@admin.register(Proposer)
class ProposerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "sector", "party", "phone", "committee"]
    list_filter = ["committee", "kind", "sector", "party"]
    search_fields = ["name", "sector", "party", "organisation", "phone"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["unit", "role", "state", "assigned_on", "due_on"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ProjectAdmin):
    list_display = [
        "number", "title", "lead_proposer", "session", "status", "is_collective", "assigned_on"
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        "session", "status", "is_key", "is_collective", OverdueFilter, "assignments__unit"
    ]
    search_fields = ["=number", "title", "content", "lead_proposer__name"]
    autocomplete_fields = ["lead_proposer", "co_signers", "merged_into"]
    readonly_fields = ["registered_at", "accepted_at", "answered_at", "closed_at", "created_by"]
    list_select_related = ["session", "lead_proposer"]
    inlines = [AssignmentInline]
    date_hierarchy = "registered_at"


@admin.register(Assignment)
class AssignmentAdmin(ProjectAdmin):
    list_display = [
        "proposal", "unit", "role", "state", "assigned_on", "due_on", "is_overdue"
    ]
    list_filter = [
        "proposal__session", "role", "state", OverdueFilter, "unit"
    ]
    search_fields = ["=proposal__number", "proposal__title", "unit__name"]
    autocomplete_fields = ["proposal", "unit"]
    list_select_related = ["proposal", "unit"]

    @admin.display(boolean=True, description=_("超期"))
    def is_overdue(self, obj: Assignment) -> bool:
        return obj.is_overdue_on(timezone.localdate())


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "assignee", "due_on", "state", "assignment"]
    list_filter = ["kind", "state", "assignment__unit"]
    search_fields = ["title", "assignee__username", "=assignment__proposal__number"]
    list_select_related = ["assignee", "assignment__proposal", "assignment__unit"]


@admin.register(ContactRecord)
class ContactRecordAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "contacted_on", "method", "recorded_by"]
    list_filter = ["method", "assignment__unit"]
    search_fields = ["summary", "=assignment__proposal__number"]


@admin.register(SupervisionRecord)
class SupervisionRecordAdmin(ProjectAdmin):
    list_display = ["proposal", "held_on", "kind", "participants", "recorded_by"]
    list_filter = ["kind", "proposal__session"]
    search_fields = ["text", "participants", "=proposal__number"]
    list_select_related = ["proposal", "recorded_by"]
    # A record stays on the key proposal it was made for.
    readonly_fields = ["proposal", "recorded_by"]

    def has_add_permission(self, request) -> bool:
        # Recorded by the committee's clerks on a key proposal's page, which checks that
        # the proposal is key (proposals.services.supervision_record_create).
        return False


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["heading", "assignment", "order", "state", "author", "updated_at"]
    list_filter = ["state", "assignment__role", "assignment__unit", "assignment__proposal__session"]
    search_fields = ["heading", "=assignment__proposal__number"]
    list_select_related = ["assignment__proposal", "assignment__unit", "author"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "current_due_on", "requested_due_on", "state", "requested_at"]
    list_filter = ["state", "assignment__unit"]
    search_fields = ["reason", "=assignment__proposal__number"]


@admin.register(ReassignmentRequest)
class ReassignmentRequestAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "suggested_unit", "state", "requested_at"]
    list_filter = ["state", "assignment__unit"]
    search_fields = ["reason", "=assignment__proposal__number"]


class HolidayImportForm(forms.Form):
    """One year's arrangement from the State Council's notice, uploaded or pasted."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("文件"), required=False, help_text=_(".csv 或 .json，不超过 200 KB")
    )
    text = forms.CharField(
        label=_("或直接粘贴"), required=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("每行一条：日期,类型,名称。类型为“休”（法定节假日）或“班”（调休上班日）；"
                    "连续的假期可写成 2027-02-06~2027-02-12。"),
    )

    MAX_BYTES = 200 * 1024

    def clean(self):
        data = super().clean()
        upload, text, year = data.get("file"), (data.get("text") or "").strip(), data.get("year")
        if bool(upload) == bool(text):
            raise forms.ValidationError(_("请上传文件或粘贴内容（二者选一）。"))
        if year is None:
            return data
        if upload:
            fmt = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if upload.size > self.MAX_BYTES:
                raise forms.ValidationError({"file": _("文件超过 200 KB，不像节假日安排。")})
            try:
                content = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError({"file": _("文件须为 UTF-8 编码的文本。")}) from None
            name, first_line = upload.name, 2
        else:
            fmt, content, name, first_line = "csv", text, _("粘贴的内容"), 2
            if not content.splitlines()[0].replace(" ", "").startswith("date,kind"):
                content, first_line = "date,kind,name\n" + content, 1
        try:
            data["days"] = parse_holidays(
                content, fmt=fmt, year=year, name=name, first_line=first_line
            )
        except HolidayFileError as exc:
            raise forms.ValidationError(str(exc).splitlines()) from None
        data["source"] = f"admin:{upload.name}" if upload else "admin:粘贴"
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "source", "updated_at"]
    change_list_template = "admin/proposals/calendaryear/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="proposals_calendaryear_import"), *super().get_urls()]

    def import_view(self, request):
        """导入节假日安排: a year's holidays and make-up working days, all or nothing."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = HolidayImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                holidays_replace_year(
                    year=data["year"], days=data["days"], source=data["source"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                holidays = sum(1 for _d, kind, _n in data["days"] if kind == "holiday")
                self.message_user(
                    request,
                    _("已导入%(year)d年的节假日安排：法定节假日%(h)d天，调休上班%(w)d天。")
                    % {"year": data["year"], "h": holidays,
                       "w": len(data["days"]) - holidays},
                    messages.SUCCESS,
                )
                return redirect("admin:proposals_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入节假日安排"),
            "opts": self.model._meta,
            "form": form,
            "known_years": list(CalendarYear.objects.order_by("-year")
                                .values_list("year", flat=True)[:5]),
        }
        return TemplateResponse(
            request, "admin/proposals/calendaryear/import.html", context,
            status=400 if form.is_bound and not form.is_valid() else 200,
        )


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind", "date"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Deadline notices are a log written by the scan: read-only here."""

    list_display = ["created_at", "unit", "kind", "milestone", "due_on", "message", "emailed_at"]
    list_filter = ["kind", "milestone", "unit"]
    search_fields = ["message", "=assignment__proposal__number"]
    list_select_related = ["unit"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NoticeCursor)
class NoticeCursorAdmin(admin.ModelAdmin):
    list_display = ["user", "last_seen_id"]
    search_fields = ["user__username"]
