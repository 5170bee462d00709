"""The monthly US–China goods trade file (``seeds/us_china_goods_trade_monthly.csv``): read, check, merge, write.

One row a month: imports from and exports to China and the balance [USD m/month, not seasonally
adjusted, one decimal], the Census release the values come from (``vintage``) and the day they were
fetched (``retrieved``). :func:`update` brings the file up to date from the Census API
(:mod:`simulator.inputs.census_api`): it checks everything that comes back before it writes, appends
new months, lists revisions of held months and applies them only when asked, and replaces the file
in one step, so a failure leaves it as it was.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import math
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from simulator.inputs import census_api
from simulator.inputs.locations import seeds_dir
from simulator.inputs.problems import did_you_mean, expected_one_of, printable

MONTHLY_FILE = "us_china_goods_trade_monthly.csv"
COLUMNS = (
    "month",
    "us_imports_from_china_musd",
    "us_exports_to_china_musd",
    "us_balance_with_china_musd",
    "vintage",
    "retrieved",
)
FIRST_MONTH = "2024-01"
"""No month before this one belongs in the file: 2024 is the calibration year."""
DEFAULT_TOLERANCE = 0.5
"""A held month that comes back differing by more than this share of its held value is a revision [%]."""
BALANCE_TOLERANCE = 0.2
"""How far a balance may be from exports minus imports (Census rounds each series on its own) [USD m/month]."""
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class MonthRow:
    """One month of US goods trade with China, as the file holds it."""

    month: str
    """``YYYY-MM``."""
    imports: float
    """US general imports from China [USD m/month]."""
    exports: float
    """US total exports to China [USD m/month]."""
    balance: float
    """Exports minus imports [USD m/month]; negative is a deficit."""
    vintage: str
    """Which release the values come from, e.g. ``Census API, retrieved 2026-04-02``."""
    retrieved: str
    """The day the values were fetched, ``YYYY-MM-DD``."""


class TradeDataError(Exception):
    """The file, or what the API sent, is not fit to use; ``problems`` says everything that is wrong."""

    def __init__(self, where: str, problems: Sequence[str]):
        self.where = where
        self.problems = list(problems)
        # a problem located in the file (``line:column: ...``) reads as ``file:line:column: ...``, as an editor takes it
        super().__init__(
            "\n".join(f"{where}{':' if _LOCATED.match(problem) else ': '}{problem}" for problem in self.problems)
        )


_LOCATED = re.compile(r"\d+:\d+: ")


def default_path() -> Path:
    """The monthly file shipped in ``seeds/``."""
    return seeds_dir() / MONTHLY_FILE


def today() -> dt.date:
    """The retrieval date written into fetched rows (tests replace it)."""
    return dt.date.today()


def vintage_of(retrieved: dt.date) -> str:
    """The ``vintage`` of rows fetched from the API on a day."""
    return f"Census API, retrieved {retrieved.isoformat()}"


# ---------------------------------------------------------------------------------------------------------- months


def is_month(text: str) -> bool:
    """Whether ``text`` is a month written ``YYYY-MM``."""
    return bool(_MONTH.fullmatch(text))


def next_month(month: str) -> str:
    """The month after ``month`` (``YYYY-MM``)."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


RELEASE_DAYS = 35
"""Census publishes a month's trade about five weeks after the month ends (the reference record, section D)."""


def likely_published(on: dt.date) -> str:
    """The last month (``YYYY-MM``) whose trade Census has likely published by ``on``, at :data:`RELEASE_DAYS`."""
    released = on - dt.timedelta(days=RELEASE_DAYS)
    # the month that ended on or before that day: the one before ``released``'s, unless it is its last day
    last = released.replace(day=1) - dt.timedelta(days=1)
    if (released + dt.timedelta(days=1)).day == 1:
        last = released
    return f"{last.year:04d}-{last.month:02d}"


def months_between(first: str, last: str) -> int:
    """Months from ``first`` to ``last`` (``YYYY-MM``), 0 when ``last`` is not later."""
    return max(0, (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]))


def behind_note(held: Sequence[str], on: dt.date) -> str:
    """A line saying how many months Census has likely published since the last one ``held`` (by ``on``), naming
    the command that fetches them; '' when none, or fewer than two (a month may be days from release)."""
    if not held:
        return ""
    last, out = max(held), likely_published(on)
    missing = months_between(last, out)
    if missing < 2:
        return ""
    return (
        f"the Census record ends with {last}; Census has likely published {missing} more months since (to {out}, "
        "about five weeks after each ends): simulate data update fetches them"
    )


def runs(months: Sequence[str]) -> list[tuple[str, str]]:
    """Sorted months grouped into runs of consecutive months: (first, last) of each."""
    found: list[tuple[str, str]] = []
    for month in sorted(months):
        if found and next_month(found[-1][1]) == month:
            found[-1] = (found[-1][0], month)
        else:
            found.append((month, month))
    return found


# ---------------------------------------------------------------------------------------------------- read, write


MAX_FILE_BYTES = 10_000_000
"""The largest monthly file read [bytes]: a century of months is 10 kB."""


def read(path: Path) -> list[MonthRow]:
    """The rows of a monthly file, in file order. Raises :class:`TradeDataError` for a missing column or a value
    that is not a number.
    """
    path = Path(path)
    try:
        status = path.stat()
    except OSError as error:
        raise TradeDataError(str(path), [f"cannot be read ({error.strerror or error})"]) from None
    if not stat.S_ISREG(status.st_mode):
        raise TradeDataError(str(path), ["is not a regular file (expected a CSV file)"])
    if status.st_size > MAX_FILE_BYTES:
        raise TradeDataError(str(path), [f"is {status.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} allowed"])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise TradeDataError(str(path), [f"{line}:1: not UTF-8 text (save the file as UTF-8)"]) from None
    lines = re.split(r"\r\n|\r|\n", text)
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if problems := _header_problems(header, lines[0]):
            raise TradeDataError(str(path), problems)
        rows, problems, first_line, left_out = [], [], {}, False
        numbers = ("us_imports_from_china_musd", "us_exports_to_china_musd", "us_balance_with_china_musd")
        for record in reader:
            line = reader.line_num
            starts = _column_starts(lines[line - 1] if line <= len(lines) else "")
            at = {name: f"{line}:{starts[min(index, len(starts) - 1)]}: {name}" for index, name in enumerate(header)}
            month, retrieved = str(record["month"]), record["retrieved"]
            if not is_month(month):
                problems.append(f"{at['month']}: {printable(month)!r} is not a month written YYYY-MM")
            elif month in first_line:
                problems.append(f"{at['month']}: {month} appears more than once (first on line {first_line[month]})")
            values = []
            for name in numbers:
                try:
                    values.append(float(record[name]))
                except (TypeError, ValueError):
                    if record[name] is not None:
                        problems.append(f"{at[name]}: {printable(record[name])!r} is not a number")
            if retrieved is not None and not (_DAY.fullmatch(retrieved) and _is_day(retrieved)):
                problems.append(f"{at['retrieved']}: {printable(retrieved)!r} is not a day written YYYY-MM-DD")
            if None in record:
                extra = len(record[None])
                problems.append(f"{line}:{starts[len(header)]}: {extra} value{'s' * (extra > 1)} past the last column")
            for name, value in record.items():
                if name is not None and value is None:
                    problems.append(f"{at[name]}: missing")
            if len(values) < len(numbers) or not is_month(month) or month in first_line:
                left_out = True
                continue
            first_line[month] = line
            rows.append(MonthRow(month, *values, str(record["vintage"]), str(retrieved)))
    # every reader sees the same checks: a month twice was summed into the year, a negative or infinite value shown;
    # a gap where a row was left out for its own problem is no news
    problems += [problem for problem in check(rows) if not (left_out and problem.startswith("gap:"))]
    if problems:
        raise TradeDataError(str(path), problems)
    return rows


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _is_day(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _column_starts(line: str) -> list[int]:
    """The 1-based column at which each value of a CSV line starts (a comma inside quotes separates none)."""
    starts, quoted = [1], False
    for index, letter in enumerate(line):
        if letter == '"':
            quoted = not quoted
        elif letter == "," and not quoted:
            starts.append(index + 2)
    return starts


def _header_problems(header: Sequence[str], line: str) -> list[str]:
    """Every column missing from the first line, or there that the file does not hold, located on that line."""
    starts = _column_starts(line)
    missing = [column for column in COLUMNS if column not in header]
    problems = [
        f"1:{starts[index] if index < len(starts) else 1}: {printable(name)}: not a column of this file"
        + (did_you_mean(name, missing) or f" ({expected_one_of(COLUMNS)})")
        for index, name in enumerate(header)
        if name not in COLUMNS
    ]
    problems += [
        f"1:{starts[index]}: {printable(name)}: given twice"
        for index, name in enumerate(header)
        if name in header[:index]
    ]
    problems += [
        f"1:1: {column}: missing from the first line (expected the columns {', '.join(COLUMNS)})" for column in missing
    ]
    return problems


def to_text(rows: Sequence[MonthRow]) -> str:
    """The file's text: a header and one line a row, values [USD m/month] with one decimal."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = (f"{value:.1f}" for value in (row.imports, row.exports, row.balance))
        writer.writerow((row.month, *values, row.vintage, row.retrieved))
    return buffer.getvalue()


def write(path: Path, rows: Sequence[MonthRow]) -> None:
    """Replace the file at ``path`` by ``rows`` in one step: a temporary file in the same folder, flushed and
    synced to disk, then renamed over it. On any failure the old file stays and the temporary file is removed.
    """
    path = Path(path)
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(to_text(rows))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):  # keep the file's permissions, not the temporary file's 0600
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the system allows it
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


# ----------------------------------------------------------------------------------------------------------- check


def from_dollars(
    imports: dict[str, str], exports: dict[str, str], retrieved: dt.date
) -> tuple[list[MonthRow], list[str]]:
    """Rows from the API's values by month [USD/month, as written], in USD m with one decimal and the balance
    computed as exports minus imports; and the problems: a month with one flow only, a value that is not a number.
    """
    rows, problems = [], []
    for month in sorted(set(imports) | set(exports)):
        values = {}
        for flow, answer in (("imports", imports), ("exports", exports)):
            if month not in answer:
                problems.append(f"{month}: {flow} missing (the API sent the other flow only)")
            elif (value := _millions(answer[month])) is None:
                problems.append(f"{month}: {flow} value {answer[month]!r} is not a number")
            elif abs(value) > MAX_MONTH_DOLLARS / 1_000_000:
                problems.append(f"{month}: {flow} value {answer[month]!r} is more than a month's trade can be")
            else:
                values[flow] = value
        if len(values) == 2:
            balance = values["exports"] - values["imports"]
            rows.append(
                MonthRow(
                    month,
                    float(values["imports"]),
                    float(values["exports"]),
                    float(balance),
                    vintage_of(retrieved),
                    retrieved.isoformat(),
                )
            )
    return rows, problems


MAX_MONTH_DOLLARS = Decimal("1e13")
"""More than a month of all US trade with the world many times over [USD]: a larger value is a broken answer (and
past about 1e28 it cannot even be rounded to the file's one decimal)."""


def _millions(dollars: str) -> Decimal | None:
    """Whole dollars as written [USD] in USD m with one decimal (unrounded past :data:`MAX_MONTH_DOLLARS`, which
    the caller refuses), or None when not a finite number."""
    try:
        value = Decimal(dollars.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    if abs(value) > MAX_MONTH_DOLLARS:
        return value / 1_000_000
    return (value / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def check(rows: Sequence[MonthRow], after: str | None = None) -> list[str]:
    """Everything wrong with a run of months: a month not written ``YYYY-MM``, before 2024-01 or twice, a gap, a
    negative value, a balance that is not exports minus imports. With ``after`` (the last month held), the run must
    also start no later than the month after it.
    """
    problems = []
    months = []
    for row in rows:
        if not is_month(row.month):
            problems.append(f"month {row.month!r} is not a month written YYYY-MM")
            continue
        if row.month < FIRST_MONTH:
            problems.append(f"{row.month}: before {FIRST_MONTH}, the first month the file covers")
        months.append(row.month)
        for flow, value in (("imports", row.imports), ("exports", row.exports)):
            if not (math.isfinite(value) and value >= 0):
                problems.append(f"{row.month}: {flow} {value} is negative or not a finite number")
        if not abs(row.balance - (row.exports - row.imports)) <= BALANCE_TOLERANCE + 1e-9:  # 1e-9: float noise
            problems.append(
                f"{row.month}: balance {row.balance:.1f} is not exports minus imports "
                f"({row.exports - row.imports:.1f}, within {BALANCE_TOLERANCE} USD m)"
            )
    problems += [f"{month}: appears more than once" for month in sorted(set(months)) if months.count(month) > 1]
    spans = runs(set(months))
    for (_, last), (first, _) in itertools.pairwise(spans):
        problems.append(f"gap: {_missing(last, first)} missing between {last} and {first}")
    if after is not None and spans and spans[0][0] > next_month(after):
        problems.append(
            f"gap: {_missing(after, spans[0][0])} missing between the last month held, {after}, and the first "
            f"month fetched, {spans[0][0]}"
        )
    return problems


def _missing(before: str, after: str) -> str:
    """The months strictly between two months, as ``2025-03`` or ``2025-03 to 2025-05``."""
    first, last = next_month(before), next_month(before)
    while next_month(last) < after:
        last = next_month(last)
    return first if first == last else f"{first} to {last}"


# ----------------------------------------------------------------------------------------------------------- merge


@dataclass(frozen=True)
class Revision:
    """A held month that came back with values differing by more than the tolerance."""

    held: MonthRow
    fetched: MonthRow

    @property
    def month(self) -> str:
        return self.held.month

    def change(self, flow: str) -> float:
        """How far the fetched value of ``flow`` (``imports`` or ``exports``) is from the held one [% of held]."""
        held, fetched = getattr(self.held, flow), getattr(self.fetched, flow)
        if held == 0:
            return 0.0 if fetched == 0 else float("inf")
        return 100.0 * (fetched - held) / abs(held)


@dataclass(frozen=True)
class Merge:
    """The file's rows after a merge, and what the merge did."""

    rows: list[MonthRow]
    """Every month, sorted: held months, revised where applied, then the new ones."""
    added: list[MonthRow]
    """Months the file did not hold."""
    revised: list[Revision]
    """Revisions beyond the tolerance that were applied (``revise=True``)."""
    kept: list[Revision]
    """Revisions beyond the tolerance left out: the held values stay (``revise=False``)."""
    confirmed: list[str]
    """Held months that came back within the tolerance; they stay as they are."""
    tolerance: float
    """The tolerance the revisions were judged by [% of the held value]."""

    @property
    def changed(self) -> bool:
        """Whether the rows differ from the held ones."""
        return bool(self.added or self.revised)


def differs(held: MonthRow, fetched: MonthRow, tolerance: float) -> bool:
    """Whether imports or exports moved by more than ``tolerance`` [% of the held value]."""
    return any(
        abs(getattr(fetched, flow) - getattr(held, flow)) > tolerance / 100.0 * abs(getattr(held, flow))
        for flow in ("imports", "exports")
    )


def merge(
    held: Sequence[MonthRow], fetched: Sequence[MonthRow], tolerance: float = DEFAULT_TOLERANCE, revise: bool = False
) -> Merge:
    """Held rows merged with fetched ones: new months are appended; a held month that differs by more than
    ``tolerance`` [% of the held value] is a revision, replaced only when ``revise`` is true; other held months
    stay as they are.
    """
    by_month = {row.month: row for row in held}
    added, revised, kept, confirmed = [], [], [], []
    for row in fetched:
        old = by_month.get(row.month)
        if old is None:
            added.append(row)
            by_month[row.month] = row
        elif not differs(old, row, tolerance):
            confirmed.append(row.month)
        elif revise:
            revised.append(Revision(old, row))
            by_month[row.month] = row
        else:
            kept.append(Revision(old, row))
    return Merge(sorted(by_month.values(), key=lambda row: row.month), added, revised, kept, confirmed, tolerance)


# ---------------------------------------------------------------------------------------------------------- update


@dataclass(frozen=True)
class Update:
    """What :func:`update` asked the API for, what came back and what it did to the file."""

    path: Path
    start: str
    """The first month asked for, ``YYYY-MM``."""
    fetched: list[MonthRow]
    """Every month the API sent, checked, in USD m."""
    merge: Merge
    written: bool
    """Whether the file was replaced (only when months were added or revisions applied)."""

    @property
    def last_month(self) -> str:
        """The last month the file holds after the update."""
        return self.merge.rows[-1].month if self.merge.rows else ""


def update(
    path: Path,
    base: str,
    *,
    start: str | None = None,
    key: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    revise: bool = False,
) -> Update:
    """Fetch the months from ``start`` on (default: the month after the last held) and merge them into the file.

    Raises :class:`census_api.CensusError` when the API cannot be reached or its answer cannot be read, and
    :class:`TradeDataError` when the file or the months that came back fail :func:`check`; either way before
    anything is written. HTTP 204 or an empty body means no months: nothing to add.
    """
    held = read(path)
    if problems := check(held):
        raise TradeDataError(str(path), problems)
    last = held[-1].month if held else None
    first = start or (next_month(last) if last else FIRST_MONTH)
    if not is_month(first) or first < FIRST_MONTH or (last and first > next_month(last)):
        latest = next_month(last) if last else FIRST_MONTH
        raise TradeDataError(
            "start month", [f"{first!r}: expected a month YYYY-MM from {FIRST_MONTH} to {latest} (no gap)"]
        )
    imports = census_api.fetch(base, census_api.IMPORTS, first, key)
    exports = census_api.fetch(base, census_api.EXPORTS, first, key)
    fetched, problems = from_dollars(imports, exports, today())
    problems += check(fetched, after=last)
    if problems:
        raise TradeDataError("the Census API's answer", problems)
    result = merge(held, fetched, tolerance, revise)
    if problems := check(result.rows):  # cannot happen after the checks above; never write a broken file
        raise TradeDataError("the merged months", problems)
    if result.changed:
        write(path, result.rows)
    return Update(Path(path), first, fetched, result, result.changed)


# ------------------------------------------------------------------------------------------------------------ show


@dataclass(frozen=True)
class VintageCover:
    """The months of one vintage."""

    vintage: str
    months: list[str]
    retrieved: list[str]
    """The retrieval dates of those months, sorted, each once."""


@dataclass(frozen=True)
class AnnualTotal:
    """A complete year's totals [USD bn/year]."""

    year: int
    imports: float
    exports: float
    balance: float
    """The sum of the months' balances; negative is a deficit."""


@dataclass(frozen=True)
class Holdings:
    """What a monthly file holds."""

    months: list[str]
    """Every month, sorted."""
    vintages: list[VintageCover]
    """In the order each vintage first appears."""
    years: list[AnnualTotal]
    """Only years with all 12 months."""


def holdings(rows: Sequence[MonthRow]) -> Holdings:
    """The months, vintages and annual totals of complete years of a file's rows."""
    vintages: dict[str, list[MonthRow]] = {}
    for row in sorted(rows, key=lambda row: row.month):
        vintages.setdefault(row.vintage, []).append(row)
    covers = [
        VintageCover(vintage, [row.month for row in group], sorted({row.retrieved for row in group}))
        for vintage, group in vintages.items()
    ]
    by_year: dict[int, list[MonthRow]] = {}
    for row in rows:
        by_year.setdefault(int(row.month[:4]), []).append(row)
    years = [
        AnnualTotal(
            year,
            sum(row.imports for row in group) / 1000.0,
            sum(row.exports for row in group) / 1000.0,
            sum(row.balance for row in group) / 1000.0,
        )
        for year, group in sorted(by_year.items())
        if len({row.month for row in group}) == 12
    ]
    return Holdings(sorted(row.month for row in rows), covers, years)
