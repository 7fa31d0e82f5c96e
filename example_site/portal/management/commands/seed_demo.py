"""Fill the example site with fictional members, orders, tickets, pages and privacy setup.

Safe to run again: existing rows are kept, missing ones are added, and the demo logins are
reset to their documented passwords. Dates are relative to today, and every record is within its
retention: the oldest order is six years old (orders are kept seven years after the end of their
financial year), the closed ticket a little over a year (two years), the oldest activity ten
months (twelve).

The site speaks English and Swedish: every page, the privacy notice with its blocks, and the
consent purposes exist in both, and members see the one in their browser's language.

The privacy side: consent purposes, a published privacy notice, a privacy centre and the site's
privacy settings. Alice has acknowledged the notice and the terms and agreed to the newsletter,
so she goes straight in; Bob has not, so his first login shows the consent step.

The staff request queue: a privacy officer login (in the "Privacy officers" group) and a few
requests of each kind, one of them overdue, one due within the week, one waiting for an
identity check and one extended.
"""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from example_site.crm.models import Customer
from example_site.home.models import FormField, FormPage, HomePage, StandardPage
from example_site.portal.models import (
    MemberProfile,
    NewsletterSubscription,
    Order,
    OrderLine,
    SupportTicket,
)
from example_site.portal.signals import NEWSLETTER, sync_newsletter
from wagtail_gdpr import activity, consent, rectification
from wagtail_gdpr.consent import notices
from wagtail_gdpr.models import (
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    DataSubjectRequest,
    GdprSettings,
    MemberActivity,
    PrivacyCentrePage,
    PrivacyNoticePage,
    VerifiedEmail,
)
from wagtail_gdpr.requests import legal_clock

User = get_user_model()

ADMIN = {"username": "admin", "password": "portal-demo-admin", "email": "admin@example.com"}
OFFICER = {
    "username": "dana",
    "password": "portal-demo-dana",
    "email": "dpo@example.com",
    "first_name": "Dana",
    "last_name": "Dataskydd",
}

# Phone numbers are from the range the Swedish regulator reserves for fiction (070-17406xx).
MEMBERS = [
    {
        "username": "alice",
        "password": "portal-demo-alice",
        "email": "alice.andersson@example.com",
        "first_name": "Alice",
        "last_name": "Andersson",
        "profile": {
            "phone": "+46 70 174 06 21",
            "street_address": "Storgatan 12",
            "postcode": "753 20",
            "city": "Uppsala",
            "birth_date": date(1986, 4, 17),
        },
    },
    {
        "username": "bob",
        "password": "portal-demo-bob",
        "email": "bob.berg@example.org",
        "first_name": "Bob",
        "last_name": "Berg",
        "profile": {
            "phone": "+46 70 174 06 58",
            "street_address": "Kungsvägen 3B",
            "postcode": "411 05",
            "city": "Göteborg",
            "birth_date": date(1992, 11, 2),
        },
    },
]

# (reference, member or None for a guest order, age in days, lines)
ORDERS = [
    ("PO-10017", "alice", 6 * 365 + 40, [("Linen tea towel", 2, "89.00"), ("Teapot", 1, "349.00")]),
    ("PO-10342", "alice", 4 * 365 + 95, [("Rain jacket", 1, "1299.00")]),
    ("PO-11205", "alice", 330, [("Wool socks", 3, "119.00"), ("Beanie", 1, "249.00")]),
    ("PO-11588", "alice", 21, [("Hiking map, Jämtland", 1, "189.00")]),
    ("PO-11420", None, 120, [("Gift card", 1, "500.00")]),  # placed as a guest with Alice's address
    ("PO-10890", "bob", 3 * 365 + 12, [("Bicycle lamp", 1, "399.00"), ("Bell", 1, "79.00")]),
    ("PO-11601", "bob", 5, [("Thermos, 0.75 l", 1, "329.00")]),
]

# (member, subject, message, age in days when opened, days ago closed or None)
TICKETS = [
    (
        "alice",
        "Tracking link does not work",
        "The tracking link in my shipping confirmation leads to an error page.",
        400,
        390,
    ),
    (
        "alice",
        "New delivery address",
        "I am moving next month. Can you send my next order to my new address?",
        2,
        None,
    ),
    ("bob", "Copy of invoice", "Could I get a copy of the invoice for order PO-10890?", 9, None),
]

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
# (member, what, IP address, user agent, how long ago): wagtail-gdpr's activity log, which it
# fills itself at every login, logout and failed login. The IP addresses are from the ranges
# reserved for documentation and are stored shortened, as the add-on stores them; all of them are
# within their twelve months of retention.
ACTIVITY = [
    ("alice", MemberActivity.LOGIN, "203.0.113.77", FIREFOX, timedelta(days=300)),
    ("alice", MemberActivity.LOGOUT, "203.0.113.77", FIREFOX, timedelta(days=300, hours=-1)),
    ("alice", MemberActivity.LOGIN_FAILED, "198.51.100.23", SAFARI, timedelta(days=30, minutes=2)),
    ("alice", MemberActivity.LOGIN, "198.51.100.23", SAFARI, timedelta(days=30)),
    ("alice", MemberActivity.LOGIN, "2001:db8:85a3::8a2e:370:7334", FIREFOX, timedelta(days=2)),
    ("bob", MemberActivity.LOGIN_FAILED, "192.0.2.44", FIREFOX, timedelta(days=9, minutes=1)),
    ("bob", MemberActivity.LOGIN, "192.0.2.44", FIREFOX, timedelta(days=9)),
    ("bob", MemberActivity.LOGOUT, "192.0.2.44", FIREFOX, timedelta(days=9, hours=-2)),
]

# The staff queue: (demo key, kind, member or None for someone without an account, status,
# received how many days ago, extension reason or ""). Each is found again by its demo key.
REQUESTS = [
    ("guest-copy", DataSubjectRequest.ACCESS, None, DataSubjectRequest.UNVERIFIED, 2, ""),
    ("bob-erasure", DataSubjectRequest.ERASURE, "bob", DataSubjectRequest.IN_REVIEW, 26, ""),
    ("alice-objection", DataSubjectRequest.OBJECTION, "alice", DataSubjectRequest.QUEUED, 35, ""),
    (
        "bob-restriction",
        DataSubjectRequest.RESTRICTION,
        "bob",
        DataSubjectRequest.IN_REVIEW,
        20,
        "We need to check the disputed orders with our payment provider first.",
    ),
    ("alice-portability", DataSubjectRequest.PORTABILITY, "alice", DataSubjectRequest.DONE, 60, ""),
]
GUEST_EMAIL = "erik.ek@example.net"

# (slug, name, needed for the service, text members read before they agree)
PURPOSES = [
    (
        "terms",
        "Terms of service",
        True,
        "To run your account we store your name, email address, delivery address and orders, "
        "and use them to deliver and bill what you buy and to answer your questions. This is "
        "part of our agreement with you; you cannot use the portal without it. The privacy "
        "notice explains what we store, why and for how long.",
    ),
    (
        NEWSLETTER,
        "Newsletter",
        False,
        "Send me the newsletter by email, about once a month: new products, offers and tips "
        "for the outdoors. We use your email address and first name for it and nothing else. "
        "You can unsubscribe at any time, from your account page, your privacy centre or the "
        "link in every newsletter.",
    ),
    (
        "product-research",
        "Product research",
        False,
        "Invite me, at most four times a year, to short surveys and interviews about our "
        "products. We use your email address and what you have ordered to choose which "
        "questions to ask you. Answering is always up to you; you can withdraw at any time.",
    ),
]

NOTICE_SUMMARY = (
    "We store what we need to run your account and deliver your orders: your name, contact "
    "details, orders and support tickets. We keep orders for seven years because the "
    "bookkeeping law says so; everything else goes when it is no longer needed. The "
    "newsletter and product research are up to you. In your privacy centre you can see "
    "your data, download a copy and change your choices."
)

# The same purposes in Swedish: (slug, name, text).
PURPOSES_SV = [
    (
        "terms",
        "Användarvillkor",
        "För ditt konto sparar vi ditt namn, din e-postadress, din leveransadress och dina "
        "beställningar, och använder dem för att leverera och fakturera det du köper och för att "
        "svara på dina frågor. Det är en del av vårt avtal med dig; du kan inte använda portalen "
        "utan det. Integritetspolicyn förklarar vad vi sparar, varför och hur länge.",
    ),
    (
        NEWSLETTER,
        "Nyhetsbrev",
        "Skicka mig nyhetsbrevet med e-post, ungefär en gång i månaden: nya produkter, "
        "erbjudanden och tips för friluftslivet. Vi använder din e-postadress och ditt förnamn "
        "till det och inget annat. Du kan avsluta prenumerationen när du vill, på din kontosida, "
        "i ditt integritetscenter eller med länken i varje nyhetsbrev.",
    ),
    (
        "product-research",
        "Produktundersökningar",
        "Bjud in mig, högst fyra gånger om året, till korta enkäter och intervjuer om era "
        "produkter. Vi använder din e-postadress och det du har beställt för att välja vilka "
        "frågor vi ställer till dig. Det är alltid frivilligt att svara; du kan ta tillbaka ditt "
        "samtycke när du vill.",
    ),
]

NOTICE_SUMMARY_SV = (
    "Vi sparar det vi behöver för att sköta ditt konto och leverera dina beställningar: ditt "
    "namn, dina kontaktuppgifter, beställningar och supportärenden. Beställningar sparar vi i sju "
    "år efter räkenskapsårets slut eftersom bokföringslagen kräver det; allt annat tas bort när "
    "det inte längre behövs. Nyhetsbrevet och produktundersökningarna väljer du själv. I ditt "
    "integritetscenter kan du se dina uppgifter, ladda ner en kopia och ändra dina val."
)

GDPR_SETTINGS = {
    "controller_name": "Example Portal AB",
    "controller_contact": (
        "Example Portal AB (org. nr 556000-0000)\nStorgatan 1\n753 20 Uppsala\nSweden\n"
        "privacy@example.com · +46 18 000 00 00"
    ),
    "dpo_name": "Dana Dataskydd",
    "dpo_email": "dpo@example.com",
    "authority_name": "Integritetsskyddsmyndigheten (IMY)",
    "authority_url": "https://www.imy.se",
    "security_measures": (
        "Data is stored in a data centre in Sweden, encrypted on disk and in transit (TLS). "
        "Staff reach it only through personal accounts with two-factor login, and only what "
        "their work needs; every staff action on personal data is logged. Backups are "
        "encrypted and kept for 30 days. Staff are trained in data protection every year."
    ),
    "backup_days": 30,
}


class Command(BaseCommand):
    help = "Create the demo logins, members, orders, tickets and pages (safe to run again)."

    def handle(self, *args, **options):
        self.now = timezone.now()
        with transaction.atomic():
            admin = self.ensure_admin()
            members = {spec["username"]: self.ensure_member(spec) for spec in MEMBERS}
            orders_added = self.ensure_orders(members)
            tickets_added = self.ensure_tickets(members)
            activity_added = self.ensure_activity(members)
            home, contact, submission_added = self.ensure_pages(members["alice"])
            purposes = self.ensure_purposes()
            notice, centre = self.ensure_privacy_pages(home, purposes[NEWSLETTER])
            self.ensure_gdpr_settings(notice, centre)
            self.ensure_swedish(home, purposes)
            self.ensure_alice_privacy(members["alice"], notice)
            officer = self.ensure_officer()
            requests_added = self.ensure_requests(members, officer)
            crm_added = self.ensure_crm_customers(members)

        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write(
            f"  Logins: {admin.username} / {ADMIN['password']} (staff), "
            + ", ".join(f"{m['username']} / {m['password']}" for m in MEMBERS)
        )
        self.stdout.write(
            f"  Orders: {Order.objects.count()} ({orders_added} new), "
            f"support tickets: {SupportTicket.objects.count()} ({tickets_added} new), "
            f"activity log entries: {MemberActivity.objects.count()} ({activity_added} new)"
        )
        self.stdout.write(
            f"  Pages: {home.title!r} is the site root; contact form at {contact.get_url()} "
            f"({'1 new submission' if submission_added else 'submission already there'})"
        )
        self.stdout.write(
            f"  Privacy: notice at {notice.get_url()}, privacy centre at {centre.get_url()}; "
            f"purposes: {', '.join(purposes)}, newsletter subscribers: "
            f"{NewsletterSubscription.objects.count()}. Alice has passed the consent step; "
            "Bob sees it at his first login."
        )
        self.stdout.write(
            "  Languages: English and Swedish (pages, the privacy notice, consent purposes)."
        )
        self.stdout.write(
            f"  CRM (a separate system at /crm/, a connector): {Customer.objects.count()} "
            f"customers ({crm_added} new); a copy of Alice's data includes its section."
        )
        self.stdout.write(
            f"  Request queue: {DataSubjectRequest.objects.count()} requests "
            f"({requests_added} new); privacy officer login {officer.username} / "
            f"{OFFICER['password']}"
        )

    # -- people --------------------------------------------------------------------------

    def ensure_admin(self):
        admin, _created = User.objects.get_or_create(
            username=ADMIN["username"],
            defaults={"email": ADMIN["email"], "is_staff": True, "is_superuser": True},
        )
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.set_password(ADMIN["password"])
        admin.save()
        return admin

    def ensure_officer(self):
        """A privacy officer: the queue and the privacy records, nothing else of the admin."""
        from django.contrib.auth.models import Group

        officer, _created = User.objects.get_or_create(
            username=OFFICER["username"],
            defaults={
                "email": OFFICER["email"],
                "first_name": OFFICER["first_name"],
                "last_name": OFFICER["last_name"],
            },
        )
        officer.is_active = True
        officer.set_password(OFFICER["password"])
        officer.save()
        # The group comes with wagtail-gdpr's migrations.
        group = Group.objects.filter(name="Privacy officers").first()
        if group is not None:
            officer.groups.add(group)
        return officer

    def ensure_member(self, spec):
        user, _created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                "email": spec["email"],
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
            },
        )
        user.is_active = True
        user.set_password(spec["password"])
        user.save()
        MemberProfile.objects.get_or_create(user=user, defaults=spec["profile"])
        return user

    # -- the CRM, a system of its own ----------------------------------------------------

    def ensure_crm_customers(self, members):
        """The example CRM knows Alice and Bob: it answers the portal's privacy events."""
        added = 0
        notes = {"alice": "Asked about delivery times to Östersund.", "bob": "Prefers phone calls."}
        for username, user in members.items():
            _customer, created = Customer.objects.get_or_create(
                member_id=str(user.pk),
                defaults={
                    "email": user.email,
                    "name": user.get_full_name() or username,
                    "phone": "+46 70 123 45 67",
                    "notes": notes.get(username, ""),
                },
            )
            added += created
        return added

    # -- records -------------------------------------------------------------------------

    def ensure_orders(self, members):
        added = 0
        for reference, username, age_days, lines in ORDERS:
            if Order.objects.filter(reference=reference).exists():
                continue
            customer = members.get(username)
            # The guest order carries Alice's details, typed at checkout without signing in.
            buyer = customer or members["alice"]
            created_at = self.now - timedelta(days=age_days)
            order = Order.objects.create(
                reference=reference,
                customer=customer,
                email=buyer.email,
                shipping_address=self.address_of(buyer),
                total=sum(Decimal(price) * quantity for _name, quantity, price in lines),
                created_at=created_at,
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    product_name=name,
                    quantity=quantity,
                    unit_price=Decimal(price),
                    created_at=created_at,
                )
                for name, quantity, price in lines
            )
            added += 1
        return added

    def address_of(self, user):
        profile = user.member_profile
        return (
            f"{user.get_full_name()}\n{profile.street_address}\n{profile.postcode} {profile.city}"
        )

    def ensure_tickets(self, members):
        added = 0
        for username, subject, message, opened_days, closed_days in TICKETS:
            closed = closed_days is not None
            _ticket, created = SupportTicket.objects.get_or_create(
                owner=members[username],
                subject=subject,
                defaults={
                    "message": message,
                    "created_at": self.now - timedelta(days=opened_days),
                    "status": SupportTicket.Status.CLOSED if closed else SupportTicket.Status.OPEN,
                    "closed_at": self.now - timedelta(days=closed_days) if closed else None,
                },
            )
            added += created
        return added

    def ensure_activity(self, members):
        added = 0
        for username, kind, ip_address, user_agent, age in ACTIVITY:
            # What the add-on itself would store for a request from this address and browser.
            facts = activity.request_facts(
                SimpleNamespace(META={"REMOTE_ADDR": ip_address, "HTTP_USER_AGENT": user_agent})
            )
            user = members[username]
            if MemberActivity.objects.filter(user=user, kind=kind, **facts).exists():
                continue
            entry = MemberActivity.objects.create(user=user, kind=kind, **facts)
            # created_at is set on creation; move it back to when it happened.
            MemberActivity.objects.filter(pk=entry.pk).update(created_at=self.now - age)
            added += 1
        return added

    # -- pages ---------------------------------------------------------------------------

    def ensure_pages(self, alice):
        root = Page.get_first_root_node()
        # Wagtail's placeholder welcome page, from its initial migration.
        placeholders = [
            page
            for page in root.get_children().filter(slug="home")
            if page.specific_class is Page and page.is_leaf()
        ]
        for page in placeholders:
            Page.objects.filter(pk=page.pk).update(slug=f"welcome-{page.pk}")
        home = HomePage.objects.order_by("pk").first() or self.create_home(root)

        # Point the default site at the home page before the placeholder goes: deleting a
        # site's root page would delete the site too.
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(is_default_site=True)
        # Where the demo is served: links in emails start with the Site's root URL.
        served_at = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site.hostname = served_at.hostname or "localhost"
        site.port = served_at.port or (443 if served_at.scheme == "https" else 80)
        site.root_page = home
        site.site_name = "Example member portal"
        site.save()
        for page in placeholders:
            Page.objects.get(pk=page.pk).delete()

        if not StandardPage.objects.child_of(home).filter(slug="about").exists():
            about = StandardPage(
                title="About this portal",
                slug="about",
                show_in_menus=True,
                body=[
                    ("heading", "Your data, your account"),
                    (
                        "paragraph",
                        RichText(
                            "<p>Members of this fictional shop see their orders and support "
                            "tickets here, and manage what we keep about them.</p>"
                        ),
                    ),
                ],
            )
            home.add_child(instance=about)
            about.save_revision().publish()

        contact = FormPage.objects.child_of(home).filter(slug="contact").first()
        if contact is None:
            contact = FormPage(
                title="Contact us",
                slug="contact",
                show_in_menus=True,
                intro="<p>Questions about an order? Write to us.</p>",
                thank_you_text="<p>Thank you. We answer within two working days.</p>",
                to_address="support@example.com",
                from_address="portal@example.com",
                subject="Message from the contact form",
                privacy_purpose="To answer your question and help you with your order",
                privacy_lawful_basis="legitimate_interests",
                privacy_keep_for=6,
                privacy_keep_unit="months",
                form_fields=[
                    FormField(label="Name", field_type="singleline", required=True),
                    FormField(label="Email", field_type="email", required=True),
                    FormField(label="Message", field_type="multiline", required=True),
                ],
            )
            home.add_child(instance=contact)
            contact.save_revision().publish()

        submission_added = False
        if not FormSubmission.objects.filter(
            page=contact, form_data__email__iexact=alice.email
        ).exists():
            submission = FormSubmission.objects.create(
                page=contact,
                form_data={
                    "name": alice.get_full_name(),
                    "email": alice.email,
                    "message": "Do you ship to Åland? I would like to send a gift there.",
                },
            )
            FormSubmission.objects.filter(pk=submission.pk).update(
                submit_time=self.now - timedelta(days=45)
            )
            submission_added = True
        return home, contact, submission_added

    def create_home(self, root):
        home = HomePage(
            title="Welcome to the example member portal",
            slug="home",
            intro=(
                "<p>Sign in to see your orders, ask us something, or manage the newsletter. "
                "Everyone in this demo is fictional.</p>"
            ),
            body=[
                ("heading", "What you can do here"),
                (
                    "paragraph",
                    RichText(
                        "<ul><li>Follow your orders</li><li>Open a support ticket</li>"
                        "<li>Keep your contact details up to date</li></ul>"
                    ),
                ),
            ],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        return home

    # -- privacy -------------------------------------------------------------------------

    def ensure_purposes(self):
        purposes = {}
        for slug, name, required, text in PURPOSES:
            # Kept as editors left them: a changed text is a new version, decided in the admin.
            purposes[slug], _created = ConsentPurpose.objects.get_or_create(
                slug=slug, defaults={"name": name, "required": required, "text": text}
            )
        return purposes

    def ensure_privacy_pages(self, home, newsletter):
        # Not "privacy": /privacy/ is where wagtail-gdpr's own URLs (the consent step) live.
        notice = PrivacyNoticePage.objects.child_of(home).filter(slug="privacy-notice").first()
        if notice is None:
            notice = PrivacyNoticePage(
                title="Privacy notice",
                slug="privacy-notice",
                show_in_menus=True,
                summary=NOTICE_SUMMARY,
                body=[
                    ("heading", "Who we are"),
                    (
                        "paragraph",
                        RichText(
                            "<p>Example Portal AB runs this member portal and is responsible "
                            "for the personal data in it. We use it to run your account, "
                            "deliver your orders and answer your questions, and, only if you "
                            "want, to send you our newsletter.</p>"
                        ),
                    ),
                    (
                        "data_inventory",
                        {
                            "heading": "What we store about you",
                            "intro": "This list is read from the portal's own code, so it "
                            "always matches what we actually store.",
                            "show_fields": True,
                        },
                    ),
                    ("rights", {"heading": "Your rights", "intro": ""}),
                    ("consent", {"purpose": newsletter, "heading": "Our newsletter"}),
                    ("contact", {"heading": "Who to contact"}),
                ],
            )
            home.add_child(instance=notice)
            # Publishing creates the notice's first version (always material) through a signal.
            notice.save_revision().publish()

        centre = PrivacyCentrePage.objects.child_of(home).filter(slug="privacy-centre").first()
        if centre is None:
            centre = PrivacyCentrePage(
                title="Privacy centre",
                slug="privacy-centre",
                intro="<p>See what we store about you, get a copy of it and change what you "
                "have agreed to.</p>",
            )
            home.add_child(instance=centre)
            centre.save_revision().publish()
        return notice, centre

    def ensure_gdpr_settings(self, notice, centre):
        site = Site.objects.get(is_default_site=True)
        gdpr_settings = GdprSettings.for_site(site)
        for name, value in GDPR_SETTINGS.items():
            if getattr(gdpr_settings, name) in ("", None):
                setattr(gdpr_settings, name, value)
        gdpr_settings.notice_page = gdpr_settings.notice_page or notice
        gdpr_settings.privacy_centre_page = gdpr_settings.privacy_centre_page or centre
        gdpr_settings.save()

    # -- Swedish ---------------------------------------------------------------------------

    def ensure_swedish(self, home, purposes):
        """The whole site in Swedish too: its pages (the privacy notice and the privacy centre
        among them) as Wagtail translations at the same addresses, and the consent purposes."""
        swedish, _created = Locale.objects.get_or_create(language_code="sv")
        for slug, name, text in PURPOSES_SV:
            original = purposes[slug]
            if not original.has_translation(swedish):
                translation = original.copy_for_translation(swedish)
                translation.name, translation.text = name, text
                translation.save()
        texts = {
            "home": {
                "title": "Välkommen till exempelportalen",
                "intro": "<p>Logga in för att se dina beställningar, ställa en fråga eller "
                "hantera nyhetsbrevet. Alla i den här demon är påhittade.</p>",
                "body": [
                    ("heading", "Det här kan du göra här"),
                    (
                        "paragraph",
                        RichText(
                            "<ul><li>Följa dina beställningar</li><li>Skapa ett supportärende"
                            "</li><li>Hålla dina kontaktuppgifter aktuella</li></ul>"
                        ),
                    ),
                ],
            },
            "about": {
                "title": "Om den här portalen",
                "body": [
                    ("heading", "Dina uppgifter, ditt konto"),
                    (
                        "paragraph",
                        RichText(
                            "<p>Medlemmar i den här påhittade butiken ser sina beställningar och "
                            "supportärenden här, och bestämmer över vad vi sparar om dem.</p>"
                        ),
                    ),
                ],
            },
            "contact": {
                "title": "Kontakta oss",
                "intro": "<p>Frågor om en beställning? Skriv till oss.</p>",
                "thank_you_text": "<p>Tack. Vi svarar inom två arbetsdagar.</p>",
            },
            "privacy-notice": {
                "title": "Integritetspolicy",
                "summary": NOTICE_SUMMARY_SV,
                "body": [
                    ("heading", "Vilka vi är"),
                    (
                        "paragraph",
                        RichText(
                            "<p>Example Portal AB driver den här medlemsportalen och ansvarar "
                            "för personuppgifterna i den. Vi använder dem för att sköta ditt "
                            "konto, leverera dina beställningar och svara på dina frågor, och, "
                            "bara om du vill, för att skicka dig vårt nyhetsbrev.</p>"
                        ),
                    ),
                    (
                        "data_inventory",
                        {
                            "heading": "Det här sparar vi om dig",
                            "intro": "Listan läses från portalens egen kod, så den stämmer "
                            "alltid med det vi faktiskt sparar.",
                            "show_fields": True,
                        },
                    ),
                    ("rights", {"heading": "Dina rättigheter", "intro": ""}),
                    ("consent", {"purpose": purposes[NEWSLETTER], "heading": "Vårt nyhetsbrev"}),
                    ("contact", {"heading": "Vem du kontaktar"}),
                ],
            },
            "privacy-centre": {
                "title": "Integritetscenter",
                "intro": "<p>Se vad vi sparar om dig, ladda ner en kopia och ändra det du har "
                "gått med på.</p>",
                "data_intro": "Det här sparar vi om dig just nu, och varför.",
                "copy_intro": "Vi tar fram en fil med alla dina uppgifter: en sida du kan läsa i "
                "vilken webbläsare som helst, och samma uppgifter som kalkylblad och JSON att ta "
                "med dig någon annanstans. Vi mejlar dig när den är klar.",
            },
        }
        pages = [home.specific] + [child.specific for child in home.get_children()]
        for page in pages:
            key = "home" if page.pk == home.pk else page.slug
            if key not in texts or page.has_translation(swedish):
                continue
            translation = page.copy_for_translation(swedish, copy_parents=True)
            for name, value in texts[key].items():
                setattr(translation, name, value)
            if key == "contact":
                for field, label in zip(
                    translation.form_fields.all(), ["Namn", "E-post", "Meddelande"], strict=False
                ):
                    field.label = label
                    field.save()
            # Publishing the Swedish notice records its own first version.
            translation.save_revision().publish()

    # -- the staff queue -------------------------------------------------------------------

    def ensure_requests(self, members, officer):
        added = 0
        for key, kind, username, status, age_days, extension_reason in REQUESTS:
            if DataSubjectRequest.objects.filter(payload__demo=key).exists():
                continue
            member = members.get(username)
            received = self.now - timedelta(days=age_days)
            verified = status != DataSubjectRequest.UNVERIFIED
            dsr = DataSubjectRequest(
                kind=kind,
                status=status,
                member=member,
                contact_email=member.email if member else GUEST_EMAIL,
                language="en",
                received_at=received,
                verified_at=received if verified else None,
                due_at=legal_clock.due_date(received) if verified else None,
                assignee=officer if kind == DataSubjectRequest.ERASURE else None,
                payload={"demo": key},
            )
            if extension_reason:
                dsr.extended_until = legal_clock.latest_extension(dsr)
                dsr.extension_reason = extension_reason
            if status == DataSubjectRequest.DONE:
                dsr.completed_at = received + timedelta(days=3)
                dsr.outcome = {"decision": "delivered by other means"}
            dsr.save()
            added += 1
        bob = members["bob"]
        proposed = DataSubjectRequest.objects.filter(
            member=bob, kind=DataSubjectRequest.RECTIFICATION, payload__field="birth_date"
        )
        if not proposed.exists():
            rectification.propose(
                bob,
                "portal.MemberProfile",
                bob.member_profile.pk,
                "birth_date",
                "1992-11-20",
                "My birth date was typed wrong when I signed up: it is 20 November.",
            )
            added += 1
        return added

    def ensure_alice_privacy(self, alice, notice):
        """Alice passed the consent step once: she acknowledged the notice and the terms and
        agreed to the newsletter. She also confirmed her address, so her guest order is hers."""
        version = notices.live_version(notice.pk)
        acknowledged = ConsentRecord.objects.filter(
            user=alice,
            purpose__isnull=True,
            notice_version=version,
            action=ConsentRecord.ACKNOWLEDGED,
        )
        if version is not None and not acknowledged.exists():
            consent.acknowledge_notice(alice, version, source=ConsentRecord.SOURCE_GATE)
        # Returns None, recording nothing, when she has already acknowledged this version.
        consent.give(alice, "terms", source=ConsentRecord.SOURCE_GATE)
        # Only her first answer is seeded: if she withdrew since, running the seed again must
        # not put words in her mouth.
        if not ConsentState.objects.filter(user=alice, purpose__slug=NEWSLETTER).exists():
            consent.give(alice, NEWSLETTER, source=ConsentRecord.SOURCE_GATE)
        # consent_changed (which subscribes her) is sent after commit; make sure either way.
        sync_newsletter(alice)
        VerifiedEmail.objects.get_or_create(user=alice, email=alice.email.lower())
