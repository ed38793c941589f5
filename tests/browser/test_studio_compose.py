"""Compose, the editor's visual mode, in Chromium: a post written in it keeps every word and
image through HTML mode and back and reaches readers; Word's paste comes out clean; every
field of the form survives in the autosave; axe finds nothing serious with Compose on."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from broadsheet.posts.models import Autosave, Post
from tests.studio.browser_steps import sign_in, with_password
from tests.studio.images import png
from tests.tools.axe import format_violations, run_axe, serious

VIDEO = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
# What Word puts on the clipboard, trimmed: classes, mso- styles, <o:p>, spans, an empty
# paragraph and a list written as paragraphs with typed-out bullets.
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<style>p.MsoNormal {mso-style-parent:""; margin:0cm;}</style></head><body lang=EN-GB>
<p class=MsoNormal><b><span style='font-size:14.0pt;mso-bidi-font-size:11.0pt'>Compost<o:p></o:p></span></b></p>
<p class=MsoNormal><span style='mso-fareast-language:EN-GB'>Keep it <i>damp</i>, not wet.<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]>Greens<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span>&nbsp;</span></span></span><![endif]>Browns<o:p></o:p></p>
</body></html>"""


def open_compose(page: Page, base: str) -> tuple[Locator, Locator]:
    """A new post in Compose: its text box and its toolbar."""
    sign_in(page, base, "ada")
    page.goto(base + "/studio/notes/posts/new/")
    page.get_by_label("Title").fill("Compost notes")
    page.get_by_label("Compose (visual)").check()
    text = page.get_by_role("textbox", name="Body")
    expect(text).to_be_visible()
    return text, page.get_by_role("toolbar", name="Formatting")


def test_a_post_composed_survives_html_and_back_and_reaches_readers(
    transactional_db: Any, live_server: Any, page: Page, author: Any
) -> None:
    with_password(author)
    base = live_server.url
    text, toolbar = open_compose(page, base)
    heading = toolbar.get_by_role("button", name="Heading", exact=True)
    text.click()
    heading.click()
    expect(text).to_be_focused()  # the button hands focus back to the text
    page.keyboard.type("Layers")
    expect(heading).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Bulleted list").click()
    expect(text).to_be_focused()
    for line in ("Greens", "Browns"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("Turn it weekly.")

    # An image: picked, then described and placed before it is uploaded.
    with page.expect_file_chooser() as chooser:
        toolbar.get_by_role("button", name="Image").click()
    chooser.value.set_files(
        files=[{"name": "heap.png", "mimeType": "image/png", "buffer": png(640, 480)}]
    )
    dialog = page.get_by_role("dialog", name="Insert heap.png")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Describe the image")  # alt is asked for
    dialog.get_by_label("Description (alternative text)").fill("A steaming heap")
    dialog.get_by_label("Caption (optional)").fill("In March")
    dialog.get_by_label("Right").check()
    dialog.get_by_label("Medium").check()
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(page.locator(".compose-status")).to_have_text("Image inserted.")

    toolbar.get_by_role("button", name="Video").click()
    page.get_by_role("dialog", name="Add a video").get_by_label("Video address").fill(VIDEO)
    page.get_by_role("button", name="Add video").click()

    source = page.locator("#id_source")
    expect(source).to_have_value(re.compile(re.escape(f"<p>{VIDEO}</p>")))
    html = source.input_value()
    for part in (
        "<h2>Layers</h2>",
        "<li><p>Greens</p></li>",
        "<p>Turn it weekly.</p>",
        'class="image image-right image-medium"',
        'alt="A steaming heap"',
        "<figcaption>In March</figcaption>",
    ):
        assert part in html

    # HTML mode shows exactly that; back in Compose, nothing is lost or rewritten.
    page.get_by_label("HTML", exact=True).check()
    expect(source).to_be_visible()
    expect(source).to_have_value(html)
    page.get_by_label("Compose (visual)").check()
    expect(text.get_by_role("heading", name="Layers")).to_be_visible()
    expect(text.get_by_role("listitem")).to_have_count(2)
    expect(text.get_by_role("img", name="A steaming heap")).to_be_visible()
    assert source.input_value() == html

    # Markdown would read the HTML differently: it asks, and No keeps Compose.
    page.once("dialog", lambda prompt: prompt.dismiss())
    page.get_by_label("Markdown").click()
    expect(page.get_by_label("Compose (visual)")).to_be_checked()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").first).to_contain_text("Published.")
    post = Post.objects.get()
    # A form sends a textarea's line breaks as CRLF.
    assert (post.source_format, post.source.replace("\r\n", "\n")) == ("html", html)

    page.goto(base + post.permalink)
    expect(page.get_by_role("heading", level=2, name="Layers")).to_be_visible()
    expect(page.locator(".post-body li")).to_have_text(["Greens", "Browns"])
    expect(page.get_by_role("img", name="A steaming heap")).to_be_visible()
    expect(page.locator("figure.image-right figcaption")).to_have_text("In March")


def test_word_paste_comes_out_clean(
    transactional_db: Any, live_server: Any, page: Page, author: Any
) -> None:
    with_password(author)
    text, _ = open_compose(page, live_server.url)
    text.click()
    text.evaluate(
        """(target, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Compost");
            target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        WORD_HTML,
    )
    source = page.locator("#id_source")
    expect(source).to_have_value(re.compile("Browns"))
    assert source.input_value() == (
        "<p><strong>Compost</strong></p>\n<p>Keep it <em>damp</em>, not wet.</p>\n"
        "<ul><li><p>Greens</p></li><li><p>Browns</p></li></ul>"
    )
    # Let the autosave the paste set off land before the test's database goes.
    expect(page.locator("#autosave-status")).to_contain_text("Autosaved at")


def test_autosave_keeps_every_field(
    transactional_db: Any, live_server: Any, page: Page, new_page: Any, author: Any
) -> None:
    with_password(author)
    base = live_server.url
    text, _ = open_compose(page, base)
    text.click()
    page.keyboard.type("Half a thought")
    page.get_by_label("Search description").fill("Where the heat comes from.")
    page.get_by_label("Custom permalink").fill("hot-heaps")
    page.get_by_label("Don't allow, hide existing").check()
    expect(page.locator("#autosave-status")).to_contain_text("Autosaved at")
    assert Autosave.objects.get().fields["search_description"] == "Where the heat comes from."

    # This browser's copy (the reload) and the server's (another browser) bring back all.
    page.reload()
    expect(page.get_by_role("textbox", name="Body")).to_have_text("Half a thought")
    other = new_page()
    sign_in(other, base, "ada")
    for tab in (page, other):
        tab.goto(base + "/studio/notes/posts/new/")
        expect(tab.get_by_label("Title")).to_have_value("Compost notes")
        expect(tab.get_by_label("Search description")).to_have_value("Where the heat comes from.")
        expect(tab.get_by_label("Custom permalink")).to_have_value("hot-heaps")
        expect(tab.get_by_label("Don't allow, hide existing")).to_be_checked()
    expect(other.locator("#id_source")).to_have_value("<p>Half a thought</p>")


def test_compose_passes_axe(
    transactional_db: Any, live_server: Any, axe_page: Page, author: Any
) -> None:
    with_password(author)
    text, toolbar = open_compose(axe_page, live_server.url)
    text.click()
    axe_page.keyboard.type("A line to check.")
    axe_page.keyboard.press("Alt+F10")
    expect(toolbar.get_by_role("button", name="Heading", exact=True)).to_be_focused()
    found = serious(run_axe(axe_page))
    assert not found, format_violations(found)
    expect(axe_page.locator("#autosave-status")).to_contain_text("Autosaved at")
