import io

from django.core.management.base import OutputWrapper

from ecf.management.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_on_a_terminal():
    out = io.StringIO()
    progress = Progress(OutputWrapper(out), total=4)
    progress.update(2, "checked")
    progress.finish()

    assert out.getvalue() == "2 of 4 rows checked\n"


def test_a_bar_redrawn_in_place_on_a_terminal():
    out = Terminal()
    progress = Progress(OutputWrapper(out), total=4)
    progress.update(1, "checked")
    progress.update(4, "checked")
    progress.finish()

    assert out.getvalue() == (
        "\r[#######.......................] 1 of 4 rows checked\r[##############################] 4 of 4 rows checked\n"
    )
