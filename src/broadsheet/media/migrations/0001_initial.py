import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Uploaded images move from the studio to the media app, which the studio and imports
    both use. The model moves in Django's state only, then the table is renamed."""

    initial = True

    dependencies = [
        ("blogs", "0002_initial"),
        ("studio", "0001_initial"),
        # The imports' table points at the studio's old one: created before it is renamed.
        ("portability", "0002_images_and_jobs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="UploadedImage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("original_name", models.CharField(blank=True, max_length=255)),
                        ("alt", models.CharField(blank=True, max_length=500)),
                        ("width", models.PositiveIntegerField()),
                        ("height", models.PositiveIntegerField()),
                        ("variants", models.JSONField(default=list)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "blog",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="images",
                                to="blogs.blog",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(fields=["blog", "created_at"], name="image_blog_created")
                        ],
                        "db_table": "studio_uploadedimage",
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="uploadedimage", table=None),
    ]
