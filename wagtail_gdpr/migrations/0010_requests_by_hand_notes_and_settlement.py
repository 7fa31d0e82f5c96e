"""Requests staff add by hand (how they came, who asked, how identity is checked), notes on
requests, a status for waiting on the requester's answer, why a request was closed and which
erasure settled it, the announced lifting of a restriction, and what changed in a notice."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_gdpr', '0009_translations_notice_changes_and_security'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='datasubjectrequest',
            name='added_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by'),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='closed_because',
            field=models.CharField(blank=True, choices=[('dealt_with', 'Dealt with'), ('withdrawn', 'Withdrawn by the requester'), ('duplicate', 'A duplicate of another request'), ('not_a_request', 'Not a request about personal data'), ('erasure', "Settled by the erasure of the member's data")], max_length=20, verbose_name='closed because'),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='contact_details',
            field=models.TextField(blank=True, verbose_name='other contact details'),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='identity_check',
            field=models.TextField(blank=True, verbose_name='identity check'),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='lift_after',
            field=models.DateTimeField(blank=True, null=True, verbose_name='lifted from'),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='received_via',
            field=models.CharField(choices=[('online', 'Privacy centre'), ('public_form', 'Request form on the site'), ('email', 'Email'), ('letter', 'Letter'), ('phone', 'Phone'), ('in_person', 'In person')], default='online', max_length=20, verbose_name='received by'),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='requester_name',
            field=models.CharField(blank=True, max_length=200, verbose_name="requester's name"),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='settled_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='settled', to='wagtail_gdpr.datasubjectrequest', verbose_name='settled by'),
        ),
        migrations.AlterField(
            model_name='datasubjectrequest',
            name='status',
            field=models.CharField(choices=[('unverified', 'Waiting for identity check'), ('waiting_for_member', "Waiting for the requester's answer"), ('queued', 'Waiting to be processed'), ('running', 'Being processed'), ('in_review', 'Being reviewed by staff'), ('scheduled', 'Scheduled'), ('done', 'Completed'), ('failed', 'Failed, staff are looking into it'), ('refused', 'Refused'), ('cancelled', 'Cancelled')], default='queued', max_length=20, verbose_name='status'),
        ),
        migrations.CreateModel(
            name='RequestNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('internal', 'Internal note'), ('to_requester', 'Message to the requester'), ('from_requester', 'Answer from the requester')], default='internal', max_length=20, verbose_name='kind')),
                ('text', models.TextField(blank=True, verbose_name='text')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='written')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='wagtail_gdpr.datasubjectrequest', verbose_name='request')),
            ],
            options={
                'verbose_name': 'note on a request',
                'verbose_name_plural': 'notes on requests',
                'ordering': ['created_at', 'pk'],
            },
        ),
    ]
