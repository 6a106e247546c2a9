"""``workbook kolada``: the Kolada client, the change set and the rewrite of a unit's files.

No test touches the network: a fake session serves the recorded responses under
``tests/fixtures/kolada/`` (Kolada API v3 shape: ``{"count", "values": [{"kpi",
"municipality", "period", "values": [{"gender", "count", "status", "value"}]}], "next_url"}``).
Files are named ``{kpi}_{municipality}.json`` or ``{kpi}_{municipality}_page{n}.json`` for a
response split over pages; ``error_500.json`` is the body served with HTTP 500. An autouse guard
makes any real ``requests`` call fail the test.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from helpers.core.errors import DataError, ParameterError
from helpers.core.paths import REPO_ROOT
from helpers.data.kolada_mapping import load_mapping
from helpers.kolada import kolada
from helpers.kolada.kolada_api import (
    Client,
    KoladaError,
    KoladaUnavailable,
    KoladaValue,
    parse_response,
)
from helpers.kolada.kolada_changes import (
    Change,
    Target,
    apply_changes,
    compute_changes,
    format_number,
)

FIXTURES = Path(__file__).parent / "fixtures" / "kolada"
TODAY = date(2024, 5, 2)
LATER = date(2024, 6, 1)
BOM = "\ufeff"

MAPPING = """typ,id,kpi,jämförelse,enheter,kommentar
indikator,kf1_befolkning,N01951,,*,Invånare totalt
indikator,kf1_nri,U00402,riket,klk,NRI helhet
indikator,kf9_kommunranking,,,*,finns inte i Kolada
nyckeltal,sjukfranvaro,N00090,,*,"Sjukfrånvaro, kommun"
nyckeltal,lonegap,N99999,,*,räknas ut
"""

INDICATORS = """indikator_id,mal_id,indikator,källa,enhet,önskad_riktning
kf1_befolkning,KF1,Antal personer som bor i Hjo,SCB,,ökande
kf1_nri,KF1,Betygsindex (NRI),SCB:s medborgarundersökning,,ökande
kf9_kommunranking,KF9,Placering på kommunrankingen,Svenskt Näringsliv,,minskande
"""

INDICATOR_VALUES = """indikator_id,period,värde,jämförelse,notering
kf1_befolkning,2013,8 805,,
kf1_befolkning,2014,8885,,
kf1_befolkning,2015,8893,,
kf1_befolkning,2016,,,
kf1_nri,2012,53,57,
kf1_nri,2010-2013,,,Ingen mätning gjordes
kf1_nri,2014,58,,
kf1_nri,2016,,,"Aug. 2017, preliminärt"
kf9_kommunranking,2016,166,,
"""

KEY_FIGURES = """nyckeltal_id,nyckeltal,decimaler,överordnad,beräkning
sjukfranvaro,Sjukfrånvaro kommunalt anställda,1,,
medianlon_kvinnor,Medianlön kvinnor,,lonegap,
medianlon_man,Medianlön män,,lonegap,
lonegap,Lönegap,,,medianlon_kvinnor - medianlon_man
"""

# Semicolons, decimal commas, CRLF and a BOM: as Swedish Excel saves it.
KEY_FIGURE_VALUES = (
    BOM
    + "nyckeltal_id;år;värde\r\n"
    + "sjukfranvaro;2013;5,1\r\n"
    + "sjukfranvaro;2014;5,6\r\n"
    + "sjukfranvaro;2015;6,8\r\n"
    + "sjukfranvaro;2016;\r\n"
    + "lonegap;2016;\r\n"
)


# --------------------------------------------------------------------------- fakes


class FakeResponse:
    def __init__(self, status_code: int, body: Any) -> None:
        self.status_code = status_code
        self._body = body

    def json(self) -> Any:
        return self._body


class FakeSession:
    """Serves the recorded responses by KPI, municipality and ``page``; records every URL."""

    def __init__(
        self,
        *,
        fail: Exception | None = None,
        status: dict[str, int] | None = None,
    ) -> None:
        self.fail = fail
        self.status = status or {}
        self.calls: list[str] = []

    def get(self, url: str, **kwargs: Any) -> FakeResponse:
        assert kwargs.get("timeout"), "every request needs a timeout"
        self.calls.append(url)
        if self.fail is not None:
            raise self.fail
        parts = urlsplit(url)
        segments = parts.path.split("/")
        kpi = segments[segments.index("kpi") + 1]
        municipality = segments[segments.index("municipality") + 1]
        if kpi in self.status:
            body = json.loads((FIXTURES / "error_500.json").read_text(encoding="utf-8"))
            return FakeResponse(self.status[kpi], body)
        page = parse_qs(parts.query).get("page", ["1"])[0]
        for name in (f"{kpi}_{municipality}_page{page}.json", f"{kpi}_{municipality}.json"):
            path = FIXTURES / name
            if path.is_file():
                return FakeResponse(200, json.loads(path.read_text(encoding="utf-8")))
        return FakeResponse(404, {"detail": "Not Found"})


class Terminal(io.StringIO):
    """Stdin that claims to be a terminal, with the answer already typed."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(requests.Session, "request", refuse)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project root with one unit (klk, 2016) whose files follow docs/data-format.md."""
    root = tmp_path / "projekt"
    (root / "params" / "2016").mkdir(parents=True)
    (root / "params" / "2016" / "klk.yaml").write_text(
        "år: 2016\nenhet: klk\ntitel: Verksamhetsuppföljning 2016\n", encoding="utf-8"
    )
    unit = root / "data" / "2016" / "klk"
    unit.mkdir(parents=True)
    (root / "data" / "kolada.csv").write_text(MAPPING, encoding="utf-8")
    # The kommun (and its Kolada code) come from the report definition, as in a real project.
    shutil.copy(REPO_ROOT / "data" / "rapport.yaml", root / "data" / "rapport.yaml")
    write(unit / "indikatorer.csv", INDICATORS)
    write(unit / "indikatorvarden.csv", INDICATOR_VALUES)
    write(unit / "nyckeltal.csv", KEY_FIGURES)
    write(unit / "nyckeltalsvarden.csv", KEY_FIGURE_VALUES)
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    yield root


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def args(**overrides: Any) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    kolada.add_arguments(parser)
    argv = ["--year", "2016"]
    for name, value in overrides.items():
        if value is True:
            argv.append(f"--{name}")
        elif value is not None:
            argv += [f"--{name}", str(value)]
    return parser.parse_args(argv)


def unit_file(root: Path, name: str) -> Path:
    return root / "data" / "2016" / "klk" / name


# --------------------------------------------------------------------------- parsing


def test_parse_response_takes_the_total_and_keeps_null_missing() -> None:
    body = json.loads((FIXTURES / "U00402_1497.json").read_text(encoding="utf-8"))
    values = {v.period: v.value for v in parse_response(body)}
    assert values == {2012: 53.0, 2014: 58.0, 2016: None}  # not K (55) or M (61); null stays None


def test_parse_response_gender_split_can_be_asked_for() -> None:
    body = json.loads((FIXTURES / "U00402_1497.json").read_text(encoding="utf-8"))
    assert [v.value for v in parse_response(body, gender="K")] == [54.0, 55.0, 61.0]


def test_parse_response_period_without_total_is_missing_not_zero() -> None:
    body = {
        "values": [
            {"kpi": "N1", "municipality": "1497", "period": "2015", "values": []},
            {
                "kpi": "N1",
                "municipality": "1497",
                "period": 2016,
                "values": [{"gender": "K", "value": 3}],
            },
        ]
    }
    assert [(v.period, v.value) for v in parse_response(body)] == [(2015, None), (2016, None)]


@pytest.mark.parametrize("body", [None, [], {"value": []}, {"values": "x"}])
def test_parse_response_refuses_an_unexpected_shape(body: object) -> None:
    with pytest.raises(KoladaError, match="oväntat format"):
        parse_response(body)


def test_format_number() -> None:
    assert format_number(9052.0) == "9052"
    assert format_number(7.25) == "7.25"
    assert format_number(7.25, decimal_comma=True) == "7,25"
    assert format_number(-3.0) == "-3"
    assert format_number(0.1 + 0.2) == "0.30000000000000004"  # exact, never silently rounded


# --------------------------------------------------------------------------- client


def test_client_follows_next_url_and_caches_every_page(tmp_path: Path) -> None:
    session = FakeSession()
    client = Client(tmp_path / "cache", session=session, today=TODAY)
    values = client.fetch("N01951", "1497", [2016, 2013, 2014, 2015])
    assert {y: v.value for y, v in values.items()} == {
        2013: 8805.0,
        2014: 8885.0,
        2015: 8900.0,
        2016: 9052.0,
    }
    assert all(v.retrieved == TODAY for v in values.values())
    assert len(session.calls) == 2
    first, second = session.calls
    assert first.startswith(
        "https://api.kolada.se/v3/data/kpi/N01951/municipality/1497/year/2013,2014,2015,2016"
    )
    assert "per_page=" in first
    assert parse_qs(urlsplit(second).query)["page"] == ["2"]
    cached = sorted((tmp_path / "cache").glob("*.json"))
    assert len(cached) == 2
    saved = [json.loads(p.read_text(encoding="utf-8")) for p in cached]
    assert {s["url"] for s in saved} == {first, second}
    assert {s["hämtad"] for s in saved} == {"2024-05-02"}


def test_client_uses_the_cache_offline_and_refresh_fetches_again(tmp_path: Path) -> None:
    Client(tmp_path, session=FakeSession(), today=TODAY).fetch("N00090", "1497", [2016])
    offline = FakeSession(fail=requests.ConnectionError("no network"))
    values = Client(tmp_path, session=offline, today=LATER).fetch("N00090", "1497", [2016])
    assert offline.calls == []
    assert values[2016].value == 7.25
    assert values[2016].retrieved == TODAY  # the date it was really fetched, not today

    online = FakeSession()
    fresh = Client(tmp_path, session=online, refresh=True, today=LATER).fetch(
        "N00090", "1497", [2016]
    )
    assert len(online.calls) == 1
    assert fresh[2016].retrieved == LATER

    with pytest.raises(KoladaUnavailable, match="kör utan --refresh"):
        Client(tmp_path, session=offline, refresh=True).fetch("N00090", "1497", [2016])


def test_client_only_returns_requested_years(tmp_path: Path) -> None:
    values = Client(tmp_path, session=FakeSession()).fetch("N00090", "1497", [2014])
    assert list(values) == [2014]


def test_client_http_error_is_a_clear_error_and_is_not_cached(tmp_path: Path) -> None:
    session = FakeSession(status={"N00090": 500})
    with pytest.raises(KoladaError, match="fel 500") as caught:
        Client(tmp_path / "cache", session=session).fetch("N00090", "1497", [2016])
    assert not isinstance(caught.value, KoladaUnavailable)
    assert "försök igen senare" in str(caught.value)
    assert not (tmp_path / "cache").exists()


def test_client_unknown_kpi_points_at_the_mapping(tmp_path: Path) -> None:
    with pytest.raises(KoladaError, match="fel 404.*data/kolada.csv"):
        Client(tmp_path, session=FakeSession()).fetch("N12345", "1497", [2016])


def test_client_timeout_says_kolada_could_not_be_reached(tmp_path: Path) -> None:
    session = FakeSession(fail=requests.Timeout("read timed out"))
    with pytest.raises(KoladaUnavailable) as caught:
        Client(tmp_path / "cache", session=session).fetch("N00090", "1497", [2016])
    message = str(caught.value)
    assert message.startswith("Kolada kunde inte nås")
    assert "tidsgränsen" in message
    assert "inga sparade svar" in message
    assert not (tmp_path / "cache").exists()


def test_client_refuses_a_page_loop(tmp_path: Path) -> None:
    class Loop(FakeSession):
        def get(self, url: str, **kwargs: Any) -> FakeResponse:
            self.calls.append(url)
            return FakeResponse(200, {"values": [], "next_url": url})

    with pytest.raises(KoladaError, match="slinga"):
        Client(tmp_path, session=Loop()).fetch("N00090", "1497", [2016])


# --------------------------------------------------------------------------- mapping


def test_load_mapping_reads_rows_and_skips_undocumented_kpis(project: Path) -> None:
    rows = load_mapping(project / "data" / "kolada.csv", "data/kolada.csv")
    assert [(r.kind, r.item_id, r.kpi, r.comparison) for r in rows] == [
        ("indikator", "kf1_befolkning", "N01951", None),
        ("indikator", "kf1_nri", "U00402", "0000"),  # riket
        ("nyckeltal", "sjukfranvaro", "N00090", None),
        ("nyckeltal", "lonegap", "N99999", None),
    ]
    assert rows[0].applies_to("bou")
    assert rows[1].applies_to("klk") and not rows[1].applies_to("bou")


def test_load_mapping_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "kolada.csv"
    write(
        path,
        "typ,id,kpi,jämförelse,enheter\n"
        "indikatorer,a,N00001,,*\n"
        "indikator,b,1951,,*\n"
        "indikator,c,N00001,medel,*\n"
        "indikator,d,N00001,,KLK!\n"
        "nyckeltal,e,N00001,,klk bou\n"
        "nyckeltal,e,N00002,,*\n"
        "nyckeltal,f,N00001,,klk\n"
        "nyckeltal,f,N00002,,bou\n",  # different units: fine
    )
    with pytest.raises(DataError) as caught:
        load_mapping(path, "data/kolada.csv")
    rows = [p.row for p in caught.value.problems]
    assert rows == [2, 3, 4, 5, 7]
    assert "riket" in str(caught.value)
    assert "kopplas redan på rad 6" in str(caught.value)


# --------------------------------------------------------------------------- pure change set


def target(old: str, year: int = 2016, *, comma: bool = False) -> Target:
    return Target(
        path=Path("x.csv"),
        record=1,
        line=2,
        column="värde",
        kind="nyckeltal",
        item_id="sjukfranvaro",
        year=year,
        old=old,
        kpi="N00090",
        municipality="1497",
        decimal_comma=comma,
    )


def test_compute_changes_rules() -> None:
    def value(year: int, number: float | None) -> tuple[tuple[str, str, int], KoladaValue]:
        return ("N00090", "1497", year), KoladaValue("N00090", "1497", year, number, TODAY)

    values = dict(
        [
            value(2010, 5.13),
            value(2011, 5.9),
            value(2012, None),
            value(2014, 7.0),
            value(2015, 41575.0),
            value(2016, 7.25),
        ]
    )
    targets = [
        target("5,1", 2010),  # typed with one decimal: 5.13 is the same number
        target("5.6", 2011),  # differs: overwrite
        target("4.2", 2012),  # Kolada has null: stays as typed
        target("", 2013),  # Kolada has no row: stays empty
        target("Aug. 2017", 2014),  # not a number: an overwrite that needs a yes
        target("41 575", 2015),  # thousands separator
        target("", 2016, comma=True),  # empty: filled, with the file's decimal comma
    ]
    changes = compute_changes(targets, values)
    assert [(c.target.year, c.new, c.overwrites) for c in changes] == [
        (2011, "5.9", True),
        (2014, "7", True),
        (2016, "7,25", False),
    ]
    assert all(c.retrieved == TODAY for c in changes)


def test_compute_changes_fills_a_comparison_only_next_to_a_value() -> None:
    def cell(record: int, column: str, old: str, where: str) -> Target:
        return replace(target(old), record=record, column=column, municipality=where)

    values = {
        ("N00090", "1497", 2016): KoladaValue("N00090", "1497", 2016, None, TODAY),
        ("N00090", "0000", 2016): KoladaValue("N00090", "0000", 2016, 60.0, TODAY),
    }
    targets = [
        cell(1, "värde", "", "1497"),  # Kolada has no value: the row stays empty ...
        cell(1, "jämförelse", "", "0000"),  # ... so no comparison either
        cell(2, "värde", "62", "1497"),  # typed value
        cell(2, "jämförelse", "", "0000"),  # comparison filled next to it
    ]
    changes = compute_changes(targets, values)
    assert [(c.target.record, c.target.column, c.new) for c in changes] == [(2, "jämförelse", "60")]


# --------------------------------------------------------------------------- writing


def test_apply_changes_keeps_untouched_bytes_quotes_and_existing_column(tmp_path: Path) -> None:
    path = tmp_path / "indikatorvarden.csv"
    original = (
        "indikator_id,period,värde,jämförelse,notering,kolada_hämtad\r\n"
        '"kf1_nri",2012,53,57,"Mätt, men ""preliminärt""",2020-01-01\r\n'
        'kf1_nri,2014,,,"två\r\nrader",\r\n'
        "\r\n"
        "kf1_nri,2016,62,,x,\r\n"
        "kf9_kommunranking,2016,166,,,"
    )
    write(path, original)
    record = 2  # the 2014 row (its quoted field spans two lines)
    changes = [
        Change(
            Target(
                path=path,
                record=record,
                line=3,
                column="värde",
                kind="indikator",
                item_id="kf1_nri",
                year=2014,
                old="",
                kpi="U00402",
                municipality="1497",
            ),
            "58",
            TODAY,
        ),
        Change(
            Target(
                path=path,
                record=record,
                line=3,
                column="jämförelse",
                kind="indikator",
                item_id="kf1_nri",
                year=2014,
                old="",
                kpi="U00402",
                municipality="0000",
            ),
            "57,4",
            LATER,
        ),
    ]
    apply_changes(path, changes)
    assert read(path) == original.replace(
        'kf1_nri,2014,,,"två\r\nrader",\r\n',
        'kf1_nri,2014,58,"57,4","två\r\nrader",2024-06-01\r\n',
    )


def test_apply_changes_refuses_when_the_file_changed_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "nyckeltalsvarden.csv"
    write(path, "nyckeltal_id,år,värde\nsjukfranvaro,2016,\n")
    change = Change(
        Target(
            path=path,
            record=1,
            line=2,
            column="värde",
            kind="nyckeltal",
            item_id="sjukfranvaro",
            year=2016,
            old="",
            kpi="N00090",
            municipality="1497",
        ),
        "7.25",
        TODAY,
    )
    write(path, "nyckeltal_id,år,värde\nsjukfranvaro,2016,7.3\n")  # someone typed meanwhile
    with pytest.raises(KoladaError, match="ändrades medan"):
        apply_changes(path, [change])
    assert read(path) == "nyckeltal_id,år,värde\nsjukfranvaro,2016,7.3\n"
    assert [p.name for p in tmp_path.iterdir()] == ["nyckeltalsvarden.csv"]


# --------------------------------------------------------------------------- the command


def test_run_with_yes_fills_overwrites_and_keeps_the_history(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = FakeSession()
    status = kolada.run(args(yes=True), session=session, stdin=io.StringIO(""), today=TODAY)
    assert status == 0

    assert read(unit_file(project, "indikatorvarden.csv")) == (
        "indikator_id,period,värde,jämförelse,notering,kolada_hämtad\n"
        "kf1_befolkning,2013,8 805,,,\n"  # same number as Kolada's: untouched
        "kf1_befolkning,2014,8885,,,\n"
        "kf1_befolkning,2015,8900,,,2024-05-02\n"  # typed 8893, Kolada 8900: overwritten
        "kf1_befolkning,2016,9052,,,2024-05-02\n"  # empty: filled
        "kf1_nri,2012,53,57,,\n"
        "kf1_nri,2010-2013,,,Ingen mätning gjordes,\n"  # a period, not a year: not asked for
        "kf1_nri,2014,58,57.4,,2024-05-02\n"  # comparison (riket) filled
        'kf1_nri,2016,,,"Aug. 2017, preliminärt",\n'  # null stays missing, so no comparison
        "kf9_kommunranking,2016,166,,,\n"  # not in Kolada
    )
    assert read(unit_file(project, "nyckeltalsvarden.csv")) == (
        BOM
        + "nyckeltal_id;år;värde;kolada_hämtad\r\n"
        + "sjukfranvaro;2013;5,1;\r\n"  # 5.13 rounds to the typed 5,1
        + "sjukfranvaro;2014;5,9;2024-05-02\r\n"
        + "sjukfranvaro;2015;6,8;\r\n"
        + "sjukfranvaro;2016;7,25;2024-05-02\r\n"
        + "lonegap;2016;;\r\n"  # computed key figure: never fetched
    )
    fetched = {urlsplit(url).path for url in session.calls}
    assert fetched == {
        "/v3/data/kpi/N01951/municipality/1497/year/2013,2014,2015,2016",
        "/v3/data/kpi/U00402/municipality/1497/year/2012,2014,2016",
        "/v3/data/kpi/U00402/municipality/0000/year/2012,2014,2016",
        "/v3/data/kpi/N00090/municipality/1497/year/2013,2014,2015,2016",
    }
    out = capsys.readouterr().out
    assert "data/2016/klk/indikatorvarden.csv (Kolada, hämtad 2024-05-02)" in out
    assert "skrivs över" in out and "fylls i" in out
    assert "lonegap räknas ut" in out
    assert "Skrev 3 värden från Kolada till data/2016/klk/indikatorvarden.csv." in out

    # A second run, offline, answers from the cache and finds nothing left to change.
    offline = FakeSession(fail=requests.ConnectionError("no network"))
    assert kolada.run(args(yes=True), session=offline, stdin=io.StringIO("")) == 0
    assert offline.calls == []
    assert "Inga ändringar" in capsys.readouterr().out


def test_run_without_a_terminal_fills_but_does_not_overwrite(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = kolada.run(args(), session=FakeSession(), stdin=io.StringIO("j\n"), today=TODAY)
    assert status == 0
    values = read(unit_file(project, "indikatorvarden.csv"))
    assert "kf1_befolkning,2015,8893,,,\n" in values  # typed by hand: kept
    assert "kf1_befolkning,2016,9052,,,2024-05-02\n" in values  # empty: filled
    key_figures = read(unit_file(project, "nyckeltalsvarden.csv"))
    assert "sjukfranvaro;2014;5,6;\r\n" in key_figures
    assert "sjukfranvaro;2016;7,25;2024-05-02\r\n" in key_figures
    out = capsys.readouterr().out
    assert "2 värden som skrivits in för hand skrevs inte över" in out
    assert "--yes" in out


@pytest.mark.parametrize(("answer", "overwritten"), [("j\n", True), ("n\n", False), ("", False)])
def test_run_asks_on_a_terminal_before_overwriting(
    project: Path, capsys: pytest.CaptureFixture[str], answer: str, overwritten: bool
) -> None:
    status = kolada.run(args(), session=FakeSession(), stdin=Terminal(answer), today=TODAY)
    assert status == 0
    assert "Skriva över 2 värden" in capsys.readouterr().out
    key_figures = read(unit_file(project, "nyckeltalsvarden.csv"))
    expected = "sjukfranvaro;2014;5,9;2024-05-02\r\n" if overwritten else "sjukfranvaro;2014;5,6;"
    assert expected in key_figures
    assert "sjukfranvaro;2016;7,25;2024-05-02\r\n" in key_figures  # filled either way


def test_workbook_kolada_offline_without_cache_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from helpers import cli

    offline = FakeSession(fail=requests.ConnectionError("Name or service not known"))
    monkeypatch.setattr(requests, "Session", lambda: offline)
    before = snapshot(project / "data")

    status = cli.main(["kolada", "--year", "2016", "--unit", "klk", "--yes"])

    assert status != 0
    assert len(offline.calls) == 1  # gave up at the first unreachable request
    err = capsys.readouterr().err
    assert "Kolada kunde inte nås" in err
    assert "inga sparade svar" in err
    assert "Ingenting ändrades" in err
    assert snapshot(project / "data") == before
    assert not (project / ".cache").exists()


def test_command_http_error_changes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "Session", lambda: FakeSession(status={"N00090": 500}))
    before = snapshot(project / "data")
    with pytest.raises(KoladaError, match="fel 500.*Ingenting ändrades"):
        kolada.command(args(yes=True))
    assert snapshot(project / "data") == before


def test_units_come_from_params_and_the_mapping_filters_them(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "params" / "2016" / "bou.yaml").write_text("år: 2016\nenhet: bou\n", "utf-8")
    bou = project / "data" / "2016" / "bou"
    bou.mkdir()
    write(
        bou / "indikatorvarden.csv",
        "indikator_id,period,värde,jämförelse,notering\nkf1_nri,2016,,,\nkf1_befolkning,2016,,,\n",
    )
    session = FakeSession()
    assert kolada.run(args(yes=True), session=session, stdin=io.StringIO(""), today=TODAY) == 0
    # kf1_nri is mapped for klk only; kf1_befolkning for every unit.
    assert read(bou / "indikatorvarden.csv") == (
        "indikator_id,period,värde,jämförelse,notering,kolada_hämtad\n"
        "kf1_nri,2016,,,,\n"
        "kf1_befolkning,2016,9052,,,2024-05-02\n"
    )
    assert "bou: data/2016/bou/nyckeltalsvarden.csv finns inte" in capsys.readouterr().out


def test_unknown_unit_is_a_parameter_error(project: Path) -> None:
    with pytest.raises(ParameterError, match="Enheten xyz har ingen data för 2016"):
        kolada.command(args(unit="xyz"))


# --------------------------------------------------------------------------- end to end


def test_fetched_value_reaches_the_report_with_its_source(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real KLK 2016 data: an emptied cell is filled from Kolada and the goal table shows
    the value, formatted the Swedish way, with *Källa: Kolada, hämtad …* under it."""
    from helpers.report import goals_of, key_figures, section

    # Keep the rows of the real mapping that have recorded responses (or no KPI at all).
    mapping = workspace / "data" / "kolada.csv"
    recorded = {p.name.split("_")[0] for p in FIXTURES.glob("*.json")}
    header, *rows = read(mapping).splitlines(keepends=True)
    kept = [row for row in rows if next(csv.reader([row]))[2] in recorded | {""}]
    assert any(row.startswith("indikator,kf1_befolkning,N01951,") for row in kept)
    write(mapping, header + "".join(kept))

    values_file = unit_file(workspace, "indikatorvarden.csv")
    before = read(values_file)
    assert "kf1_befolkning,2016,9052,,\n" in before
    write(values_file, before.replace("kf1_befolkning,2016,9052,,\n", "kf1_befolkning,2016,,,\n"))

    status = kolada.run(args(unit="klk"), session=FakeSession(), stdin=io.StringIO(""), today=TODAY)
    assert status == 0
    after = read(values_file)
    assert "kf1_befolkning,2016,9052,,,2024-05-02\n" in after
    assert "kf1_befolkning,2015,8893,,,\n" in after  # typed by hand, no --yes: history intact
    assert "2 värden som skrivits in för hand skrevs inte över" in capsys.readouterr().out

    html = goals_of(section(2016, "klk", "kf_mal")).data
    assert "Källa: Kolada, hämtad 2 maj 2024" in html  # TODAY, as a reader reads a date
    assert "9\u00a0052" in html  # Swedish thousands separator (a non-breaking space)
    figures = key_figures(section(2016, "klk", "nyckeltal")).data
    assert "Källa: Kolada, hämtad 2 maj 2024" in figures  # sjukfranvaro 2016


@pytest.mark.parametrize(
    "broken", [float("nan"), float("inf"), -float("inf"), 1e308, "NaN", "Infinity", "-1e308"]
)
def test_a_non_finite_or_absurd_value_from_kolada_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, broken: object
) -> None:
    class BrokenAnswer(FakeSession):
        def get(self, url: str, **kwargs: Any) -> FakeResponse:
            response = super().get(url, **kwargs)
            if "/kpi/N01951/" in url and response.status_code == 200:
                body = json.loads(json.dumps(response.json()))
                for entry in body["values"][-1]["values"]:
                    entry["value"] = broken
                return FakeResponse(200, body)
            return response

    monkeypatch.setattr(requests, "Session", BrokenAnswer)
    before = snapshot(project / "data")
    with pytest.raises(KoladaError, match="inget rimligt tal.*Ingenting ändrades"):
        kolada.command(args(yes=True))
    assert snapshot(project / "data") == before


# ----------------------------------------------------------------- named comparison groups

GROUP = "  liknande:\n    kolada: G136372\n    namn: Liknande kommuner (inspelat exempel)\n"


def test_a_named_group_is_fetched_with_its_date_and_gives_the_comparison_its_name(
    project: Path,
) -> None:
    """``jämförelse: liknande`` in kolada.csv fetches the group's values (recorded response,
    ``fixtures/kolada/U00402_G136372.json``, in the v3 shape) and names the comparison."""
    from helpers.core.paths import Project
    from helpers.data.kolada_groups import comparison_names

    definition = project / "data" / "rapport.yaml"
    text = definition.read_text(encoding="utf-8")
    definition.write_text(text.replace("jämförelsegrupper:\n", "jämförelsegrupper:\n" + GROUP))
    mapping = project / "data" / "kolada.csv"
    write(mapping, MAPPING.replace("U00402,riket,klk", "U00402,liknande,klk"))
    session = FakeSession()
    assert kolada.run(args(yes=True), session=session, stdin=io.StringIO(""), today=TODAY) == 0
    assert "/v3/data/kpi/U00402/municipality/G136372/year/2012,2014,2016" in {
        urlsplit(url).path for url in session.calls
    }
    values = read(unit_file(project, "indikatorvarden.csv"))
    assert "kf1_nri,2014,58,59.2,,2024-05-02\n" in values
    assert comparison_names(Project(project), "klk") == {
        "kf1_nri": "Liknande kommuner (inspelat exempel)"
    }


def test_a_comparison_group_that_is_not_named_is_refused(project: Path) -> None:
    write(
        project / "data" / "kolada.csv", MAPPING.replace("U00402,riket,klk", "U00402,grannar,klk")
    )
    with pytest.raises(DataError) as caught:
        kolada.run(args(yes=True), session=FakeSession(), stdin=io.StringIO(""), today=TODAY)
    assert caught.value.problems[0].column == "jämförelse"
    assert "jämförelsegrupper" in (caught.value.problems[0].hint or "")
