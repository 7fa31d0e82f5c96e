"""A "Privacy officers" group: Wagtail admin access, the request queue, and read access to the
privacy records, so a site can hand the queue to someone without making them a superuser."""

from django.db import migrations

GROUP_NAME = "Privacy officers"

#: (model name, verbose name) of the models the group may view.
VIEWABLE = [
    ("datasubjectrequest", "data subject request"),
    ("accessreport", "access report"),
    ("consentrecord", "consent record"),
    ("consentpurpose", "consent purpose"),
    ("noticeversion", "notice version"),
    ("legalhold", "legal hold"),
    ("retentionrun", "retention run"),
]


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    # Django creates model permissions after migrating; create them now, as it would name them.
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = [
        _permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
        _permission(
            apps,
            "wagtail_gdpr",
            "datasubjectrequest",
            "manage_requests",
            "Can work the privacy request queue",
        ),
    ]
    permissions += [
        _permission(apps, "wagtail_gdpr", model, f"view_{model}", f"Can view {verbose_name}")
        for model, verbose_name in VIEWABLE
    ]
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_gdpr", "0006_request_queue"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
