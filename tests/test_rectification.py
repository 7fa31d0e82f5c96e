"""The right to rectification (Art. 16): direct edits, reviewed proposals, and the staff review."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from tests.access_helpers import (
    add_privacy_centre,
    audit,
    clean_cache,  # noqa: F401  (autouse)
    fresh,
    make_member,
    make_orders,
    make_superuser,
    url_of,
)
from tests.testapp.models import Order, Profile
from wagtail_gdpr import rectification
from wagtail_gdpr.models import DataSubjectRequest, MemberActivity
from wagtail_gdpr.rectification import CorrectionRefused
from wagtail_gdpr.registry import DIRECT, REVIEWED

pytestmark = pytest.mark.django_db

PROFILE = "testapp.Profile"
ORDER = "testapp.Order"
ADMIN = "/admin/gdpr/corrections/"
QUEUE = "/admin/gdpr/requests/"


def review(dsr) -> str:
    """A correction is reviewed on its request's page in the queue."""
    return f"{QUEUE}inspect/{dsr.pk}/"


def decide(dsr, decision: str) -> str:
    """...and approved or rejected through the queue's actions: one path for both."""
    return f"{QUEUE}{decision}/{dsr.pk}/"


@pytest.fixture
def centre(db):
    return add_privacy_centre()


# -- people and data ---------------------------------------------------------------------------


def member_with_profile(username="alice", **values):
    user = make_member(username)
    defaults = {"nickname": None, "display_name": "Alice Old", "phone": "",
                "birth_date": date(1990, 1, 2)}  # fmt: skip
    profile = Profile.objects.create(user=user, **{**defaults, **values})
    return user, profile


def make_reviewer(username="reviewer"):
    """Admin access and the request-queue permission, but not a superuser."""
    user = make_member(username)
    group = Group.objects.create(name="Privacy team")
    group.permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        Permission.objects.get(codename="manage_requests", content_type__app_label="wagtail_gdpr"),
    )
    user.groups.add(group)
    return user


def make_editor(username="editor"):
    """A Wagtail editor: admin access, no permission on privacy requests."""
    user = make_member(username)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def rectifications(**filters):
    return DataSubjectRequest.objects.filter(kind=DataSubjectRequest.RECTIFICATION, **filters)


def post_correction(client, centre_page, model, pk, field, value, reason=None):
    """One field of one record's form (the others left as they were)."""
    data = {"model": model, "pk": pk, f"value-{field}": value}
    if reason is not None:
        data[f"reason-{field}"] = reason
    return client.post(url_of(centre_page, "correct/"), data)


def propose_birth_date(user, profile, value="1991-03-04", reason="My passport says so"):
    return rectification.propose(user, PROFILE, profile.pk, "birth_date", value, reason)


# -- what may be corrected ---------------------------------------------------------------------


def test_correctable_items_are_the_declared_fields_of_the_members_rows():
    alice, profile = member_with_profile()
    orders = make_orders(alice, 2)
    bob, _ = member_with_profile("bob")
    make_orders(bob, 1)

    items = rectification.correctable_items(alice)

    found = {(i.model_label, i.pk, i.field): (i.mode, i.value) for i in items}
    assert found[(PROFILE, profile.pk, "phone")] == (DIRECT, "")
    assert found[(PROFILE, profile.pk, "nickname")] == (DIRECT, None)
    assert found[(PROFILE, profile.pk, "birth_date")] == (REVIEWED, date(1990, 1, 2))
    for order in orders:
        assert found[(ORDER, order.pk, "shipping_address")][0] == REVIEWED
    assert found[("auth.User", alice.pk, "first_name")][0] == DIRECT
    # Not correctable: not declared with a correction mode, or not the member's.
    assert not [k for k in found if k[2] in ("email", "total", "created_at") and k[0] == ORDER]
    assert {k[1] for k in found if k[0] == ORDER} == {o.pk for o in orders}
    assert {k[1] for k in found if k[0] == "auth.User"} == {alice.pk}
    phone = next(i for i in items if i.field == "phone")
    assert phone.label == "Phone"


def test_correctable_items_take_one_query_per_declaration_however_many_rows():
    alice, _ = member_with_profile()
    make_orders(alice, 1)
    with CaptureQueriesContext(connection) as few:
        rectification.correctable_items(alice)
    make_orders(alice, 30)
    with CaptureQueriesContext(connection) as many:
        items = rectification.correctable_items(alice)
    assert len([i for i in items if i.model_label == ORDER]) == 31
    assert len(many) == len(few)
    # The verified addresses, then user, order and profile: the declarations with such fields.
    assert len(many) <= 4


# -- direct edits ------------------------------------------------------------------------------


def test_a_direct_edit_changes_the_value_logs_old_and_new_and_records_activity(centre):
    alice, profile = member_with_profile(phone="+46 70 111 11 11")
    client = logged_in(alice)

    response = post_correction(client, centre, PROFILE, profile.pk, "phone", "+46 70 222 22 22")

    assert response.status_code == 303
    assert response["Location"] == url_of(centre, "correct/")
    assert Profile.objects.get(pk=profile.pk).phone == "+46 70 222 22 22"
    dsr = rectifications().get()
    assert dsr.member == alice
    assert dsr.status == DataSubjectRequest.DONE
    assert dsr.completed_at is not None and dsr.verified_at is not None
    assert dsr.payload == {"model": PROFILE, "pk": profile.pk, "field": "phone",
                           "label": "Phone", "old": "+46 70 111 11 11",
                           "new": "+46 70 222 22 22"}  # fmt: skip
    logged = MemberActivity.objects.get(user=alice, kind=MemberActivity.CHANGE)
    assert logged.detail == "Profile.phone"
    assert "222" not in logged.detail and "111" not in logged.detail

    page = client.get(response["Location"])
    assert "Saved: “Phone”." in page.content.decode()
    mine = client.get(url_of(centre, "requests/")).content.decode()
    assert "Correction" in mine and "Completed" in mine


def test_supplementing_an_empty_field_works_the_same_way():
    alice, profile = member_with_profile(phone="", nickname=None)

    phone = rectification.apply_direct(alice, PROFILE, profile.pk, "phone", "+46 8 123 456")
    nickname = rectification.apply_direct(alice, PROFILE, str(profile.pk), "nickname", "Ally")

    profile.refresh_from_db()
    assert (profile.phone, profile.nickname) == ("+46 8 123 456", "Ally")
    assert (phone.payload["old"], phone.payload["new"]) == ("", "+46 8 123 456")
    assert (nickname.payload["old"], nickname.payload["new"]) == (None, "Ally")
    assert MemberActivity.objects.filter(user=alice, kind=MemberActivity.CHANGE).count() == 2


def test_clearing_a_nullable_field_stores_null_not_an_empty_string():
    alice, profile = member_with_profile(nickname="Ally")
    dsr = rectification.apply_direct(alice, PROFILE, profile.pk, "nickname", "")
    assert Profile.objects.get(pk=profile.pk).nickname is None
    assert dsr.payload["new"] is None


def test_the_same_value_again_changes_nothing():
    alice, profile = member_with_profile(phone="123")
    with pytest.raises(CorrectionRefused, match="already hold"):
        rectification.apply_direct(alice, PROFILE, profile.pk, "phone", "123")
    assert not rectifications().exists()


@pytest.mark.parametrize(
    ("model", "field", "value", "message"),
    [
        (ORDER, "email", "x@example.com", "cannot be corrected here"),  # exported, not correctable
        (ORDER, "total", "1.00", "cannot be corrected here"),
        (PROFILE, "user", "1", "cannot be corrected here"),  # not declared at all
        ("testapp.Shop", "name", "x", "cannot be corrected here"),  # not personal data
        (PROFILE, "birth_date", "1991-01-01", "propose a correction"),  # reviewed, not direct
        ("auth.User", "username", "mallory", "cannot be corrected here"),
    ],
)
def test_a_field_that_is_not_directly_correctable_is_refused(model, field, value, message):
    alice, profile = member_with_profile()
    [order] = make_orders(alice, 1)
    pk = {PROFILE: profile.pk, ORDER: order.pk, "auth.User": alice.pk}.get(model, 1)
    before = (Profile.objects.values().get(pk=profile.pk), Order.objects.values().get(pk=order.pk))

    with pytest.raises(CorrectionRefused, match=message):
        rectification.apply_direct(alice, model, pk, field, value)

    after = (Profile.objects.values().get(pk=profile.pk), Order.objects.values().get(pk=order.pk))
    assert after == before
    assert fresh(alice).username == "alice"
    assert not rectifications().exists()


def test_a_non_correctable_field_posted_to_the_page_is_refused_with_400(centre):
    alice, _ = member_with_profile()
    [order] = make_orders(alice, 1, address="Old Street 1")
    response = post_correction(logged_in(alice), centre, ORDER, order.pk, "total", "0.01")
    assert response.status_code == 400
    assert "cannot be corrected here" in response.content.decode()
    assert Order.objects.get(pk=order.pk).total == order.total
    assert not rectifications().exists()


def test_another_members_row_with_a_forged_pk_is_refused_and_nothing_changes(centre):
    alice, _ = member_with_profile()
    bob, bobs_profile = member_with_profile("bob", phone="555")
    [bobs_order] = make_orders(bob, 1, address="Bob Street 1")
    client = logged_in(alice)

    direct = post_correction(client, centre, PROFILE, bobs_profile.pk, "phone", "666")
    proposal = post_correction(client, centre, ORDER, bobs_order.pk, "shipping_address", "Mine")
    garbage = post_correction(client, centre, PROFILE, "1 OR 1=1", "phone", "666")

    for response in (direct, proposal, garbage):
        assert response.status_code == 400
        assert "We could not find this information among your data." in response.content.decode()
    assert Profile.objects.get(pk=bobs_profile.pk).phone == "555"
    assert Order.objects.get(pk=bobs_order.pk).shipping_address == "Bob Street 1"
    assert not rectifications().exists()
    assert not MemberActivity.objects.filter(kind=MemberActivity.CHANGE).exists()
    with pytest.raises(CorrectionRefused):
        rectification.apply_direct(alice, "auth.User", bob.pk, "first_name", "Mallory")
    assert fresh(bob).first_name == ""


def test_guest_rows_under_a_verified_address_are_the_members_too():
    from wagtail_gdpr.models import VerifiedEmail

    alice, _ = member_with_profile()
    guest = Order.objects.create(email="alice.old@example.com", shipping_address="Guest Road 1")
    with pytest.raises(CorrectionRefused):
        rectification.propose(alice, ORDER, guest.pk, "shipping_address", "Guest Road 2")
    VerifiedEmail.objects.create(user=alice, email="alice.old@example.com")
    dsr = rectification.propose(alice, ORDER, guest.pk, "shipping_address", "Guest Road 2")
    assert dsr.payload["old"] == "Guest Road 1"


# -- invalid values ----------------------------------------------------------------------------


def test_a_value_too_long_shows_the_validation_message_keeps_the_input_and_saves_nothing(
    centre,
):
    alice, profile = member_with_profile(nickname="Al")
    too_long = "N" * 41

    response = post_correction(logged_in(alice), centre, PROFILE, profile.pk, "nickname", too_long)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensure this value has at most 40 characters (it has 41)." in body
    assert f'value="{too_long}"' in body
    assert 'aria-invalid="true"' in body
    assert Profile.objects.get(pk=profile.pk).nickname == "Al"
    assert not rectifications().exists()
    assert not MemberActivity.objects.filter(kind=MemberActivity.CHANGE).exists()


def test_an_invalid_date_is_refused_with_the_message_and_the_input_and_reason_kept(centre):
    alice, profile = member_with_profile()

    response = post_correction(logged_in(alice), centre, PROFILE, profile.pk, "birth_date",
                               "2020-02-30", reason="Typo at sign-up")  # fmt: skip

    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid date." in body
    assert 'type="date"' in body and 'value="2020-02-30"' in body
    assert "Typo at sign-up</textarea>" in body
    assert Profile.objects.get(pk=profile.pk).birth_date == date(1990, 1, 2)
    assert not rectifications().exists()


def test_the_models_own_validation_runs(monkeypatch):
    alice, profile = member_with_profile(phone="123")

    def clean(self):
        if self.phone and not self.phone.startswith("+"):
            raise ValidationError({"phone": "Start with the country code, e.g. +46."})

    monkeypatch.setattr(Profile, "clean", clean, raising=False)
    with pytest.raises(CorrectionRefused, match=r"Start with the country code, e\.g\. \+46\."):
        rectification.apply_direct(alice, PROFILE, profile.pk, "phone", "070 123")
    assert Profile.objects.get(pk=profile.pk).phone == "123"
    rectification.apply_direct(alice, PROFILE, profile.pk, "phone", "+46 70 123")
    assert Profile.objects.get(pk=profile.pk).phone == "+46 70 123"


def test_a_trusted_account_address_is_not_directly_editable(settings):
    alice, _ = member_with_profile()
    settings.WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL = True
    assert "email" not in {
        i.field for i in rectification.correctable_items(alice) if i.model_label == "auth.User"
    }
    with pytest.raises(CorrectionRefused):
        rectification.apply_direct(alice, "auth.User", alice.pk, "email", "bob@example.com")
    assert fresh(alice).email == "alice@example.com"

    settings.WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL = False
    rectification.apply_direct(alice, "auth.User", alice.pk, "email", "alice@example.org")
    assert fresh(alice).email == "alice@example.org"


# -- the member's page -------------------------------------------------------------------------


def test_the_page_lists_correctable_data_with_labelled_controls_and_open_proposals(centre):
    alice, profile = member_with_profile(display_name="Alice Old")
    make_orders(alice, 2, address="Street {i}")
    propose_birth_date(alice, profile)
    client = logged_in(alice)

    response = client.get(url_of(centre, "correct/"))

    assert response.status_code == 200
    body = response.content.decode()
    page = audit(response)
    assert page.h1 == 1
    assert page.controls
    for control in page.controls:
        assert control.get("id") in page.labels, control
    assert 'value="Alice Old"' in body
    assert "Corrections waiting for review" in body
    # A proposed date is written as the date held is: the same way on both sides.
    assert "We hold: Jan. 2, 1990" in body
    assert "You proposed “March 4, 1991”; our staff are checking it." in body
    assert "“Birth date” from “Jan. 2, 1990” to “March 4, 1991”" in body
    assert "1991-03-04" not in body
    # One form per record, named after it, with one button.
    assert body.count(f'name="model" value="{ORDER}"') == 2
    assert body.count('name="value-shipping_address"') == 2
    assert ">Order 1</h3>" in body and ">Order 2</h3>" in body
    assert "Save changes to Order 1" in body and "Save changes to Order 2" in body
    assert body.count(f'name="model" value="{PROFILE}"') == 1
    # The pending field shows the proposal instead of a box for another.
    assert 'name="value-birth_date"' not in body
    assert "birth_date-value" not in body
    assert "display_name-value" in body


def test_anonymous_visitors_are_sent_to_log_in(client, centre):
    response = client.get(url_of(centre, "correct/"))
    assert response.status_code == 302 and "login" in response["Location"]


# -- proposals and the staff review ------------------------------------------------------------


def test_a_proposal_waits_for_review_and_only_one_per_field_is_open(centre):
    alice, profile = member_with_profile()
    client = logged_in(alice)

    response = post_correction(client, centre, PROFILE, profile.pk, "birth_date", "1991-03-04",
                               reason="My passport says so")  # fmt: skip

    assert response.status_code == 303
    dsr = rectifications().get()
    assert dsr.status == DataSubjectRequest.IN_REVIEW
    assert dsr.due_at is not None and dsr.due_at > dsr.received_at
    assert dsr.payload == {"model": PROFILE, "pk": profile.pk, "field": "birth_date",
                           "label": "Birth date", "old": "1990-01-02",
                           "proposed": "1991-03-04", "reason": "My passport says so"}  # fmt: skip
    assert Profile.objects.get(pk=profile.pk).birth_date == date(1990, 1, 2)  # not yet

    again = post_correction(client, centre, PROFILE, profile.pk, "birth_date", "1992-01-01")
    assert again.status_code == 400
    assert "You already proposed a correction of this" in again.content.decode()
    assert rectifications().count() == 1


def test_staff_approve_applies_the_value_emails_the_member_and_logs_the_actor(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    alice, profile = member_with_profile()
    dsr = propose_birth_date(alice, profile)
    reviewer = make_reviewer()
    staff = logged_in(reviewer)

    listing = staff.get(ADMIN)
    assert listing.status_code == 200
    assert review(dsr) in listing.content.decode()
    page = staff.get(review(dsr))
    assert page.status_code == 200
    assert "Jan. 2, 1990" in page.content.decode() and "March 4, 1991" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(decide(dsr, "approve"))

    assert response.status_code == 303
    assert Profile.objects.get(pk=profile.pk).birth_date == date(1991, 3, 4)
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.DONE and dsr.completed_at is not None
    [mail] = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert mail.subject == "Your correction has been made"
    assert "Birth date" in mail.body
    assert "1991" not in mail.body  # the value itself stays out of the mailbox
    entry = ModelLogEntry.objects.get(action="wagtail_gdpr.correction_approved")
    assert entry.user_id == reviewer.pk
    assert entry.object_id == str(dsr.pk)
    assert entry.data == {
        "request_id": dsr.pk,
        "kind": "rectification",
        "model": PROFILE,
        "field": "birth_date",
    }
    assert entry.message == "Correction approved"
    assert review(dsr) not in staff.get(ADMIN).content.decode()  # off the list

    again = staff.post(decide(dsr, "approve"))
    assert again.status_code == 409
    assert "no longer waiting for review" in again.content.decode()
    assert ModelLogEntry.objects.filter(action="wagtail_gdpr.correction_approved").count() == 1


def test_staff_reject_needs_a_reason_which_the_member_sees_and_is_emailed(
    centre, mailoutbox, django_capture_on_commit_callbacks
):
    alice, profile = member_with_profile()
    dsr = propose_birth_date(alice, profile)
    admin = logged_in(make_superuser())

    blank = admin.post(decide(dsr, "reject"), {"reason": "   "})
    assert blank.status_code == 400
    assert "This field is required." in blank.content.decode()
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.IN_REVIEW
    with pytest.raises(CorrectionRefused):
        rectification.reject(dsr, fresh(alice), "")

    reason = "Your passport shows 2 January 1990."
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(decide(dsr, "reject"), {"reason": reason})

    assert response.status_code == 303
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.REFUSED
    assert dsr.refusal_reason == reason
    assert Profile.objects.get(pk=profile.pk).birth_date == date(1990, 1, 2)
    [mail] = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert reason in mail.body
    assert reason in mail.alternatives[0][0]
    mine = logged_in(alice).get(url_of(centre, "requests/")).content.decode()
    assert f"Our reason: {reason}" in mine
    entry = ModelLogEntry.objects.get(action="wagtail_gdpr.correction_rejected")
    assert entry.user.username == "admin"
    assert reason not in str(entry.data)


def test_approve_after_the_value_changed_is_refused(centre):
    alice, profile = member_with_profile()
    dsr = propose_birth_date(alice, profile)
    Profile.objects.filter(pk=profile.pk).update(birth_date=date(1985, 5, 5))
    reviewer = make_reviewer()

    page = logged_in(reviewer).get(review(dsr))
    assert "changed since the proposal" in page.content.decode()
    response = logged_in(reviewer).post(decide(dsr, "approve"))

    assert response.status_code == 409
    assert "The value has changed since the member proposed this correction" in (
        response.content.decode()
    )
    assert Profile.objects.get(pk=profile.pk).birth_date == date(1985, 5, 5)
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.IN_REVIEW
    assert not ModelLogEntry.objects.filter(action="wagtail_gdpr.correction_approved").exists()


def test_approve_revalidates_and_refuses_a_row_that_is_no_longer_the_members():
    alice, _ = member_with_profile()
    bob = make_member("bob")
    [order] = make_orders(alice, 1, address="Old Street 1")
    dsr = rectification.propose(alice, ORDER, order.pk, "shipping_address", "New Street 2")
    Order.objects.filter(pk=order.pk).update(customer=bob)

    with pytest.raises(CorrectionRefused, match="no longer belongs"):
        rectification.approve(dsr, make_superuser())
    assert Order.objects.get(pk=order.pk).shipping_address == "Old Street 1"


def test_markup_in_the_value_and_reason_is_escaped_on_the_review_page():
    alice, _ = member_with_profile()
    [order] = make_orders(alice, 1, address="<i>old</i>")
    dsr = rectification.propose(
        alice, ORDER, order.pk, "shipping_address", "<script>alert('value')</script>",
        "<script>alert('reason')</script><b>bold</b>",
    )  # fmt: skip

    body = logged_in(make_superuser()).get(review(dsr)).content.decode()

    assert "<script>alert(" not in body
    assert "<b>bold</b>" not in body and "<i>old</i>" not in body
    assert "&lt;script&gt;alert(&#x27;value&#x27;)&lt;/script&gt;" in body
    assert "&lt;script&gt;alert(&#x27;reason&#x27;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in body
    assert "&lt;i&gt;old&lt;/i&gt;" in body


# -- who may review ----------------------------------------------------------------------------


def test_an_editor_without_the_permission_gets_403_everywhere_and_no_menu_item():
    alice, profile = member_with_profile()
    dsr = propose_birth_date(alice, profile)
    editor = logged_in(make_editor())

    assert editor.get("/admin/").status_code == 200  # an editor, in the admin
    assert editor.get(ADMIN).status_code == 403
    assert editor.get(review(dsr)).status_code == 403
    assert editor.post(decide(dsr, "approve")).status_code == 403
    assert editor.post(decide(dsr, "reject"), {"reason": "no"}).status_code == 403

    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.IN_REVIEW
    assert Profile.objects.get(pk=profile.pk).birth_date == date(1990, 1, 2)
    assert ADMIN not in editor.get("/admin/").content.decode()
    # ...while someone with the permission sees the menu item on the same page.
    assert ADMIN in logged_in(make_reviewer()).get("/admin/").content.decode()


def test_members_without_admin_access_are_sent_to_the_admin_login():
    alice, profile = member_with_profile()
    dsr = propose_birth_date(alice, profile)
    response = logged_in(alice).post(decide(dsr, "approve"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Profile.objects.get(pk=profile.pk).birth_date == date(1990, 1, 2)


def test_reviewing_is_post_only():
    """A GET shows the decision's page, with its button; only a POST decides."""
    alice, profile = member_with_profile()
    dsr = propose_birth_date(alice, profile)
    staff = logged_in(make_reviewer())
    assert staff.get(decide(dsr, "approve")).status_code == 200
    assert staff.get(decide(dsr, "reject")).status_code == 200
    assert staff.put(decide(dsr, "approve")).status_code == 405
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.IN_REVIEW


def test_posts_without_a_csrf_token_are_refused(centre):
    alice, profile = member_with_profile(phone="123")
    dsr = propose_birth_date(alice, profile)
    staff = logged_in(make_reviewer(), enforce_csrf_checks=True)
    member = logged_in(alice, enforce_csrf_checks=True)

    assert staff.post(decide(dsr, "approve")).status_code == 403
    assert staff.post(decide(dsr, "reject"), {"reason": "no"}).status_code == 403
    correction = post_correction(member, centre, PROFILE, profile.pk, "phone", "456")
    assert correction.status_code == 403

    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.IN_REVIEW
    profile.refresh_from_db()
    assert (profile.phone, profile.birth_date) == ("123", date(1990, 1, 2))


# -- one form per record -----------------------------------------------------------------------


def test_one_submit_corrects_several_values_of_a_record_and_proposes_the_reviewed_one(centre):
    alice, profile = member_with_profile(phone="111", display_name="Alice Old")
    client = logged_in(alice)

    response = client.post(
        url_of(centre, "correct/"),
        {
            "model": PROFILE,
            "pk": profile.pk,
            "value-nickname": "",
            "value-display_name": "Alice New",
            "value-phone": "222",
            "value-birth_date": "1991-03-04",
            "reason-birth_date": "My passport says so",
        },
    )

    assert response.status_code == 303
    profile.refresh_from_db()
    assert (profile.display_name, profile.phone) == ("Alice New", "222")
    assert profile.birth_date == date(1990, 1, 2)  # proposed, not changed
    done = rectifications(status=DataSubjectRequest.DONE)
    assert {d.payload["field"] for d in done} == {"display_name", "phone"}  # not the unchanged
    proposal = rectifications(status=DataSubjectRequest.IN_REVIEW).get()
    assert proposal.payload["field"] == "birth_date"
    assert proposal.payload["reason"] == "My passport says so"
    page = client.get(response["Location"]).content.decode()
    assert "Saved: “Display name”, “Phone”." in page
    assert "Sent for review: “Birth date”." in page


def test_one_refused_value_leaves_the_whole_record_unchanged(centre):
    alice, profile = member_with_profile(phone="111", nickname="Al")
    response = logged_in(alice).post(
        url_of(centre, "correct/"),
        {"model": PROFILE, "pk": profile.pk, "value-phone": "222", "value-nickname": "N" * 41},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensure this value has at most 40 characters (it has 41)." in body
    assert 'value="222"' in body  # what the member typed is kept
    profile.refresh_from_db()
    assert (profile.phone, profile.nickname) == ("111", "Al")
    assert not rectifications().exists()
    assert not MemberActivity.objects.filter(kind=MemberActivity.CHANGE).exists()


def test_a_record_sent_unchanged_changes_nothing(centre):
    alice, profile = member_with_profile(phone="111")
    client = logged_in(alice)
    response = client.post(
        url_of(centre, "correct/"),
        {
            "model": PROFILE,
            "pk": profile.pk,
            "value-phone": "111",
            "value-birth_date": "1990-01-02",
        },
    )
    assert response.status_code == 303
    assert not rectifications().exists()
    assert "Nothing was changed" in client.get(response["Location"]).content.decode()


def test_rows_are_named_after_the_record_when_the_model_names_them():
    alice, _ = member_with_profile()
    [order] = make_orders(alice, 1)
    declaration = rectification.declaration_for(ORDER)
    assert declaration.row_label(order, 1) == "Order 1"  # Django's "Order object (1)" is an id

    class Named:
        pk = 7

        def __str__(self):
            return "PO-11205"

    assert declaration.row_label(Named(), 3) == "Order PO-11205"
