import pytest

from civicnet.tags.names import split_tag_list, tag_slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Data Protection", "data-protection"),
        ("data-protection", "data-protection"),
        ("  DATA   protection!! ", "data-protection"),
        ("data_protection", "data-protection"),
        ("Café Society", "cafe-society"),
        ("AI/ML ethics", "ai-ml-ethics"),
        ("!!!", ""),
    ],
)
def test_tag_names_fold_to_one_slug(name, slug):
    assert tag_slug(name) == slug


def test_tag_lists_split_on_commas_and_keep_the_first_spelling_of_each_tag():
    assert split_tag_list("Data Protection, data-protection,  AI ethics ,, ; Open   data") == [
        "Data Protection",
        "AI ethics",
        "Open data",
    ]
