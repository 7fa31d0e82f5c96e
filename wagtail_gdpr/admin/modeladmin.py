"""Everything of the admin that is built on wagtail-modeladmin, and nothing else.

The consent ledger, notice versions, legal holds and retention runs (read-only records), and
the request queue's listing and inspect view, in one "Privacy" menu group. The queue's actions,
the request's facts and the permission check are not modeladmin's: they come from
``admin.queue`` and ``admin.access``, so that moving to Wagtail's own viewsets changes this
module alone.
"""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import UTC, datetime

from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import truncatewords
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.models import Page
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView, DeleteView, EditView, IndexView, InspectView

from wagtail_gdpr import connected_systems, routes
from wagtail_gdpr.admin import breaches, connector_events, queue
from wagtail_gdpr.admin.access import managers_only
from wagtail_gdpr.breaches import clock as breach_clock
from wagtail_gdpr.breaches import register as breach_register
from wagtail_gdpr.connectors import outbox
from wagtail_gdpr.headers import personal
from wagtail_gdpr.registry import registry
from wagtail_gdpr.requests import in_words, legal_clock
from wagtail_gdpr.spreadsheets import safe_cell
from wagtail_gdpr.staff import next_step, people, rules, table, viewing
from wagtail_gdpr.tables import (
    Breach,
    Connector,
    ConnectorEvent,
    ConsentRecord,
    ConsentText,
    DataSubjectRequest,
    LegalHold,
    NoticeVersion,
    RetentionRun,
)

#: The add-on's own admin styles, on every page built here.
EXTRA_CSS = [queue.ADMIN_CSS]

# -- records that are only ever read ------------------------------------------------------------


class ReadOnlyPermissionHelper(PermissionHelper):
    """Proof is only ever read: nobody adds, edits or deletes it from the admin."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


def _username(pk_field: str):
    """A subquery of the account's name: the account may be gone, and the row must stay."""
    user_model = get_user_model()
    return Subquery(
        user_model._default_manager.filter(pk=OuterRef(pk_field)).values(user_model.USERNAME_FIELD)[
            :1
        ],
        output_field=CharField(),
    )


def _page_title(pk_field: str):
    """A subquery of the page's title: the page may be gone, and the row must stay."""
    return Subquery(Page.objects.filter(pk=OuterRef(pk_field)).values("title")[:1])


class PersonalViewMixin:
    """The records listed and inspected here are about members: never cached."""

    def dispatch(self, request, *args, **kwargs):
        return personal(super().dispatch(request, *args, **kwargs))


class ListView(PersonalViewMixin, IndexView):
    """A listing of records about people: never cached; its search and filters come from the
    address bar, and one it cannot read (a malformed date, an unknown field, a NUL character)
    is dropped with a message, never a server error; its CSV and XLSX exports are safe to open
    in a spreadsheet (``wagtail_gdpr.spreadsheets``: a user agent such as ``=HYPERLINK(...)``
    is neutralised)."""

    def dispatch(self, request, *args, **kwargs):
        if any("\x00" in text for key, values in request.GET.lists() for text in (key, *values)):
            return self.start_over(request)
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            return self.start_over(request)

    def start_over(self, request):
        messages.error(request, _("The list could not be filtered that way, so it shows all."))
        return HttpResponseRedirect(request.path)

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        return row.__class__((field, safe_cell(value)) for field, value in row.items())


class PersonalCreateView(PersonalViewMixin, CreateView):
    pass


class PersonalEditView(PersonalViewMixin, EditView):
    pass


class PersonalDeleteView(PersonalViewMixin, DeleteView):
    pass


class PersonalInspectView(PersonalViewMixin, InspectView):
    pass


def checked_id(instance_pk) -> int:
    """The row id in an admin address, or a 404 for anything a database would refuse."""
    pk = routes.parse_id(unquote(str(instance_pk)))
    if pk is None:
        raise Http404
    return pk


class PrivacyModelAdmin(ModelAdmin):
    """The add-on's modeladmin pages: filters that cannot be read and ids that are not ids
    answer plainly (a message, a 404), never with a server error."""

    index_view_class = ListView

    def inspect_view(self, request, instance_pk):
        return super().inspect_view(request, str(checked_id(instance_pk)))

    def edit_view(self, request, instance_pk):
        return super().edit_view(request, str(checked_id(instance_pk)))

    def delete_view(self, request, instance_pk):
        return super().delete_view(request, str(checked_id(instance_pk)))

    def history_view(self, request, instance_pk):
        return super().history_view(request, str(checked_id(instance_pk)))


class ReadableInspectView(PersonalViewMixin, InspectView):
    """An inspect view whose facts are ``(label, value)`` pairs from ``model_admin.facts(obj)``:
    names and words, never ids."""

    def get_fields_dict(self):
        return [
            {"label": label, "value": value, "type": ""}
            for label, value in self.model_admin.facts(self.instance)
        ]


class ConsentRecordAdmin(PrivacyModelAdmin):
    model = ConsentRecord
    menu_label = gettext_lazy("Consent ledger")
    menu_icon = "list-ul"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    index_view_extra_css = inspect_view_extra_css = EXTRA_CSS
    list_display = ["created_at", "member", "action", "purpose_and_version", "words", "source"]
    list_filter = ["action", "source", "purpose", "created_at"]
    search_fields = ["user__username", "user__email", "email", "text_sha256"]
    list_export = [
        "created_at",
        "user_id",
        "email",
        "action",
        "purpose",
        "purpose_version",
        "notice_version",
        "text_sha256",
        "source",
        "source_page_id",
        "ip_address",
        "user_agent",
    ]
    export_filename = "consent-ledger"

    def get_queryset(self, request):
        texts = ConsentText.objects.filter(sha256=OuterRef("text_sha256")).values("text")[:1]
        return (
            super()
            .get_queryset(request)
            .select_related("purpose", "notice_version")
            .annotate(
                member_name=_username("user_id"),
                shown_text=Subquery(texts),
                notice_title=_page_title("notice_version__page_id"),
                page_title=_page_title("source_page_id"),
            )
        )

    @admin.display(description=gettext_lazy("member"), ordering="member_name")
    def member(self, obj):
        if obj.user_id is None and obj.email:
            return _("a guest on a form: %(email)s") % {"email": obj.email}
        return getattr(obj, "member_name", None) or _("a former member (account erased)")

    @admin.display(description=gettext_lazy("agreed to"))
    def purpose_and_version(self, obj):
        if obj.purpose_id:
            return _("%(purpose)s, version %(version)s") % {
                "purpose": obj.purpose.name,
                "version": obj.purpose_version,
            }
        return self._notice(obj)

    def _notice(self, obj):
        if obj.notice_version_id is None:
            return _("the privacy notice")
        title = getattr(obj, "notice_title", None) or _("the privacy notice")
        return _("%(page)s, version %(version)s") % {
            "page": title,
            "version": obj.notice_version.number,
        }

    @staticmethod
    def _shown(obj) -> str:
        """The words the member was shown; for a notice, its title and summary, which lead its
        text (notices acknowledged before 0.2 kept the page's data instead)."""
        text = getattr(obj, "shown_text", None) or obj.text
        if text.startswith("{"):
            with suppress(ValueError):
                data = json.loads(text)
                if isinstance(data, dict) and "summary" in data:
                    return f"{data.get('title', '')}: {data['summary']}".strip(": ")
        if obj.purpose_id is None:
            return ": ".join(part.strip() for part in text.split("\n\n")[:2] if part.strip())
        return text

    @admin.display(description=gettext_lazy("the words shown"))
    def words(self, obj):
        return truncatewords(self._shown(obj), 14) or "—"

    def facts(self, obj):
        obj = self.get_queryset(None).get(pk=obj.pk)
        page = getattr(obj, "page_title", None)
        return [
            (_("When"), in_words.moment(obj.created_at)),
            (_("Member"), self.member(obj)),
            (_("What was done"), obj.get_action_display()),
            (_("Agreed to"), self.purpose_and_version(obj)),
            (_("The words shown"), self._shown(obj) or _("(not kept)")),
            (_("Fingerprint of the words (SHA-256)"), obj.text_sha256),
            (_("Notice version acknowledged"), self._notice(obj) if obj.notice_version_id else "—"),
            (_("Where"), obj.get_source_display()),
            (_("On the page"), page or "—"),
            (_("IP address (shortened)"), obj.ip_address or "—"),
            (_("Browser"), obj.user_agent or "—"),
        ]


class NoticeVersionAdmin(PrivacyModelAdmin):
    model = NoticeVersion
    menu_label = gettext_lazy("Notice versions")
    menu_icon = "doc-full"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    index_view_extra_css = inspect_view_extra_css = EXTRA_CSS
    list_display = ["notice", "number", "material_words", "what_changed", "published_at",
                    "publisher"]  # fmt: skip
    list_filter = ["material", "published_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                page_title=_page_title("page_id"), publisher_name=_username("published_by_id")
            )
        )

    @admin.display(description=gettext_lazy("notice"), ordering="page_title")
    def notice(self, obj):
        return getattr(obj, "page_title", None) or _("a deleted page")

    @admin.display(description=gettext_lazy("material change"), ordering="material")
    def material_words(self, obj):
        return _("Yes: members acknowledge it again") if obj.material else _("No")

    @admin.display(description=gettext_lazy("what changed"))
    def what_changed(self, obj):
        return truncatewords(obj.change_summary, 20) or "—"

    @admin.display(description=gettext_lazy("published by"))
    def publisher(self, obj):
        return getattr(obj, "publisher_name", None) or "—"

    def facts(self, obj):
        obj = self.get_queryset(None).get(pk=obj.pk)
        return [
            (_("Notice"), self.notice(obj)),
            (_("Version"), obj.number),
            (_("Material change"), self.material_words(obj)),
            (_("What changed"), obj.change_summary or "—"),
            (_("Published"), in_words.moment(obj.published_at)),
            (_("Published by"), self.publisher(obj)),
            (_("Fingerprint of the notice (SHA-256)"), obj.text_sha256),
        ]


class LegalHoldAdmin(PrivacyModelAdmin):
    model = LegalHold
    menu_label = gettext_lazy("Legal holds")
    create_view_class = PersonalCreateView
    edit_view_class = PersonalEditView
    delete_view_class = PersonalDeleteView
    menu_icon = "warning"
    index_view_extra_css = EXTRA_CSS
    list_display = ["__str__", "covers", "reason", "starts_at", "ends_at"]
    list_filter = ["starts_at", "ends_at"]
    search_fields = ["member__username", "member__email", "reason"]
    form_fields_exclude = ["created_by"]

    @admin.display(description=gettext_lazy("covers"))
    def covers(self, obj):
        if obj.member_id:
            return _("Everything about %(member)s") % {"member": obj.member.get_username()}
        model = obj.content_type.model_class() if obj.content_type_id else None
        record = model._base_manager.filter(pk=obj.object_id).first() if model else None
        if record is None:
            return _("A record that no longer exists")
        return f"{str(model._meta.verbose_name).capitalize()}: {record}"


class RetentionRunAdmin(PrivacyModelAdmin):
    model = RetentionRun
    menu_label = gettext_lazy("Retention runs")
    menu_icon = "time"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    index_view_extra_css = inspect_view_extra_css = EXTRA_CSS
    list_display = ["started_at", "finished_at", "dry_run", "status", "what_went"]
    list_filter = ["status", "dry_run"]

    @admin.display(description=gettext_lazy("what it removed"))
    def what_went(self, obj):
        names = {d.activity_key: d.display_name for d in registry.activities()}
        outcomes = {"deleted": _("deleted"), "anonymised": _("anonymised")}
        parts = [
            f"{names.get(label, _('other data'))}: {count} {outcomes.get(action, '')}".strip()
            for label, done in sorted((obj.counts or {}).items())
            for action, count in (done or {}).items()
            if count
        ]
        return "; ".join(parts) or _("nothing")


class ConnectorForm(WagtailAdminModelForm):
    """A connected system receives members' identifiers: its address must be https (plain http
    only to this machine, in DEBUG), as the events to any other address are never sent."""

    def clean_endpoint(self):
        endpoint = self.cleaned_data.get("endpoint", "")
        if endpoint and connected_systems.endpoint_problem(endpoint):
            raise ValidationError(
                _(
                    "Only https addresses are allowed, without a user name or password "
                    "(plain http only to this machine, while the site runs in DEBUG)."
                )
            )
        return endpoint


class ConnectorAdmin(PrivacyModelAdmin):
    """The company's other systems, added here or in ``WAGTAIL_GDPR_CONNECTORS``; their pages
    hold signing secrets, so none of them is cached."""

    model = Connector
    create_view_class = PersonalCreateView
    edit_view_class = PersonalEditView
    delete_view_class = PersonalDeleteView
    menu_label = gettext_lazy("Connected systems")
    menu_icon = "link"
    index_view_extra_css = EXTRA_CSS
    list_display = ["name", "key", "endpoint", "enabled", "answer_within_hours"]
    list_filter = ["enabled"]

    def get_edit_handler(self):
        panels = super().get_edit_handler().children
        return ObjectList(panels, base_form_class=ConnectorForm)


class QueuePermissionHelper(ReadOnlyPermissionHelper):
    """The queue needs ``manage_requests``; nobody adds, edits or deletes a request here."""

    def user_can_list(self, user):
        return people.can_manage(user)

    def user_can_inspect_obj(self, user, obj):
        return people.can_manage(user)


class ConnectorEventButtonHelper(ButtonHelper):
    """Inspect; and an event that could not be delivered is sent again or closed from here."""

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if not (outbox.can_send_again(obj) and people.can_manage(self.request.user)):
            return buttons
        for action, (_do, label) in connector_events.ACTIONS.items():
            buttons.append({
                "url": connector_events.action_url(obj, action),
                "label": label,
                "classname": self.finalise_classname(classnames_add or []),
                "title": label,
            })  # fmt: skip
        return buttons


class ConnectorEventAdmin(PrivacyModelAdmin):
    """What was sent to the connected systems: above all, what could not be delivered."""

    model = ConnectorEvent
    button_helper_class = ConnectorEventButtonHelper
    inspect_view_class = PersonalInspectView
    menu_label = gettext_lazy("Events for connected systems")
    menu_icon = "mail"
    # Part of working the requests: whoever works the queue sees them and acts on them.
    permission_helper_class = QueuePermissionHelper
    inspect_view_enabled = True
    inspect_view_fields = [
        "connector_name", "request", "kind", "status", "attempts", "last_error", "created_at",
        "delivered_at", "answer_by", "answered_at", "answer", "answer_reason", "staff_told_at",
    ]  # fmt: skip
    index_view_extra_css = inspect_view_extra_css = EXTRA_CSS
    list_display = ["connector_name", "request", "status", "attempts", "last_error", "answer_by"]
    list_filter = ["status", "connector_name", "kind"]

    def get_admin_urls_for_registration(self):
        """Its own URLs, and the list's under a name the event actions return to."""
        helper = self.url_helper
        return (
            *super().get_admin_urls_for_registration(),
            re_path(helper.get_action_url_pattern("index"), self.index_view,
                    name=connector_events.INDEX_URL_NAME),
        )  # fmt: skip


# -- the request queue --------------------------------------------------------------------------


class QueueButtonHelper(ButtonHelper):
    """Inspect, then a button for each action the request's state allows."""

    def action_button(self, pk, action: table.StaffAction, classnames_add=None):
        classname = queue.button_class(action)
        classnames = [classname] if classname else []
        return {
            "url": queue.action_url(action.name, quote(pk)),
            "label": action.label,
            "classname": self.finalise_classname(classnames + (classnames_add or [])),
            "title": action.title,
        }

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        exclude = exclude or []
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if not people.can_manage(self.request.user):
            return buttons
        pk = getattr(obj, self.opts.pk.attname)
        shown = getattr(self.view, "action_buttons", None)  # the listing keeps its rows short
        for name in rules.available_actions(obj):
            if name not in exclude and (shown is None or name in shown):
                buttons.append(self.action_button(pk, table.ACTIONS[name], classnames_add))
        return buttons


class DeadlineFilter(SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("week", _("Due within 7 days")),
            ("paused", _("Waiting for identity check")),
            ("open", _("Open")),
            ("closed", _("Closed")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "overdue":
            return legal_clock.overdue(now, queryset)
        if value == "week":
            return legal_clock.due_within(now, 7, queryset)
        if value == "paused":
            return queryset.filter(status=DataSubjectRequest.UNVERIFIED)
        if value == "open":
            return queryset.filter(status__in=DataSubjectRequest.OPEN_STATUSES)
        if value == "closed":
            return queryset.exclude(status__in=DataSubjectRequest.OPEN_STATUSES)
        return queryset


class AssignedFilter(SimpleListFilter):
    title = gettext_lazy("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("nobody", _("Nobody"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


class QueueIndexView(ListView):
    #: The actions offered on each row; the request's page offers them all.
    action_buttons = (rules.ASSIGN,)

    def get_search_results(self, request, queryset, search_term):
        """``42`` or ``#42`` also finds request number 42."""
        results = super().get_search_results(request, queryset, search_term)
        number = routes.parse_id(search_term.strip().lstrip("#"))
        if number is not None:
            return queryset.filter(Q(pk=number) | Q(pk__in=results.values("pk")))
        return results

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            bulk_url=queue.bulk_url(),
            bulk_choices=queue.bulk_choices(),
            add_url=queue.add_url(),
            **kwargs,
        )


class QueueInspectView(PersonalViewMixin, InspectView):
    """The request's whole story: its facts, what was asked, notes, history, next step, and the
    erasure plan; its actions in an action bar of the add-on's own."""

    def get(self, request, *args, **kwargs):
        # Opening a member's request shows their data: that is processing, and it is logged,
        # once per officer, request and session.
        viewing.record_view(self.instance, request.user, "request", session=request.session)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.instance)

    def get_template_names(self):
        return ["wagtail_gdpr/admin/request_inspect.html"]

    def get_context_data(self, **kwargs):
        facts = queue.request_facts(self.instance, timezone.now(), self.request.user)
        return super().get_context_data(**facts, **kwargs)


class RequestQueueAdmin(PrivacyModelAdmin):
    """The staff request queue (GDPR Art. 12): who asked for what, and when it is due."""

    model = DataSubjectRequest
    menu_label = gettext_lazy("Request queue")
    menu_icon = "tasks"
    base_url_path = queue.URL_PREFIX
    permission_helper_class = QueuePermissionHelper
    button_helper_class = QueueButtonHelper
    index_view_class = QueueIndexView
    inspect_view_class = QueueInspectView
    inspect_view_enabled = True
    history_view_enabled = False
    index_template_name = "wagtail_gdpr/admin/queue_index.html"
    index_view_extra_css = inspect_view_extra_css = EXTRA_CSS
    list_display = ["select", "__str__", "status_text", "next_step_text", "requester", "due",
                    "assignee_name"]  # fmt: skip
    list_display_add_buttons = "__str__"
    list_filter = ["kind", "status", DeadlineFilter, AssignedFilter]
    list_select_related = ["member", "assignee"]
    search_fields = ["member__username", "member__email", "contact_email", "requester_name"]
    # The open ones first, the most urgent at the top.
    ordering = ["closed_last", "due_order", "-received_at"]
    list_export = [
        "id",
        "kind_label",
        "status_label",
        "member_id",
        "received_at",
        "verified_at",
        "due_at",
        "extended_until",
        "due_for_export",
        "overdue_for_export",
        "completed_at",
        "assignee_name",
    ]
    export_filename = "privacy-requests"

    def get_queryset(self, request):
        far_future = Value(datetime(9999, 12, 31, tzinfo=UTC))
        requests = legal_clock.with_effective_due(self.model._default_manager.all())
        return requests.annotate(
            closed_last=Case(
                When(status__in=DataSubjectRequest.OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            due_order=Coalesce(
                F("extended_until"), F("due_at"), far_future, output_field=DateTimeField()
            ),
        ).order_by(*self.get_ordering(request))

    @admin.display(description=gettext_lazy("select"))
    def select(self, obj):
        """A box that puts the request in the bulk form above the listing."""
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="gdpr-bulk" '
            'class="gdpr-select" aria-label="{}">',
            obj.pk,
            _("Select %(request)s") % {"request": obj},
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_text(self, obj):
        return in_words.status_for_staff(obj)

    @admin.display(description=gettext_lazy("next step"))
    def next_step_text(self, obj):
        return next_step.next_step(obj)

    @admin.display(description=gettext_lazy("requester"), ordering="member__username")
    def requester(self, obj):
        return queue.requester(obj)

    @admin.display(description=gettext_lazy("due"), ordering="due_order")
    def due(self, obj):
        if legal_clock.is_paused(obj):
            return _("clock stopped")
        due = legal_clock.effective_due(obj)
        if due is None or not obj.is_open:
            return "—"
        text = in_words.day(due)
        if legal_clock.is_overdue(obj):
            return format_html('{} <strong class="gdpr-overdue">{}</strong>', text, _("overdue"))
        if obj.extended_until:
            return format_html("{} <small>({})</small>", text, _("extended"))
        return text

    @admin.display(description=gettext_lazy("kind"))
    def kind_label(self, obj):
        return obj.get_kind_display()

    @admin.display(description=gettext_lazy("status"))
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("answer due"))
    def due_for_export(self, obj):
        return legal_clock.effective_due(obj)

    @admin.display(description=gettext_lazy("overdue"))
    def overdue_for_export(self, obj):
        return legal_clock.is_overdue(obj)

    @admin.display(description=gettext_lazy("assigned to"), ordering="assignee__username")
    def assignee_name(self, obj):
        return obj.assignee.get_username() if obj.assignee_id else "—"

    def get_admin_urls_for_registration(self):
        """The listing and the inspect view only: nobody adds, edits or deletes here.

        Both answer 403 to anyone without the permission. The listing is also named
        ``queue.INDEX_URL_NAME``, which the rest of the admin links to.
        """
        helper = self.url_helper
        index = managers_only(self.index_view)
        urls = [
            re_path(helper.get_action_url_pattern("index"), index,
                    name=helper.get_action_url_name("index")),
            re_path(helper.get_action_url_pattern("index"), index, name=queue.INDEX_URL_NAME),
            re_path(helper.get_action_url_pattern("inspect"), managers_only(self.inspect_view),
                    name=helper.get_action_url_name("inspect")),
        ]  # fmt: skip
        # The actions' and the copy's old names (gdpr_requests_modeladmin_<action>), for one
        # release: the same views as ``queue.urls()``.
        urls += [
            re_path(helper.get_action_url_pattern(name), _by_old_name(view),
                    name=helper.get_action_url_name(name))
            for name, view in queue.views_by_name().items()
        ]  # fmt: skip
        return tuple(urls)

    def register_admin_url_finders(self):
        # Links to a request (from emails and the audit log) open its inspect view.
        register_admin_url_finder(self.model, RequestURLFinder)

    def register_indexing(self):
        """Requests are records, not content: no usage index of the members they point to."""


def _by_old_name(view):
    """A queue page under modeladmin's URL pattern, whose key may be any text."""

    def old(request, instance_pk):
        pk = routes.parse_id(instance_pk)
        if pk is None:
            raise Http404
        return view(request, pk=pk)

    return old


class RequestURLFinder:
    def __init__(self, user=None):
        self.user = user

    def get_edit_url(self, instance):
        if self.user is not None and not people.can_manage(self.user):
            return None
        name = f"{queue.URL_PREFIX.replace('/', '_')}_modeladmin_inspect"
        return reverse(name, args=[quote(instance.pk)])


# -- the breach register ----------------------------------------------------------------------


class BreachButtonHelper(ButtonHelper):
    """Each breach opens its own page, where every step is recorded."""

    def open_button(self, obj, classnames_add=None):
        return {
            "url": reverse(f"{breaches.NAMESPACE}:detail", args=[obj.pk]),
            "label": _("Open"),
            "classname": self.finalise_classname(classnames_add or []),
            "title": _("Open %(breach)s") % {"breach": obj},
        }

    def get_primary_button(self, obj):
        return self.open_button(obj)

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        return [self.open_button(obj, classnames_add)]


class BreachStatusFilter(SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return breach_register.STATUSES

    def queryset(self, request, queryset):
        if self.value():
            return queryset & breach_register.filtered(status_filter=self.value())
        return queryset


class BreachNotifiedFilter(SimpleListFilter):
    title = gettext_lazy("notified")
    parameter_name = "notified"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Authority notified")),
            ("no", _("Authority not notified")),
            ("people", _("People notified")),
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset & breach_register.filtered(notified=self.value())
        return queryset


class BreachIndexView(ListView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record_url=reverse(f"{breaches.NAMESPACE}:new"),
            export_url=reverse(f"{breaches.NAMESPACE}:export") + "?" + self.request.GET.urlencode(),
            **kwargs,
        )


class BreachAdmin(PrivacyModelAdmin):
    """The breach register (GDPR Art. 33(5)): every breach, notified or not."""

    model = Breach
    menu_label = gettext_lazy("Breach register")
    menu_icon = "warning"
    base_url_path = breaches.URL_PREFIX
    permission_helper_class = QueuePermissionHelper
    button_helper_class = BreachButtonHelper
    index_view_class = BreachIndexView
    index_template_name = "wagtail_gdpr/admin/breach_index.html"
    index_view_extra_css = EXTRA_CSS
    inspect_view_enabled = False
    list_display = ["__str__", "status_text", "discovered_at", "deadline", "risk",
                    "authority_notified_at", "people_notified_at"]  # fmt: skip
    list_filter = [BreachStatusFilter, "risk", BreachNotifiedFilter]
    search_fields = ["title"]
    ordering = ["-discovered_at"]

    @admin.display(description=gettext_lazy("status"))
    def status_text(self, obj):
        return breach_register.status(obj)

    @admin.display(description=gettext_lazy("72 hours end"))
    def deadline(self, obj):
        return in_words.moment(breach_clock.deadline(obj))

    def get_admin_urls_for_registration(self):
        """The listing alone; each breach's pages are ``admin.breaches``'."""
        helper = self.url_helper
        index = managers_only(self.index_view)
        return (
            re_path(helper.get_action_url_pattern("index"), index,
                    name=helper.get_action_url_name("index")),
            re_path(helper.get_action_url_pattern("index"), index, name=breaches.INDEX_URL_NAME),
        )  # fmt: skip

    def register_admin_url_finders(self):
        # Links to a breach (from reminders and the audit log) open its page.
        register_admin_url_finder(self.model, BreachURLFinder)

    def register_indexing(self):
        """Breaches are records: no usage index."""


class BreachURLFinder:
    def __init__(self, user=None):
        self.user = user

    def get_edit_url(self, instance):
        if self.user is not None and not people.can_manage(self.user):
            return None
        return reverse(f"{breaches.NAMESPACE}:detail", args=[instance.pk])


class CorrectionsMenuItem(MenuItem):
    def is_shown(self, request):
        return people.can_manage(request.user)


class PrivacyAdminGroup(ModelAdminGroup):
    menu_label = gettext_lazy("Privacy")
    menu_icon = "lock"
    menu_order = 250
    items = (
        RequestQueueAdmin,
        BreachAdmin,
        ConsentRecordAdmin,
        NoticeVersionAdmin,
        LegalHoldAdmin,
        RetentionRunAdmin,
        ConnectorAdmin,
        ConnectorEventAdmin,
    )

    def get_submenu_items(self):
        """The queue first, then the corrections to review, then the records."""
        items = super().get_submenu_items()
        corrections = CorrectionsMenuItem(
            _("Corrections to review"),
            reverse("wagtail_gdpr_corrections:index"),
            name="gdpr-corrections",
            icon_name="edit",
            order=items[0].order + 1 if items else 1,
        )
        for item in items[1:]:
            item.order += 1
        next_sweep = CorrectionsMenuItem(
            _("Next retention sweep"),
            reverse("wagtail_gdpr_retention:next"),
            name="gdpr-next-sweep",
            icon_name="time",
            order=(items[-1].order + 1) if items else 2,
        )
        if not items:
            return [corrections, next_sweep]
        return [items[0], corrections, *items[1:], next_sweep]


def register():
    """Register the group with Wagtail; ``wagtail_hooks`` calls it."""
    modeladmin_register(PrivacyAdminGroup)
