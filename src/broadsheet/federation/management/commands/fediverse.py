"""`broadsheet fediverse`: moving a blog's fediverse account in or out.

    broadsheet fediverse aliases BLOG URI...   # the accounts the blog also is (moving in)
    broadsheet fediverse move BLOG TARGET      # followers move to TARGET (moving out)

Moving in: name the old account here, then start the Move at the old account's server.
Moving out: the new account must already name this blog's actor in its `alsoKnownAs`.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from broadsheet.blogs.models import Blog
from broadsheet.federation import actors, outbound


class Command(BaseCommand):
    help = "The blog's fediverse account: name its other accounts, or move it elsewhere."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        aliases = commands.add_parser("aliases", help="set the accounts the blog also is")
        aliases.add_argument("blog")
        aliases.add_argument("uris", nargs="*", help="account URIs (https://…); none clears")
        move = commands.add_parser("move", help="move the blog's followers to another account")
        move.add_argument("blog")
        move.add_argument("target", help="the new account's URI")

    def handle(self, *args: Any, **options: Any) -> None:
        blog = Blog.objects.filter(slug=options["blog"]).first()
        if blog is None:
            raise CommandError(f"No blog {options['blog']!r}.")
        actor = actors.blog_actor(blog)
        uris = options["uris"] if options["action"] == "aliases" else [options["target"]]
        if any(not uri.startswith("https://") for uri in uris):
            raise CommandError("Accounts are named by their https:// URI.")
        if options["action"] == "aliases":
            outbound.set_aliases(actor, uris)
            self.stdout.write(
                f"{actors.handle(actor)} is also known as: {', '.join(uris) or 'nobody'}"
            )
        else:
            self.stdout.write(outbound.move_out(actor, options["target"]))
