"""How far long work has got: `progress(done, total)` callables, and the command line's bar.

The plain functions behind the long commands and tasks (importing, verifying, exporting, sending
a round, taking in replies) accept an optional `progress` callable and call it now and then
(per batch, or per message where each one is slow) with how many of how many items are done,
ending with done == total. The commands draw it as a bar on a terminal; a Celery task may store
it for a progress page.

The bar goes to standard error, and only when that is a terminal: piped or redirected, nothing
extra is written anywhere, and standard output (the `--json` outputs) is never touched.
"""

from collections.abc import Callable, Iterable, Iterator

from tqdm import tqdm

Progress = Callable[[int, int], None]


def counted(items: Iterable, total: int, progress: Progress | None, every: int) -> Iterator:
    """`items` as they come, calling `progress(done, total)` after every `every` of them and
    once at the end."""
    if progress is None:
        yield from items
        return
    done = 0
    for done, item in enumerate(items, 1):
        yield item
        if done % every == 0:
            progress(done, total)
    progress(done, total)


class TerminalBar:
    """A `progress(done, total)` that draws a bar on `stream` when it is a terminal, and does
    nothing otherwise. A context manager: the bar is cleared when the work ends."""

    def __init__(self, stream, description: str, unit: str = "row"):
        self.stream = stream
        self.description = description
        self.unit = unit
        self.enabled = is_terminal(stream)
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(
                total=total,
                desc=self.description,
                unit=self.unit,
                file=self.stream,
                leave=False,  # the command's own summary follows; the bar was for the wait
                dynamic_ncols=True,
            )
        if total != self.bar.total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def command_bar(command, description: str, unit: str = "row") -> TerminalBar:
    """The bar for a management command, on its standard error (`call_command(stderr=...)` or
    the process's). Django wraps that stream in an OutputWrapper, whose write() adds a line
    ending to every piece: the bar writes to the stream underneath."""
    stream = getattr(command.stderr, "_out", command.stderr)
    return TerminalBar(stream, description, unit)
