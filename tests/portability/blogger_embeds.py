"""A Blogger Takeout backup shaped like real ones, with an embed of every provider, an unknown
embed and Blogger's styled image markup; shared by the import test and the browser test."""

from __future__ import annotations

from xml.sax.saxutils import escape

YT = "dQw4w9WgXcQ"
SPOTIFY = "4uLU6hMCjMI75M1A2tKUQC"
MAPS_PB = "!1m18!1m12!1m3!1d2624.99!2d2.29!3d48.85!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1"
BLOGGER_TOKEN = "AD6v5dz_Qk-abc123XYZ"

# Each provider as Blogger's editor or the provider's Share > Embed button wrote it.
EMBEDS = {
    "youtube": (
        f'<iframe width="560" height="315" src="https://www.youtube.com/embed/{YT}?si=abc" '
        'title="YouTube video player" frameborder="0" allow="accelerometer; autoplay" '
        'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>'
    ),
    "youtube-flash": (
        f'<object width="425" height="344"><param name="movie" value="http://www.youtube.com/v/{YT}'
        '&amp;hl=en&amp;fs=1"></param><embed src="http://www.youtube.com/v/'
        f'{YT}&amp;hl=en&amp;fs=1" type="application/x-shockwave-flash" width="425" '
        'height="344"></embed></object>'
    ),
    "vimeo": (
        '<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640" '
        'height="360" frameborder="0" allow="autoplay; fullscreen" allowfullscreen></iframe>'
    ),
    "dailymotion": (
        '<iframe frameborder="0" width="480" height="270" '
        'src="https://www.dailymotion.com/embed/video/x8abcd1" allowfullscreen></iframe>'
    ),
    "blogger": (
        '<iframe allowfullscreen="allowfullscreen" class="b-hbp-video b-uploaded" '
        'frameborder="0" height="266" id="BLOGGER-video-4b0e2c9f" src="https://www.blogger.com/'
        f'video.g?token={BLOGGER_TOKEN}" width="320"></iframe>'
    ),
    "maps": (
        f'<iframe src="https://www.google.com/maps/embed?pb={MAPS_PB}" width="600" height="450" '
        'style="border:0;" allowfullscreen="" loading="lazy"></iframe>'
    ),
    "soundcloud": (
        '<iframe width="100%" height="166" scrolling="no" frameborder="no" allow="autoplay" '
        'src="https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293'
        '&amp;color=%23ff5500&amp;auto_play=false"></iframe>'
    ),
    "spotify": (
        f'<iframe src="https://open.spotify.com/embed/track/{SPOTIFY}?utm_source=generator" '
        'width="100%" height="152" frameborder="0" allow="encrypted-media" loading="lazy">'
        "</iframe>"
    ),
}
UNKNOWN = '<iframe src="https://widgets.example.com/poll/7" width="300" height="200"></iframe>'
STYLED_IMAGE = (
    '<div class="separator" style="clear: both; text-align: center;"><a href="https://'
    'blogger.googleusercontent.com/img/b/R29v/s1600/cat.jpg" imageanchor="1" style="'
    'margin-left: 1em; margin-right: 1em;"><img border="0" height="320" width="240" '
    'src="https://blogger.googleusercontent.com/img/b/R29v/s320/cat.jpg" /></a></div>'
    '<p style="text-align: justify;">Our cat, centred as she deserves.</p>'
    '<a href="https://example.org/big.jpg" style="float: left; margin-right: 1em;">'
    '<img src="https://example.org/small.jpg" width="200" height="150" /></a>'
)


def _entry(number: int, title: str, body: str) -> str:
    return f"""
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-{number}</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Ann</name><uri></uri><blogger:type>BLOGGER</blogger:type></author>
    <title>{escape(title)}</title>
    <content type='html'>{escape(body)}</content>
    <blogger:created>2023-05-01T08:00:00.000Z</blogger:created>
    <published>2023-05-0{1 + number % 8}T10:00:00.000+02:00</published>
    <updated>2023-05-03T10:00:00.000+02:00</updated>
    <blogger:filename>/2023/05/{title.lower().replace(" ", "-")}.html</blogger:filename>
  </entry>"""


def backup() -> str:
    """The backup: one post per provider, one with an unknown embed, one with styled images,
    and one with a YouTube and a Vimeo embed together (the browser test's page)."""
    entries = [
        _entry(index, f"Embed {name}", f"<p>Before.</p>{markup}<p>After.</p>")
        for index, (name, markup) in enumerate(EMBEDS.items(), start=1)
    ]
    entries.append(_entry(20, "Unknown widget", f"<p>A poll:</p>{UNKNOWN}"))
    entries.append(_entry(21, "Styled images", STYLED_IMAGE))
    both = f"<p>Two films.</p>{EMBEDS['youtube']}<br />{EMBEDS['vimeo']}"
    entries.append(_entry(22, "Two films", both))
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:blogger='http://schemas.google.com/blogger/2018'>\n"
        "  <id>tag:blogger.com,1999:blog-42</id>\n  <title>Embeds Blog</title>"
        + "".join(entries)
        + "\n</feed>\n"
    )
