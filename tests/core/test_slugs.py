from __future__ import annotations

import pytest

from broadsheet.core.slugs import blogger_slug, dedupe, permalink_slug


def test_title_becomes_lower_case_words_joined_by_hyphens() -> None:
    assert blogger_slug("Leave Comments Here") == "leave-comments-here"


def test_title_with_apostrophe_drops_it() -> None:
    assert blogger_slug("Putin's Press Conference") == "putins-press-conference"


def test_dot_inside_a_name_joins_the_parts() -> None:
    assert blogger_slug("O.Henry stories") == "ohenry-stories"


def test_punctuation_is_dropped() -> None:
    assert (
        blogger_slug('Google Images\' New "Standard" Layout!')
        == "google-images-new-standard-layout"
    )


def test_dash_between_words_is_just_a_separator() -> None:
    assert blogger_slug("Blogging - The Directory and URL Structure") == (
        "blogging-directory-and-url-structure"
    )


def test_interior_articles_are_dropped() -> None:
    assert blogger_slug("Here Come The Birds") == "here-come-birds"
    assert blogger_slug("Windows 8: A Closer Look at Metro") == "windows-8-closer-look-at-metro"
    assert blogger_slug("An Apple an Orange") == "an-apple-orange"


def test_leading_article_is_kept() -> None:
    assert blogger_slug("The Test of a Test") == "the-test-of-test"


def test_long_title_is_cut_at_a_word_boundary_within_39_characters() -> None:
    slug = blogger_slug("Top 10 Surprising Effects of Global Warming")
    assert slug == "top-10-surprising-effects-of-global"


def test_word_ending_exactly_at_39_characters_is_kept() -> None:
    assert blogger_slug("abcdefghij abcdefghij abcdefghij abcdef x") == (
        "abcdefghij-abcdefghij-abcdefghij-abcdef"
    )


def test_first_word_longer_than_the_limit_is_truncated() -> None:
    assert blogger_slug("Supercalifragilisticexpialidocious" * 2) == (
        "supercalifragilisticexpialidocioussuper"
    )


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Ünïcödé Tïtle", "unicode-title"),
        ("Café au lait à Paris", "cafe-au-lait-a-paris"),
        ("Straße und Ærø", "strasse-und-aero"),
    ],
)
def test_accented_letters_fold_to_ascii(title: str, slug: str) -> None:
    assert blogger_slug(title) == slug


@pytest.mark.parametrize("title", ["你好世界", "Привет", "", "   ", "!!! ???"])
def test_title_without_ascii_letters_or_digits_is_blog_post(title: str) -> None:
    assert blogger_slug(title) == "blog-post"


def test_mixed_script_title_keeps_the_latin_words() -> None:
    assert blogger_slug("東京 Trip 2024") == "trip-2024"


@pytest.mark.parametrize(
    ("custom", "expected"),
    [
        ("my-post", "my-post"),
        ("My_Post.v2", "My_Post.v2"),
        ("my-post.html", "my-post"),
        ("  spaced-out.HTML ", "spaced-out"),
        ("", None),
        (".html", None),
        ("has space", None),
        ("slash/inside", None),
        ("ünïcode", None),
        ("...", None),
        ("x" * 201, None),
    ],
)
def test_custom_permalink_validation(custom: str, expected: str | None) -> None:
    assert permalink_slug(custom) == expected


def test_dedupe_keeps_a_free_slug() -> None:
    assert dedupe("hello-world", {"other"}) == "hello-world"


def test_first_collision_in_the_month_gets_underscore_one() -> None:
    assert dedupe("hello-world", {"hello-world"}) == "hello-world_1"


def test_further_collisions_count_up() -> None:
    taken = {"hello-world", "hello-world_1", "hello-world_2"}
    assert dedupe("hello-world", taken) == "hello-world_3"


def test_dedupe_stays_within_39_characters_cutting_at_a_word() -> None:
    short = "top-10-surprising-effects-of-global"
    assert dedupe(short, {short}) == "top-10-surprising-effects-of-global_1"
    full = "abcdefghij-abcdefghij-abcdefghij-abcdef"
    deduped = dedupe(full, {full})
    assert deduped == "abcdefghij-abcdefghij-abcdefghij_1"
    assert len(deduped) <= 39


def test_dedupe_of_a_long_custom_permalink_keeps_its_length() -> None:
    custom = "a-very-long-custom-permalink-that-the-author-typed-in-full"
    deduped = dedupe(custom, {custom})
    assert deduped.endswith("_1")
    assert len(deduped) <= len(custom)
