from django.db import migrations


class Migration(migrations.Migration):
    """Invitation went to `blogs`, UploadedImage to `media`: their tables stay (renamed by
    those apps' migrations); only Django's idea of which app holds them changes here."""

    dependencies = [
        ("studio", "0001_initial"),
        ("blogs", "0005_invitation_from_studio"),
        ("media", "0001_initial"),
        ("portability", "0003_image_from_media"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Invitation"),
                migrations.DeleteModel(name="UploadedImage"),
            ],
        ),
    ]
