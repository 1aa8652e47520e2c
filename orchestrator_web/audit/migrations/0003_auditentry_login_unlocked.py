from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_alter_auditentry_action"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("launch", "Plan launched"),
                    ("denied", "Denied"),
                    ("stop", "Stop requested"),
                    ("login", "Logged in"),
                    ("login_failed", "Failed login"),
                    ("login_unlocked", "Login lockout lifted"),
                    ("grant_added", "Grant added"),
                    ("grant_removed", "Grant removed"),
                    ("group_created", "Group created"),
                    ("group_changed", "Group changed"),
                    ("group_deleted", "Group deleted"),
                    ("member_added", "Member added"),
                    ("member_removed", "Member removed"),
                    ("token_stored", "Personal token stored"),
                    ("token_removed", "Personal token removed"),
                    ("alias_changed", "Type alias added or changed"),
                    ("alias_deleted", "Type alias deleted"),
                ],
                db_index=True,
                max_length=20,
            ),
        ),
    ]
