"""``simulate data update|show``: fresh Census months merged into the monthly file, against a local stand-in for the
Census API (no test touches the network).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.inputs import census_api, trade_data
from simulator.inputs.trade_data import MONTHLY_FILE, MonthRow
from tests.conftest import ROOT

BUNDLED = ROOT / "seeds" / MONTHLY_FILE
TODAY = dt.date(2026, 4, 2)
NEW_VINTAGE = "Census API, retrieved 2026-04-02"
WRITTEN = f'"{NEW_VINTAGE}",2026-04-02'
"""The end of a row fetched on TODAY: the vintage holds a comma, so the CSV quotes it."""
BASE_PATH = "/data/timeseries/intltrade"


class CensusStub:
    """A local HTTP server answering like the Census API: one answer per endpoint, HTTP 204 where none is set."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, str]] = {}
        self.requests: list[str] = []
        self.delay = 0.0
        self.missing = 0
        """Bytes the answer's Content-Length promises beyond its body (a connection that breaks off)."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.requests.append(self.path)
                time.sleep(stub.delay)
                endpoint = self.path.split("?")[0].removeprefix(BASE_PATH)
                status, body = stub.answers.get(endpoint, (204, ""))
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(data) + stub.missing))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *arguments) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{BASE_PATH}"

    def serve(self, imports: dict[str, object], exports: dict[str, object]) -> None:
        """Answer both flows with these values by month [USD/month]."""
        self.answers["/imports/hs"] = (200, table("GEN_VAL_MO", imports))
        self.answers["/exports/hs"] = (200, table("ALL_VAL_MO", exports))


def table(column: str, values: dict[str, object]) -> str:
    """An answer in the API's shape: a header, then one row a month for China."""
    return json.dumps(
        [
            ["CTY_CODE", "CTY_NAME", column, "time"],
            *(["5700", "CHINA", value, month] for month, value in values.items()),
        ]
    )


@pytest.fixture(autouse=True)
def _isolated(monkeypatch):
    """No proxy, no key or URL from the environment, and a fixed day."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(census_api.URL_VARIABLE, raising=False)
    monkeypatch.delenv(census_api.KEY_VARIABLE, raising=False)
    monkeypatch.setattr(trade_data, "today", lambda: TODAY)


@pytest.fixture
def census():
    stub = CensusStub()
    stub.thread.start()
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


@pytest.fixture
def data_file(tmp_path) -> Path:
    """The bundled file's months to December 2025, so that no test changes the repository's and the stand-in's
    answers from January 2026 on are new months (the bundled file holds some of 2026 since)."""
    path = tmp_path / MONTHLY_FILE
    lines = BUNDLED.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([lines[0], *(line for line in lines[1:] if line[:7] <= "2025-12")]), encoding="utf-8")
    return path


def update(data_file: Path, census: CensusStub, *options: str) -> int:
    return main(["data", "update", "--file", str(data_file), "--api-url", census.url, *options])


def folder_listing(path: Path) -> list[str]:
    return sorted(entry.name for entry in path.parent.iterdir())


# ----------------------------------------------------------------------------------------------- new months


def test_new_months_are_appended_with_exact_values_vintage_and_retrieved(data_file, census, capsys):
    before = data_file.read_text()
    census.serve(
        imports={"2026-01": "22345650000", "2026-02": "19000000000"},
        exports={"2026-01": "8100049999", "2026-02": "7250000000"},
    )
    assert update(data_file, census) == 0
    after = data_file.read_text()
    assert after.startswith(before)  # held rows stay byte for byte
    assert after[len(before) :].splitlines() == [
        f"2026-01,22345.7,8100.0,-14245.7,{WRITTEN}",
        f"2026-02,19000.0,7250.0,-11750.0,{WRITTEN}",
    ]
    assert sorted(census.requests) == [
        f"{BASE_PATH}/exports/hs?get=CTY_CODE,CTY_NAME,ALL_VAL_MO&CTY_CODE=5700&time=from+2026-01",
        f"{BASE_PATH}/imports/hs?get=CTY_CODE,CTY_NAME,GEN_VAL_MO&CTY_CODE=5700&time=from+2026-01",
    ]
    out = capsys.readouterr().out
    assert "Fetched 2026-01 to 2026-02 (2 months)" in out
    assert "Added 2 months [USD m]:" in out
    assert "2026-01  imports 22345.7  exports 8100.0  balance -14245.7" in out
    assert f"Wrote {data_file}." in out
    assert folder_listing(data_file) == [MONTHLY_FILE]  # no temporary file left


def test_the_model_reads_the_updated_file(data_file, census):
    from simulator.model.observed import calibration_months, observed

    census.serve(imports={"2026-01": "21000000000"}, exports={"2026-01": "8000000000"})
    assert update(data_file, census) == 0
    history = observed(data_file.parent)
    assert len(history.months) == 25 and str(history.months[-1]) == "2026-01"
    assert history.imports[-1] == pytest.approx(21.0) and history.balance[-1] == pytest.approx(-13.0)
    imports, _ = calibration_months(data_file.parent)
    assert imports[0] == pytest.approx(35.7826)


def test_an_answer_shaped_like_the_real_api_is_read_by_column_name(data_file, census, monkeypatch, capsys):
    """Columns in another order, extra columns, the predicate repeated as a last column, other countries' rows; the
    URL and key from the environment (the key is sent, never printed).
    """
    header = ["time", "GEN_VAL_MO", "CTY_NAME", "CTY_CODE", "SUMMARY_LVL", "CTY_CODE"]
    rows = [
        ["2026-01", "21000000000", "CHINA", "5700", "DET", "5700"],
        ["2026-01", "1", "JAPAN", "5880", "DET", "5880"],
    ]
    census.answers["/imports/hs"] = (200, json.dumps([header, *rows]))
    census.answers["/exports/hs"] = (
        200,
        json.dumps([["ALL_VAL_MO", "CTY_CODE", "time"], ["8000000000", "5700", "2026-01"], ["5", "4120", "2026-01"]]),
    )
    monkeypatch.setenv(census_api.URL_VARIABLE, census.url)
    monkeypatch.setenv(census_api.KEY_VARIABLE, "secret-key")
    assert main(["data", "update", "--file", str(data_file)]) == 0
    assert data_file.read_text().splitlines()[-1] == f"2026-01,21000.0,8000.0,-13000.0,{WRITTEN}"
    assert all(request.endswith("&key=secret-key") for request in census.requests)
    assert "secret-key" not in "".join(capsys.readouterr())


# ---------------------------------------------------------------------------------------------- nothing new


def test_held_months_returned_unchanged_are_already_up_to_date_and_the_file_is_untouched(data_file, census, capsys):
    before, modified = data_file.read_bytes(), data_file.stat().st_mtime_ns
    census.serve(
        imports={"2025-11": "20950700000", "2025-12": "21150000000"},  # December within 0.5%
        exports={"2025-11": "7008400000", "2025-12": "8387900000"},
    )
    assert update(data_file, census, "--from", "2025-11") == 0
    assert data_file.read_bytes() == before and data_file.stat().st_mtime_ns == modified
    out = capsys.readouterr().out
    assert "2 held months came back within 0.5%: left as they are." in out
    assert "already up to date: the file holds every month the API has (last: 2025-12)" in out
    assert "Wrote" not in out


@pytest.mark.parametrize(("status", "body"), [(204, ""), (200, ""), (200, " \n")])
def test_no_data_is_no_new_months_and_exit_0(data_file, census, capsys, status, body):
    """HTTP 204 and an empty body are how the API says it has no months from the one asked for on."""
    before = data_file.read_bytes()
    census.answers = {"/imports/hs": (status, body), "/exports/hs": (status, body)}
    assert update(data_file, census) == 0
    assert data_file.read_bytes() == before
    out = capsys.readouterr().out
    assert "has no months from 2026-01 on" in out
    assert "already up to date: the file holds every month the API has (last: 2025-12)" in out


# ------------------------------------------------------------------------------------------------ revisions


def revised_answer(census: CensusStub) -> None:
    """November revised by +1% in imports, December within the tolerance, and a new January."""
    census.serve(
        imports={"2025-11": "21160207000", "2025-12": "21104300000", "2026-01": "21000000000"},
        exports={"2025-11": "7008400000", "2025-12": "8400000000", "2026-01": "8000000000"},
    )


def test_a_revision_beyond_the_tolerance_is_listed_and_kept_without_revise(data_file, census, capsys):
    held = data_file.read_text().splitlines()
    revised_answer(census)
    assert update(data_file, census, "--from", "2025-11") == 0
    lines = data_file.read_text().splitlines()
    assert lines[:-1] == held  # November keeps its held values and vintage
    assert lines[-1] == f"2026-01,21000.0,8000.0,-13000.0,{WRITTEN}"
    out = capsys.readouterr().out
    assert "Revisions beyond 0.5% of the held value, kept the held values [USD m, held -> fetched]:" in out
    assert "2025-11  imports 20950.7 -> 21160.2 (+1.0%)  exports 7008.4 -> 7008.4 (+0.0%)" in out
    assert "1 held month came back within 0.5%: left as it is." in out
    assert "2025-12" not in out.split("Revisions")[1].split("held month came back")[0]


def test_revise_applies_the_revision_and_marks_the_row_with_the_new_vintage(data_file, census, capsys):
    held = data_file.read_text().splitlines()
    revised_answer(census)
    assert update(data_file, census, "--from", "2025-11", "--revise") == 0
    lines = data_file.read_text().splitlines()
    assert lines[-3] == f"2025-11,21160.2,7008.4,-14151.8,{WRITTEN}"
    assert lines[-2] == held[-1]  # December within the tolerance keeps its vintage even with --revise
    assert lines[:-3] == held[:-2]
    assert "Revisions beyond 0.5% of the held value, applied" in capsys.readouterr().out


def test_a_wider_tolerance_finds_no_revision(data_file, census, capsys):
    revised_answer(census)
    assert update(data_file, census, "--from", "2025-11", "--tolerance", "2", "--revise") == 0
    assert "Revisions" not in capsys.readouterr().out
    assert data_file.read_text().splitlines()[-2].endswith("before the June 2026 annual revision,2026-03-23")


def test_revisions_alone_are_kept_and_say_so(data_file, census, capsys):
    before = data_file.read_bytes()
    census.serve(imports={"2025-12": "25000000000"}, exports={"2025-12": "8387900000"})
    assert update(data_file, census, "--from", "2025-12") == 0
    assert data_file.read_bytes() == before
    out = capsys.readouterr().out
    assert "2025-12  imports 21104.3 -> 25000.0 (+18.5%)" in out
    assert "Kept the held months as they are" in out and "--revise applies revisions" in out


# ------------------------------------------------------------------------------------------------- failures


def assert_refused(data_file: Path, before: bytes, capsys, *fragments: str) -> None:
    err = capsys.readouterr().err
    for fragment in fragments:
        assert fragment in err, err
    assert data_file.read_bytes() == before
    assert folder_listing(data_file) == [MONTHLY_FILE]


def test_an_http_error_exits_1_and_leaves_the_file(data_file, census, capsys):
    before = data_file.read_bytes()
    census.answers["/imports/hs"] = (400, "error: unknown variable 'GEN_VAL_MO'\nmore detail\n")
    assert update(data_file, census) == 1
    message = f"simulate data update: the Census API at {census.url} answered HTTP 400: error: unknown variable"
    assert_refused(data_file, before, capsys, f"{message} 'GEN_VAL_MO'\n")


def test_a_server_error_exits_1(data_file, census, capsys):
    before = data_file.read_bytes()
    census.answers["/exports/hs"] = (503, "error: service unavailable")
    assert update(data_file, census) == 1
    assert_refused(data_file, before, capsys, "answered HTTP 503: error: service unavailable")


@pytest.mark.parametrize(
    ("imports", "exports", "message"),
    [
        ('[["CTY_CODE", "GEN_VAL_MO", "time"], ["5700", "1"', None, "the Census answer for imports is not JSON"),
        ("[]", None, "the Census answer for imports is not an array of rows with a header first"),
        ('{"error": "x"}', None, "the Census answer for imports is not an array of rows with a header first"),
        (
            '[["CTY_CODE", "CTY_NAME", "time"], ["5700", "CHINA", "2026-01"]]',
            None,
            "the Census answer for imports has no column GEN_VAL_MO (its columns: CTY_CODE, CTY_NAME, time)",
        ),
        (
            '[["CTY_CODE", "GEN_VAL_MO", "time"], ["5700", "1000000", "2026-01"], ["5700", "2000000", "2026-01"]]',
            None,
            "the Census answer for imports has several rows for 2026-01",
        ),
        (
            '[["CTY_CODE", "GEN_VAL_MO", "time"], ["5700", "1000000"]]',
            None,
            "the Census answer for imports: row 2 has 2 values for 3 columns",
        ),
    ],
)
def test_a_malformed_answer_exits_1_naming_the_problem(data_file, census, capsys, imports, exports, message):
    before = data_file.read_bytes()
    census.answers["/imports/hs"] = (200, imports)
    census.answers["/exports/hs"] = (200, exports or table("ALL_VAL_MO", {"2026-01": "8000000000"}))
    assert update(data_file, census) == 1
    assert_refused(data_file, before, capsys, f"simulate data update: {message}")


@pytest.mark.parametrize(
    ("imports", "exports", "message"),
    [
        (
            {"2026-01": "21000000000", "2026-03": "20000000000"},
            {"2026-01": "8000000000", "2026-03": "7000000000"},
            "gap: 2026-02 missing between 2026-01 and 2026-03",
        ),
        (
            {"2026-03": "20000000000"},
            {"2026-03": "7000000000"},
            (
                "gap: 2026-01 to 2026-02 missing between the last month held, 2025-12, and the first month "
                "fetched, 2026-03"
            ),
        ),
        ({"2026-01": "-21000000000"}, {"2026-01": "8000000000"}, "2026-01: imports -21000.0 is negative"),
        ({"2026-01": "(D)"}, {"2026-01": "8000000000"}, "2026-01: imports value '(D)' is not a number"),
        ({"2026-01": None}, {"2026-01": "8000000000"}, "2026-01: imports value '' is not a number"),
        ({"2026-01": "NaN"}, {"2026-01": "8000000000"}, "2026-01: imports value 'NaN' is not a number"),
        ({"2026-01": "1e308"}, {"2026-01": "8000000000"}, "2026-01: imports value '1e308' is more than a month's"),
        (
            {"2026-01": "21000000000", "2026-02": "20000000000"},
            {"2026-01": "8000000000"},
            "2026-02: exports missing",
        ),
        ({"2026-13": "1000000"}, {"2026-13": "1000000"}, "month '2026-13' is not a month written YYYY-MM"),
        ({"2023-12": "1000000"}, {"2023-12": "1000000"}, "2023-12: before 2024-01"),
    ],
)
def test_unsound_months_exit_1_naming_the_problem(data_file, census, capsys, imports, exports, message):
    before = data_file.read_bytes()
    census.serve(imports=imports, exports=exports)
    assert update(data_file, census) == 1
    assert_refused(
        data_file,
        before,
        capsys,
        f"simulate data update: the Census API's answer: {message}",
        f"nothing written; {data_file} is as it was.",
    )


def test_no_server_exits_1_cannot_reach(data_file, capsys):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = data_file.read_bytes()
    url = f"http://127.0.0.1:{port}/data"
    assert main(["data", "update", "--file", str(data_file), "--api-url", url]) == 1
    err = capsys.readouterr().err
    assert err == f"simulate data update: cannot reach the Census API at {url}: connection refused\n"
    assert data_file.read_bytes() == before


def test_a_silent_server_times_out(data_file, census, capsys, monkeypatch):
    monkeypatch.setattr(census_api, "TIMEOUT_SECONDS", 0.2)
    census.delay = 1.0
    before = data_file.read_bytes()
    assert update(data_file, census) == 1
    assert_refused(data_file, before, capsys, f"cannot reach the Census API at {census.url}: no answer within 0.2 s")


def test_an_answer_that_never_ends_is_cut_off_by_the_deadline(data_file, census, capsys, monkeypatch):
    """A byte now and then never trips the socket's timeout: the whole answer has a deadline (hostile review)."""
    monkeypatch.setattr(census_api, "DEADLINE_SECONDS", 0.3)
    census.delay = 1.5
    before = data_file.read_bytes()
    assert update(data_file, census) == 1
    message = f"the Census API at {census.url} did not finish answering within 0.3 s"
    assert_refused(data_file, before, capsys, message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 200_000 + "]" * 200_000, "is not a table: its arrays are nested thousands deep"),
        (" " * 2_000, "answered more than 1,000 bytes; expected a few kB"),
    ],
)
def test_a_deep_or_huge_answer_is_refused_in_one_line(data_file, census, capsys, monkeypatch, body, message):
    """A RecursionError and a read without limit (memory) became tracebacks (hostile review)."""
    monkeypatch.setattr(census_api, "MAX_ANSWER_BYTES", 1_000 if body.startswith(" ") else 1_000_000)
    census.answers["/imports/hs"] = (200, body)
    before = data_file.read_bytes()
    assert update(data_file, census) == 1
    assert_refused(data_file, before, capsys, message)
    assert "Traceback" not in capsys.readouterr().err


def test_an_answer_cut_short_is_told_as_a_broken_connection(data_file, census, capsys):
    census.serve(imports={"2026-01": "21000000000"}, exports={"2026-01": "8000000000"})
    census.missing = 50
    before = data_file.read_bytes()
    assert update(data_file, census) == 1
    message = f"cannot reach the Census API at {census.url}: the connection broke off (IncompleteRead)"
    assert_refused(data_file, before, capsys, message)


def test_the_timeout_is_20_seconds_and_failures_read_plainly():
    assert census_api.TIMEOUT_SECONDS == 20
    assert census_api.reason(socket.gaierror(-3, "Temporary failure in name resolution")).startswith(
        "the host name does not resolve"
    )
    assert census_api.reason(ConnectionRefusedError(111, "Connection refused")) == "connection refused"


def test_only_http_urls_are_fetched(data_file, capsys):
    before = data_file.read_bytes()
    assert main(["data", "update", "--file", str(data_file), "--api-url", f"file://{data_file}"]) == 1
    assert_refused(data_file, before, capsys, "the Census API URL must start with https:// or http://")
    assert main(["data", "update", "--file", str(data_file), "--api-url", "http://[bad/x"]) == 1
    assert_refused(data_file, before, capsys, "cannot use the Census API URL 'http://[bad/x': Invalid IPv6 URL")


def test_a_failed_replace_leaves_the_file_whole_and_no_temporary_file(data_file, census, capsys, monkeypatch):
    before = data_file.read_bytes()
    census.serve(imports={"2026-01": "21000000000"}, exports={"2026-01": "8000000000"})

    def full_disk(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    assert update(data_file, census) == 1
    assert_refused(data_file, before, capsys, "No space left on device", f"{data_file} is as it was.")


def test_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "monthly.csv"
    path.write_text("old\n")

    def failing_sync(descriptor):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_sync)
    with pytest.raises(OSError, match="Input/output error"):
        trade_data.write(path, [MonthRow("2024-01", 1.0, 2.0, 1.0, "v", "2026-04-02")])
    assert path.read_text() == "old\n"
    assert [entry.name for entry in tmp_path.iterdir()] == ["monthly.csv"]


def test_a_start_month_that_leaves_a_gap_or_precedes_2024_is_refused(data_file, census, capsys):
    before = data_file.read_bytes()
    assert update(data_file, census, "--from", "2026-03") == 1
    assert_refused(data_file, before, capsys, "'2026-03': expected a month YYYY-MM from 2024-01 to 2026-01 (no gap)")
    with pytest.raises(SystemExit) as exit_code:  # before the file's first month: an invalid option
        update(data_file, census, "--from", "2023-12")
    assert exit_code.value.code == 2
    assert census.requests == []
    with pytest.raises(SystemExit) as exit_code:
        update(data_file, census, "--from", "2026-1")
    assert exit_code.value.code == 2
    assert "expected a month written YYYY-MM, not '2026-1'" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------------- show


def test_show_the_bundled_file(capsys):
    assert main(["data", "show"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == str(BUNDLED)
    assert out[1] == "months held: 2024-01 to 2026-04 (28 months)"
    assert "  before the June 2026 annual revision: 2024-01 to 2026-01 (25 months), retrieved 2026-03-23" in out
    assert "  after the June 2026 annual revision: 2026-02 to 2026-04 (3 months), retrieved 2026-06-17" in out
    assert out[-2].split() == ["2024", "438.7", "143.2", "-295.5"]
    assert out[-1].split() == ["2025", "308.4", "106.3", "-202.1"]


def test_show_after_an_update_lists_both_vintages_and_complete_years_only(data_file, census, capsys):
    census.serve(imports={"2026-01": "21000000000"}, exports={"2026-01": "8000000000"})
    assert update(data_file, census) == 0
    capsys.readouterr()
    assert main(["data", "show", "--file", str(data_file)]) == 0
    out = capsys.readouterr().out
    assert "months held: 2024-01 to 2026-01 (25 months)" in out
    assert f"  {NEW_VINTAGE}: 2026-01 (1 month), retrieved 2026-04-02" in out
    assert out.splitlines()[-1].split()[0] == "2025"  # 2026 is not a complete year


def test_show_a_missing_file_exits_1(tmp_path, capsys):
    assert main(["data", "show", "--file", str(tmp_path / "none.csv")]) == 1
    assert "No such file or directory" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------- pure functions


def test_the_file_is_written_back_byte_for_byte():
    assert trade_data.to_text(trade_data.read(BUNDLED)) == BUNDLED.read_text()


def test_the_bundled_file_passes_the_checks():
    assert trade_data.check(trade_data.read(BUNDLED)) == []


def test_check_finds_a_balance_that_is_not_exports_minus_imports():
    row = MonthRow("2024-01", 100.0, 40.0, -60.3, "v", "2026-04-02")
    assert trade_data.check([row]) == ["2024-01: balance -60.3 is not exports minus imports (-60.0, within 0.2 USD m)"]
    assert trade_data.check([MonthRow("2024-01", 100.0, 40.0, -60.2, "v", "2026-04-02")]) == []


def test_merge_appends_lists_and_revises_only_when_asked():
    held = [MonthRow("2024-01", 100.0, 50.0, -50.0, "old", "2026-01-01")]
    fetched = [
        MonthRow("2024-01", 100.6, 50.0, -50.6, "new", "2026-04-02"),
        MonthRow("2024-02", 90.0, 45.0, -45.0, "new", "2026-04-02"),
    ]
    kept = trade_data.merge(held, fetched)
    assert [row.vintage for row in kept.rows] == ["old", "new"]
    assert [row.month for row in kept.added] == ["2024-02"] and not kept.revised
    assert kept.kept[0].change("imports") == pytest.approx(0.6) and kept.changed
    revised = trade_data.merge(held, fetched, revise=True)
    assert [row.vintage for row in revised.rows] == ["new", "new"] and revised.revised[0].month == "2024-01"
    assert trade_data.merge(held, fetched[:1], tolerance=1.0).confirmed == ["2024-01"]
    assert not trade_data.merge(held, fetched[:1]).changed


def test_parse_ignores_other_countries_and_months_run_on():
    answer = json.dumps(
        [
            ["CTY_CODE", "CTY_NAME", "GEN_VAL_MO", "time"],
            ["5700", "CHINA", "41639200000", "2025-01"],
            ["1220", "X", "1", "2025-01"],
        ]
    )
    assert census_api.parse(answer, census_api.IMPORTS) == {"2025-01": "41639200000"}
    assert trade_data.next_month("2025-12") == "2026-01" and trade_data.next_month("2025-09") == "2025-10"
    assert trade_data.runs(["2024-03", "2024-01", "2024-02", "2024-05"]) == [("2024-01", "2024-03"), ("2024-05",) * 2]


# ------------------------------------------------------------------------------------------------- plumbing


def test_simulate_help_and_a_scenario_still_work(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_code:
        main(["--help"])
    assert exit_code.value.code == 0
    assert "simulate data update" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_code:
        main(["data", "--help"])
    assert exit_code.value.code == 0
    shown = capsys.readouterr().out
    assert "usage: simulate data" in shown and "{update,show}" in shown
    assert main(["documented-2025", "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "documented-2025" / "index.html").is_file()


def test_the_help_states_the_library_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["data", "update", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert f"(default: {trade_data.DEFAULT_TOLERANCE:g})" in shown
    assert census_api.DEFAULT_URL in shown


def test_every_reader_of_the_monthly_file_checks_it_as_an_update_does(tmp_path, capsys):
    """'data show' summed a month given twice into the year (329.5 for 308.4) and totalled negative, NaN and 1e400
    values; the model read the duplicated month too (hostile review)."""
    seeds = (ROOT / "seeds" / MONTHLY_FILE).read_text(encoding="utf-8")
    last = seeds.rstrip("\n").splitlines()[-1]
    (tmp_path / "twice.csv").write_text(seeds + last + "\n", encoding="utf-8")
    (tmp_path / "infinite.csv").write_text(seeds.replace("2025-03,29383.7", "2025-03,1e400"), encoding="utf-8")
    for name, message in (
        ("twice.csv", ":30:1: month: 2026-04 appears more than once"),
        ("infinite.csv", "2025-03: imports inf is negative or not a finite number"),
    ):
        assert main(["data", "show", "--file", str(tmp_path / name)]) == 1
        assert message in capsys.readouterr().err
        with pytest.raises(trade_data.TradeDataError, match=message):
            trade_data.read(tmp_path / name)


def test_an_update_from_before_the_files_first_month_is_an_invalid_option(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["data", "update", "--from", "1999-01"])
    assert raised.value.code == 2
    assert "argument --from: expected 2024-01 or later (the file's first month), not 1999-01" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("today", "published"),
    [
        ("2026-12-01", "2026-09"),  # October ended 35 days before 5 December
        ("2026-12-04", "2026-09"),
        ("2026-12-05", "2026-10"),
        ("2026-02-04", "2025-12"),
        ("2026-02-03", "2025-11"),
        ("2024-03-05", "2023-12"),
        ("2024-03-06", "2024-01"),
        ("2024-04-04", "2024-02"),  # a leap year: February ends on the 29th
        ("2024-04-03", "2024-01"),
    ],
)
def test_the_months_census_has_likely_published_by_a_day(today, published):
    assert trade_data.likely_published(dt.date.fromisoformat(today)) == published


def test_a_record_months_behind_census_is_said_with_the_command_that_fetches_them(monkeypatch, capsys):
    """On 1 December 2026 the record still ended with December 2025, and nothing told an analyst that nine later
    months were out (analyst review)."""
    held = [f"2025-{month:02d}" for month in range(1, 13)]
    assert trade_data.behind_note(held, dt.date(2026, 12, 1)) == (
        "the Census record ends with 2025-12; Census has likely published 9 more months since (to 2026-09, about five "
        "weeks after each ends): simulate data update fetches them"
    )
    assert trade_data.behind_note(held, dt.date(2026, 3, 6)) == ""  # one month out (January): not yet worth a word
    assert trade_data.behind_note([], dt.date(2026, 12, 1)) == ""
    monkeypatch.setattr(trade_data, "today", lambda: dt.date(2026, 12, 1))
    assert main(["data", "show"]) == 0
    assert capsys.readouterr().out.endswith("simulate data update fetches them\n")
    monkeypatch.setattr(trade_data, "today", lambda: dt.date(2026, 2, 10))
    assert main(["data", "show"]) == 0
    assert "note:" not in capsys.readouterr().out
