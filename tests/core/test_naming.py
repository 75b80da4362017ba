"""Names the hub gives uploaded files, and the names it shows for them."""

import re

from hypothesis import given
from hypothesis import strategies as st

from forest_chat.core.naming import display_name, is_upload_name, upload_name

from ..strategies import original_names, upload_tokens


class TestUploadName:
    @given(original_names(), upload_tokens())
    def test_result_is_an_upload_name(self, original, token):
        """Whatever the user's file was called, the stored name has the safe shape."""
        assert is_upload_name(upload_name(original, token))

    @given(original_names(), upload_tokens())
    def test_result_is_plain_ascii(self, original, token):
        """A stored name holds only letters, digits, '_', '-' and one dot."""
        name = upload_name(original, token)

        assert re.fullmatch(r"[A-Za-z0-9_-]+(\.[a-z0-9]+)?", name)

    @given(original_names(), upload_tokens())
    def test_token_keeps_names_apart(self, original, token):
        """The token is in the name, so different tokens give different names."""
        assert f"_{token}" in upload_name(original, token)

    def test_keeps_a_lowercased_extension(self):
        """A short extension survives, in lower case."""
        assert (
            upload_name("Report FINAL.PDF", "0badcafe") == "Report_FINAL_0badcafe.pdf"
        )

    def test_drops_the_folders(self):
        """Only the last part of a path names the file."""
        assert upload_name("../../etc/passwd", "0badcafe") == "passwd_0badcafe"

    def test_windows_path(self):
        """Backslashes separate folders too."""
        assert upload_name("C:\\Users\\me\\notes.txt", "0badcafe") == (
            "notes_0badcafe.txt"
        )

    def test_accents_become_ascii(self):
        """Accented letters keep their base letter."""
        assert upload_name("été.jpg", "0badcafe") == "ete_0badcafe.jpg"

    def test_nothing_usable_becomes_file(self):
        """A name with no safe character is called 'file'."""
        assert upload_name("名前.png", "0badcafe") == "file_0badcafe.png"

    def test_dot_file_has_no_extension(self):
        """A name that is only a dot and a word keeps the word as its stem."""
        assert upload_name(".bashrc", "0badcafe") == "bashrc_0badcafe"


class TestIsUploadName:
    def test_accepts_what_upload_name_gives(self):
        """A name in the stored shape is accepted."""
        assert is_upload_name("report_0badcafe.pdf")

    def test_refuses_a_trailing_newline(self):
        """A stored name followed by a newline is not a stored name."""
        assert not is_upload_name("report_0badcafe.pdf\n")

    def test_refuses_a_path(self):
        """A name that climbs out of the uploads folder is refused."""
        assert not is_upload_name("../report_0badcafe.pdf")

    def test_refuses_a_name_without_a_token(self):
        """A name the hub did not make is refused."""
        assert not is_upload_name("report.pdf")

    def test_refuses_what_is_not_a_string(self):
        """Only strings can be stored names."""
        assert not is_upload_name(None)


class TestDisplayName:
    @given(original_names(), st.integers(min_value=1, max_value=300))
    def test_is_a_visible_name_within_the_limit(self, original, limit):
        """The shown name is never empty, never a path, never holds NUL."""
        name = display_name(original, limit)

        assert 0 < len(name) <= limit
        assert not {"/", "\\", "\x00"} & set(name)

    def test_keeps_the_name_as_typed(self):
        """Spaces, case and unicode in the file's own name are kept."""
        assert display_name("Folder/Été Report.PDF") == "Été Report.PDF"

    def test_empty_becomes_file(self):
        """A name that is empty after its folders is shown as 'file'."""
        assert display_name("folder/") == "file"

    def test_only_nul_becomes_file(self):
        """A name made only of NUL characters is shown as 'file'."""
        assert display_name("\x00") == "file"
