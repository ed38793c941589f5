import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Uploaded images moved from the studio to the media app."""

    dependencies = [
        ("portability", "0002_images_and_jobs"),
        ("media", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importedimage",
            name="image",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="media.uploadedimage",
            ),
        ),
    ]
