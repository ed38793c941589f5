"""Pictures for the demo's posts, drawn here (no file to ship, no network): for the theme
screenshots (scripts/theme-screenshots) and the themes' browser tests, whose Magazine and
Gallery lists are made of each post's first image. `load_demo` itself stays text only.
"""

from __future__ import annotations

import io
import math

from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw

from broadsheet.blogs.models import Blog, Membership
from broadsheet.media.actions import store_image
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post

# (sky top, sky bottom, sun, far hills, near hills, what it shows)
SCENES = [
    ("#f6c28b", "#fbe7c6", "#fff4d6", "#8aa66a", "#4f7a3a", "green hills under an evening sky"),
    ("#7fb3d5", "#d6eaf8", "#fdfefe", "#9bb7a0", "#5d8a66", "allotment beds under a blue sky"),
    ("#2c3e66", "#c0766e", "#f5cba7", "#6c5b7b", "#35274a", "dark hills at dusk"),
    ("#b8d8c8", "#eef6ee", "#ffffff", "#a3b18a", "#588157", "a misty morning over the plots"),
    ("#e59866", "#fad7a0", "#fef9e7", "#b9770e", "#7e5109", "stubble fields in late summer"),
    ("#d5dbdb", "#f4f6f6", "#fbfcfc", "#85929e", "#5d6d7e", "a grey winter day on the hill"),
]


def _rgb(value: str) -> tuple[int, int, int]:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _hills(
    draw: ImageDraw.ImageDraw, size: tuple[int, int], colour: str, level: float, wave: float
) -> None:
    width, height = size
    points = [
        (x, height * level + math.sin(x / width * wave) * height * 0.06)
        for x in range(0, width + 20, 20)
    ]
    draw.polygon([*points, (width, height), (0, height)], fill=_rgb(colour))


def landscape(number: int, size: tuple[int, int] = (1200, 800)) -> bytes:
    """A JPEG of a simple landscape, different for each `number`."""
    top, bottom, sun, far, near, _ = SCENES[number % len(SCENES)]
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    a, b = _rgb(top), _rgb(bottom)
    for y in range(size[1]):
        share = y / size[1]
        draw.line(
            [(0, y), (size[0], y)],
            fill=tuple(round(p + (q - p) * share) for p, q in zip(a, b, strict=True)),
        )
    x = size[0] * (0.2 + 0.12 * (number % 5))
    draw.ellipse([x - 70, 140, x + 70, 280], fill=_rgb(sun))
    _hills(draw, size, far, 0.55, 5 + number)
    _hills(draw, size, near, 0.72, 3 + number % 3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return out.getvalue()


def picture_posts(blog: Blog, count: int = 6) -> list[Post]:
    """Put a drawn landscape first in each of the blog's `count` newest public posts."""
    posts = list(Post.objects.public(blog, timezone.now()).select_related("author")[:count])
    for number, post in enumerate(posts):
        member = Membership.objects.get(blog=blog, user=post.author)
        alt = f"A drawing of {SCENES[number % len(SCENES)][5]}"
        stored = store_image(member, io.BytesIO(landscape(number)), f"scene-{number}.jpg", alt)
        src = default_storage.url(stored.variants[-1]["name"])  # the widest
        post.source = _with_image(post, src, alt)
        save_post(post)
    return posts


def _with_image(post: Post, src: str, alt: str) -> str:
    if post.source_format == "html":
        return f'<p><img src="{src}" alt="{alt}"></p>\n{post.source}'
    return f"![{alt}]({src})\n\n{post.source}"
