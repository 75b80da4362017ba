"""Attachments: by button, by paste, by drag and drop; previews and file chips."""

import base64
import re

from .helpers import expect, leaf_green, png

LEAF = png(48, 32, leaf_green)
ATTACHED_IMAGE = """async (data) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "image.png", { type: "image/png" }));
  return transfer;
}"""


def choose_files(page, files):
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach", exact=True).click()
    chooser.value.set_files(files)


def pending(page):
    return page.locator("#pending .pending-file")


def send(page, text):
    page.get_by_label("Message", exact=True).fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    return page.locator(".msg", has_text=text)


def test_attached_image_uploads_and_previews_inline(api, open_page):
    """An image chosen with Attach is uploaded, sent with the message and shown."""
    page = open_page()

    choose_files(page, [{"name": "leaf.png", "mimeType": "image/png", "buffer": LEAF}])
    expect(pending(page)).to_have_count(1)
    expect(pending(page)).not_to_have_class(re.compile("uploading"))
    bubble = send(page, "with a picture")

    image = bubble.get_by_role("img", name="leaf.png")
    stored_name = re.compile(r"^/api/files/leaf_[0-9a-f]{8}\.png$")
    expect(image).to_have_attribute("src", stored_name)
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 48
    [attachment] = api.last_message()["attachments"]
    assert attachment["original_name"] == "leaf.png"
    assert attachment["size"] == len(LEAF)
    assert pending(page).count() == 0


def test_pending_image_shows_a_thumbnail_name_and_size(open_page):
    """An image waiting to be sent shows a small preview, its name and its size."""
    page = open_page()

    choose_files(page, [{"name": "leaf.png", "mimeType": "image/png", "buffer": LEAF}])

    chip = pending(page)
    thumb = chip.locator("img.thumb")
    expect(thumb).to_have_attribute("src", re.compile(r"^blob:"))
    assert thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") == 48
    expect(chip.locator(".file-name")).to_have_text("leaf.png")
    expect(chip.locator(".file-size")).to_have_text(f"{len(LEAF) / 1024:.1f} KB")


def test_other_files_show_as_chips_with_name_and_size(api, open_page):
    """A file that is not an image shows as a chip with its name and size."""
    report = api.upload("report.pdf", b"%PDF-1.4 " + b"0" * 2039)
    api.send("cypress", "all", "the report", [report])

    page = open_page()

    chip = page.locator(".msg", has_text="the report").locator(".file-chip")
    expect(chip.locator(".file-name")).to_have_text("report.pdf")
    expect(chip.locator(".file-size")).to_have_text("2.0 KB")
    assert chip.get_attribute("href") == report["url"]
    assert chip.get_attribute("download") == "report.pdf"


def test_removed_pending_file_is_not_sent(api, open_page):
    """A file taken off the pending list before sending is not attached."""
    page = open_page()
    choose_files(
        page,
        [
            {"name": "keep.txt", "mimeType": "text/plain", "buffer": b"keep me"},
            {"name": "drop.txt", "mimeType": "text/plain", "buffer": b"not me"},
        ],
    )
    expect(pending(page)).to_have_count(2)

    page.get_by_role("button", name="Remove drop.txt").click()

    expect(pending(page)).to_have_text([re.compile("keep.txt")])
    send(page, "only one file").locator(".file-chip").wait_for()
    names = [a["original_name"] for a in api.last_message()["attachments"]]
    assert names == ["keep.txt"]


def test_pasted_image_is_attached(api, open_page):
    """Pasting an image into the message box attaches it under a dated name."""
    page = open_page()
    transfer = page.evaluate_handle(ATTACHED_IMAGE, base64.b64encode(LEAF).decode())

    page.get_by_label("Message", exact=True).evaluate(
        """(box, transfer) => box.dispatchEvent(new ClipboardEvent("paste", {
          clipboardData: transfer, bubbles: true, cancelable: true,
        }))""",
        transfer,
    )

    expect(pending(page)).to_have_count(1)
    expect(pending(page).locator(".file-name")).to_have_text(
        re.compile(r"^pasted-\d{8}-\d{6}\.png$")
    )
    send(page, "pasted picture").get_by_role("img").wait_for()
    [attachment] = api.last_message()["attachments"]
    assert attachment["original_name"].startswith("pasted-")


def test_dropped_file_is_attached(api, open_page):
    """Dropping a file on the page shows the drop zone, then attaches the file."""
    page = open_page()
    transfer = page.evaluate_handle(ATTACHED_IMAGE, base64.b64encode(LEAF).decode())

    page.dispatch_event("#log", "dragenter", {"dataTransfer": transfer})
    expect(page.locator("#drop-overlay")).to_be_visible()
    page.dispatch_event("#log", "drop", {"dataTransfer": transfer})

    expect(page.locator("#drop-overlay")).to_be_hidden()
    expect(pending(page)).to_have_count(1)
    send(page, "dropped picture").get_by_role("img").wait_for()
    assert len(api.last_message()["attachments"]) == 1
