"""Which product a file goes to, and where in its gallery (mapping §6)."""

from khaos_sync.mappers.images import (
    KHAOS_NAME,
    NUMBERED_CODE,
    STOCK_CODE,
    ImageIndex,
    ImageTarget,
    file_key,
    gallery_order,
)

BOOT = ImageTarget(
    1, "BOOT-01", ("P:\\Images\\Hiking\\Boot 1.jpg", "P:\\Images\\Hiking\\boot 2.JPG")
)
JACKET = ImageTarget(2, "JKT_2", ())
JKT = ImageTarget(3, "JKT", ())
RED_A = ImageTarget(4, "TEE-A-RED", ("P:\\Images\\Brand A\\red 1.jpg",))
RED_B = ImageTarget(5, "TEE-B-RED", ("P:\\Images\\Brand B\\red 1.jpg",))


def where(index: ImageIndex, name: str) -> list[tuple[str, int, str]]:
    return [(p.stock_code, p.position, p.rule) for p in index.placements(name)]


def test_khaos_file_name_matches_on_the_last_path_component_in_any_case():
    index = ImageIndex([BOOT])

    assert where(index, "BOOT 2.jpg") == [("BOOT-01", 1, KHAOS_NAME)]
    assert where(index, "photos/boot 1.JPG") == [("BOOT-01", 0, KHAOS_NAME)]


def test_stock_code_names_the_main_image_and_a_number_its_place():
    index = ImageIndex([BOOT, JKT])

    assert where(index, "boot-01.png") == [("BOOT-01", 0, STOCK_CODE)]
    assert where(index, "BOOT-01_3.webp") == [("BOOT-01", 3, NUMBERED_CODE)]
    assert where(index, "jkt_1.jpeg") == [("JKT", 1, NUMBERED_CODE)]


def test_a_whole_stock_code_wins_over_reading_its_end_as_a_number():
    index = ImageIndex([JACKET, JKT])

    assert where(index, "JKT_2.jpg") == [("JKT_2", 0, STOCK_CODE)]


def test_a_file_khaos_names_is_never_matched_by_the_convention():
    named = ImageTarget(7, "LAMP", ("P:\\Images\\Home\\JKT.jpg",))
    index = ImageIndex([named, JKT])

    assert where(index, "jkt.jpg") == [("LAMP", 0, KHAOS_NAME)]


def test_a_shared_name_goes_to_every_item_unless_folders_tell_them_apart():
    index = ImageIndex([RED_A, RED_B])

    assert sorted(where(index, "red 1.jpg")) == [
        ("TEE-A-RED", 0, KHAOS_NAME),
        ("TEE-B-RED", 0, KHAOS_NAME),
    ]
    assert where(index, "Images/brand b/Red 1.jpg") == [("TEE-B-RED", 0, KHAOS_NAME)]
    assert len(where(index, "other folder/red 1.jpg")) == 2


def test_a_file_nothing_names_matches_nothing():
    index = ImageIndex([BOOT, JKT])

    assert where(index, "lifestyle-banner.jpg") == []
    assert where(index, "JKT_x.jpg") == []


def test_an_item_listing_a_file_twice_shows_it_once_at_its_first_place():
    twice = ImageTarget(8, "MUG", ("C:\\img\\mug.jpg", "C:\\img\\side.jpg", "C:\\img\\MUG.jpg"))

    assert where(ImageIndex([twice]), "mug.jpg") == [("MUG", 0, KHAOS_NAME)]


def test_file_key_reads_windows_and_posix_paths():
    assert file_key("P:\\Images\\Brand\\ABC 1.JPG") == "abc 1.jpg"
    assert file_key("a/b/C.png") == "c.png"
    assert file_key("D:abc.jpg") == "d:abc.jpg"
    assert file_key("") == ""


def test_gallery_order_follows_position_then_name():
    assert gallery_order([(2, "c.jpg"), (0, "b.jpg"), (1, "a.jpg"), (0, "a.jpg")]) == [
        "a.jpg",
        "b.jpg",
        "a.jpg",
        "c.jpg",
    ]
