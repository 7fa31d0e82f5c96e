from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

DAYS = "days"
MONTHS = "months"
YEARS = "years"
#: Units of a retention period editors choose (form pages, the site's defaults).
RETENTION_UNITS = [(DAYS, _("days")), (MONTHS, _("months")), (YEARS, _("years"))]


@register_setting(icon="lock")
class GdprSettings(BaseSiteSetting):
    """Per-site facts members are told (controller, DPO, authority) and the legal clock's knobs."""

    controller_name = models.CharField(_("controller"), max_length=255, blank=True)
    controller_contact = models.TextField(
        _("controller's contact details"),
        blank=True,
        help_text=_("Postal address, email and phone of the organisation responsible."),
    )
    dpo_name = models.CharField(_("data protection officer"), max_length=255, blank=True)
    dpo_email = models.EmailField(_("data protection officer's email"), blank=True)
    authority_name = models.CharField(
        _("supervisory authority"),
        max_length=255,
        blank=True,
        help_text=_("Where members can complain, e.g. Integritetsskyddsmyndigheten (IMY)."),
    )
    authority_url = models.URLField(_("supervisory authority's website"), blank=True)
    security_measures = models.TextField(
        _("how the data is kept safe"),
        blank=True,
        help_text=_(
            "A general description of the technical and organisational security measures, for "
            "the record of processing (GDPR Art. 30(1)(g)): encryption, access control, "
            "backups, staff training."
        ),
    )
    backup_days = models.PositiveIntegerField(
        _("days backups are kept"),
        null=True,
        blank=True,
        help_text=_(
            "Members who ask for erasure are told that their data stays this long in backups, "
            "and that an erasure is applied again if a backup is restored. Leave empty if you "
            "keep no backups of personal data."
        ),
    )
    response_days = models.PositiveIntegerField(
        _("days to answer a request"),
        default=30,
        help_text=_("GDPR Art. 12(3): one month; requests are due after one calendar month."),
    )
    report_expiry_days = models.PositiveIntegerField(
        _("days a copy of data can be downloaded"), default=7
    )
    erasure_grace_days = models.PositiveIntegerField(
        _("days before an erasure is carried out"),
        default=0,
        help_text=_("Members can cancel an erasure request during this time."),
    )
    reminder_days_before = models.PositiveIntegerField(
        _("days before the due date to remind staff"),
        default=7,
        help_text=_(
            "The assignee and the privacy officers are emailed this many days before a request "
            "is due, and again when it is overdue."
        ),
    )
    form_retention = models.PositiveIntegerField(
        _("keep form submissions for"),
        default=12,
        help_text=_(
            "How long submissions are kept when a form does not say, and for forms that have "
            "no privacy panel."
        ),
    )
    form_retention_unit = models.CharField(
        _("unit"), max_length=6, choices=RETENTION_UNITS, default=MONTHS
    )
    form_retention_max = models.PositiveIntegerField(
        _("longest a form may keep submissions"),
        default=3,
        help_text=_("Editors cannot set a longer period on a form."),
    )
    form_retention_max_unit = models.CharField(
        _("unit"), max_length=6, choices=RETENTION_UNITS, default=YEARS
    )
    form_sweep_notice_days = models.PositiveIntegerField(
        _("days ahead to tell staff which submissions will be deleted"),
        default=7,
        help_text=_(
            "The privacy officers are emailed this many days before the retention sweep "
            "deletes form submissions: which forms, and how many."
        ),
    )
    notice_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Members must acknowledge this notice; material changes ask them again."),
    )
    privacy_centre_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy centre page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("controller_name"), FieldPanel("controller_contact")],
            heading=_("Controller"),
        ),
        MultiFieldPanel(
            [FieldPanel("dpo_name"), FieldPanel("dpo_email")],
            heading=_("Data protection officer"),
        ),
        MultiFieldPanel(
            [FieldPanel("authority_name"), FieldPanel("authority_url")],
            heading=_("Supervisory authority"),
        ),
        MultiFieldPanel(
            [FieldPanel("security_measures"), FieldPanel("backup_days")],
            heading=_("Security and backups"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("response_days"),
                FieldPanel("report_expiry_days"),
                FieldPanel("erasure_grace_days"),
                FieldPanel("reminder_days_before"),
            ],
            heading=_("Deadlines"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("form_retention"), FieldPanel("form_retention_unit")]),
                FieldRowPanel(
                    [FieldPanel("form_retention_max"), FieldPanel("form_retention_max_unit")]
                ),
                FieldPanel("form_sweep_notice_days"),
            ],
            heading=_("Form submissions"),
        ),
        MultiFieldPanel(
            [PageChooserPanel("notice_page"), PageChooserPanel("privacy_centre_page")],
            heading=_("Pages"),
        ),
    ]

    class Meta:
        verbose_name = _("privacy settings")

    @classmethod
    def current(cls, request=None, *, site=None) -> "GdprSettings":
        """The settings of the request's site, else of ``site``, else of the default site.

        Work done outside a request (a worker, a command) reads the default site's settings.
        Without any site, an unsaved instance holds the defaults, so that callers never repeat
        them.
        """
        if request is not None and site is None:
            site = Site.find_for_request(request)
            if site is not None:
                return cls.for_request(request)
        site = site or Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site is not None else cls()
