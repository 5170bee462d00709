"""Monthly US goods trade with China from the Census international trade API, read with the standard library.

Two requests, one per flow, each for every month from a given month on:

- imports: ``{base}/imports/hs?get=CTY_CODE,CTY_NAME,GEN_VAL_MO&CTY_CODE=5700&time=from+YYYY-MM`` (general
  imports, total value [USD/month]);
- exports: ``{base}/exports/hs?get=CTY_CODE,CTY_NAME,ALL_VAL_MO&CTY_CODE=5700&time=from+YYYY-MM`` (total
  exports [USD/month]).

The API answers a JSON array of arrays whose first row is the header; values are strings of whole
dollars. "No data" is HTTP 204 or an empty body; errors are HTTP 4xx/5xx with a plain-text body
starting ``error:``. Anything else that goes wrong raises :class:`CensusError` with one line that
says what.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

DEFAULT_URL = "https://api.census.gov/data/timeseries/intltrade"
"""The API's base URL; ``TARIFF_SCENARIOS_CENSUS_URL`` or ``--api-url`` replace it (tests point it at a local
server)."""
URL_VARIABLE = "TARIFF_SCENARIOS_CENSUS_URL"
KEY_VARIABLE = "CENSUS_API_KEY"
CHINA = "5700"
"""The Census country code of China."""
TIMEOUT_SECONDS = 20.0
"""How long to wait for the API to connect or answer [s]."""
DEADLINE_SECONDS = 60.0
"""The longest a whole answer may take [s]: a server that sends a byte now and then never trips the wait above."""
MAX_ANSWER_BYTES = 5_000_000
"""The largest answer read [bytes]; a year of months for China is about 2 kB."""
COUNTRY_COLUMN, TIME_COLUMN = "CTY_CODE", "time"


@dataclass(frozen=True)
class Flow:
    """One direction of trade as the API serves it."""

    name: str
    """``imports`` or ``exports``, as the rest of the package says it."""
    endpoint: str
    """The path under the base URL."""
    value_column: str
    """The variable holding the month's total value [USD/month]."""


IMPORTS = Flow("imports", "imports/hs", "GEN_VAL_MO")
EXPORTS = Flow("exports", "exports/hs", "ALL_VAL_MO")
FLOWS = (IMPORTS, EXPORTS)


class CensusError(Exception):
    """The API could not be reached, answered with an error, or answered something that cannot be read."""


def request_url(base: str, flow: Flow, start: str, key: str | None = None) -> str:
    """The URL asking for ``flow`` to China for every month from ``start`` (``YYYY-MM``) on."""
    query = {"get": f"{COUNTRY_COLUMN},CTY_NAME,{flow.value_column}", COUNTRY_COLUMN: CHINA, "time": f"from {start}"}
    if key:
        query["key"] = key
    return f"{base.rstrip('/')}/{flow.endpoint}?{urllib.parse.urlencode(query, safe=',')}"


def fetch(base: str, flow: Flow, start: str, key: str | None = None) -> dict[str, str]:
    """The month's value of ``flow`` to China [USD/month, as the API writes it] by month (``YYYY-MM``), from
    ``start`` on; empty when the API has no data.
    """
    check_base(base)
    return parse(download(request_url(base, flow, start, key), base), flow)


def check_base(base: str) -> None:
    """Refuse a base URL that is not http(s) with a host (urllib would also open ``file://`` URLs)."""
    try:
        parts = urllib.parse.urlsplit(base)
    except ValueError as error:
        raise CensusError(f"cannot use the Census API URL {base!r}: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CensusError(f"the Census API URL must start with https:// or http://, not {base!r}")


def download(url: str, base: str) -> str:
    """The body of the answer to ``url``; empty for HTTP 204. ``base`` names the API in messages (``url`` may carry
    the key, which messages must not show).
    """
    done: list[bytes | BaseException] = []
    reader = threading.Thread(target=_read, args=(url, done), daemon=True)  # a daemon: one that hangs ends with us
    reader.start()
    reader.join(DEADLINE_SECONDS)
    if not done:
        raise CensusError(f"the Census API at {base} did not finish answering within {DEADLINE_SECONDS:g} s")
    try:
        if isinstance(done[0], BaseException):
            raise done[0]
        body = done[0]
    except urllib.error.HTTPError as error:
        raise CensusError(f"the Census API at {base} answered HTTP {error.code}: {_error_text(error)}") from None
    except urllib.error.URLError as error:
        raise CensusError(f"cannot reach the Census API at {base}: {reason(error.reason)}") from None
    except (OSError, http.client.HTTPException) as error:  # a timeout or a dropped connection while reading
        raise CensusError(f"cannot reach the Census API at {base}: {reason(error)}") from None
    except ValueError as error:  # a URL urllib cannot use
        raise CensusError(f"cannot use the Census API URL {base!r}: {error}") from None
    if len(body) > MAX_ANSWER_BYTES:
        raise CensusError(f"the Census API at {base} answered more than {MAX_ANSWER_BYTES:,} bytes; expected a few kB")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise CensusError(f"the Census API at {base} answered something that is not UTF-8 text") from None


def _read(url: str, done: list[bytes | BaseException]) -> None:
    """The answer's body, at most one byte past :data:`MAX_ANSWER_BYTES`, or the error met, into ``done``."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:  # http(s) only: fetch checks the base
            body = answer.read(MAX_ANSWER_BYTES + 1)
            if answer.length and len(body) <= MAX_ANSWER_BYTES:  # read with a limit, a short body raises nothing
                raise http.client.IncompleteRead(body, answer.length)
            done.append(body)
    except BaseException as error:  # handed to the caller's thread, which reports it
        done.append(error)


def reason(error: object) -> str:
    """Why a connection failed, in a few words."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "the host name does not resolve (no network, or a mistyped URL)"
    if isinstance(error, TimeoutError):
        return f"no answer within {TIMEOUT_SECONDS:g} s"
    if isinstance(error, http.client.HTTPException):
        return f"the connection broke off ({type(error).__name__})"
    return str(getattr(error, "strerror", None) or error)


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        text = error.read().decode("utf-8", errors="replace").strip()
    except OSError:
        text = ""
    first = text.splitlines()[0] if text else ""
    return first[:200] or error.reason or "no message"


def parse(text: str, flow: Flow) -> dict[str, str]:
    """The rows for China of one answer: month (``YYYY-MM``) → value [USD/month, as written], in the answer's order.

    Columns are found by name in the header (the first row), so their order and extra columns do not matter;
    rows of other countries are left out. Raises :class:`CensusError` if the text is not such an array, a column
    is missing, or a month has several rows (commodity detail rather than the total: summing them silently could
    double count).
    """
    if not text.strip():
        return {}
    where = f"the Census answer for {flow.name}"
    try:
        table = json.loads(text)
    except json.JSONDecodeError as error:
        raise CensusError(f"{where} is not JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise CensusError(f"{where} is not a table: its arrays are nested thousands deep") from None
    if not isinstance(table, list) or not table or not all(isinstance(row, list) for row in table):
        raise CensusError(f"{where} is not an array of rows with a header first")
    header, *rows = table
    columns = {}
    for name in (COUNTRY_COLUMN, flow.value_column, TIME_COLUMN):
        if name not in header:
            raise CensusError(f"{where} has no column {name} (its columns: {', '.join(map(str, header))})")
        columns[name] = header.index(name)
    values: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise CensusError(f"{where}: row {number} has {len(row)} values for {len(header)} columns")
        if str(row[columns[COUNTRY_COLUMN]]) != CHINA:
            continue
        month = str(row[columns[TIME_COLUMN]])
        if month in values:
            raise CensusError(
                f"{where} has several rows for {month}; expected one total per month (commodity detail?), "
                "refusing to add them up"
            )
        value = row[columns[flow.value_column]]
        values[month] = "" if value is None else str(value)
    return values
