"""The stored search document of each post, on PostgreSQL only.

The table is written by a trigger on posts_post (see `broadsheet.search.schema`), never through
this model; the model exists so that queries can join it and rank on it. Its schema is the
hand-written SQL of migration 0002, so change it with a migration of raw SQL, never with
`makemigrations` alone.

`required_db_vendor` keeps Django away from the table on SQLite, where it does not exist:
flush, dumpdata and test-database serialisation all skip models that cannot migrate there.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from broadsheet.posts.models import Post


class PostDocument(models.Model):
    # DO_NOTHING because the database deletes the row (ON DELETE CASCADE): Django's collector
    # must not look for it, on SQLite there is no table to look in.
    post = models.OneToOneField(
        Post,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="search_document",
    )
    # The title weighted A and the body text D, in the 'english' configuration.
    document = SearchVectorField()

    class Meta:
        db_table = "search_post_document"
        required_db_vendor = "postgresql"

    def __str__(self) -> str:
        return f"search document of post {self.post_id}"
