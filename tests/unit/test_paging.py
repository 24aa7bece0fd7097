"""Which page of a list is shown, whatever page number the address carries."""

from tas.core.paging import window


def test_a_page_within_the_list_is_shown_as_asked():
    shown = window(2, total=45, size=20)
    assert (shown.number, shown.pages, shown.start) == (2, 3, 20)


def test_a_page_number_below_one_shows_the_first_page():
    assert window(0, total=45, size=20).number == 1
    assert window(-3, total=45, size=20).start == 0


def test_a_page_past_the_end_shows_the_last_page():
    """For example a link kept from before the list shrank."""
    shown = window(9, total=41, size=20)
    assert (shown.number, shown.start) == (3, 40)


def test_an_empty_list_has_one_page():
    shown = window(4, total=0, size=20)
    assert (shown.number, shown.pages, shown.start) == (1, 1, 0)


def test_a_list_exactly_filling_its_pages_has_no_empty_page_after():
    assert window(3, total=40, size=20).pages == 2


def test_cut_gives_the_items_of_the_page():
    items = list(range(45))
    assert window(3, total=45, size=20).cut(items) == [40, 41, 42, 43, 44]
    assert window(1, total=45, size=20).cut(items) == list(range(20))
