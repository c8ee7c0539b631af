"""Where benchmarks write their figures: a marked block of a Markdown page, with when and where
they were measured (the tables in docs/ are written by the benchmarks, never pasted)."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path


def write_block(path: Path, marker: str, lines: list[str]) -> None:
    """Replace the text between ``<!-- bench:<marker>:start/end -->`` of ``path`` by ``lines``
    (appended at the end when the markers are not there yet)."""
    start, end = f"<!-- bench:{marker}:start -->", f"<!-- bench:{marker}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    body = "\n".join(lines).strip("\n")
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def machine() -> str:
    """When and where the figures were measured: the date and the processor."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    return f"measured {dt.date.today().isoformat()} on {cpu}, one core"
