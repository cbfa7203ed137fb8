"""The response cache: offline answers, byte-identical replays, time-to-live."""

from __future__ import annotations

from .conftest import WB, add_wb_country, run, wb_page

SERIES = "IP.PAT.RESD"


def _mock(rs, value: float = 42446.0) -> None:
    add_wb_country(rs)
    rs.get(
        f"{WB}/country/all/indicator/{SERIES}",
        body=wb_page(
            SERIES,
            "Patent applications, residents",
            [("DEU", "Germany", 2020, value), ("KOR", "Korea, Rep.", 2020, 180477.0)],
        ),
    )


def test_offline_with_an_empty_cache_names_what_is_missing(mocked, tmp_path, capsys):
    code, _, err = run(
        ["data", "fetch", "worldbank", SERIES, "--offline", "--out", tmp_path / "x.csv"], capsys
    )
    assert code == 2 and err.count("\n") == 1
    assert "offline and not in the cache: worldbank country list page 1" in err
    assert f"{WB}/country?format=json" in err
    assert len(mocked.calls) == 0  # offline never touches the transport
    assert list(tmp_path.glob("x.csv*")) == []


def test_offline_names_the_missing_series_when_the_rest_is_cached(mocked, tmp_path, capsys):
    _mock(mocked)
    assert run(["data", "fetch", "worldbank", SERIES, "--out", tmp_path / "a.csv"], capsys)[0] == 0
    code, _, err = run(
        [
            "data",
            "fetch",
            "worldbank",
            SERIES,
            "IP.PAT.NRES",
            "--offline",
            "--out",
            tmp_path / "b.csv",
        ],
        capsys,
    )
    assert code == 2 and "offline and not in the cache: worldbank indicator IP.PAT.NRES" in err
    assert not (tmp_path / "b.csv").exists()


def test_warm_cache_reproduces_the_file_byte_for_byte(mocked, tmp_path, capsys):
    _mock(mocked)
    first, second = tmp_path / "online.csv", tmp_path / "offline.csv"
    assert run(["data", "fetch", "worldbank", SERIES, "--out", first], capsys)[0] == 0
    n = len(mocked.calls)
    code, _, err = run(["data", "fetch", "worldbank", SERIES, "--offline", "--out", second], capsys)
    assert code == 0, err
    assert len(mocked.calls) == n
    assert first.read_bytes() == second.read_bytes()
    # The sidecar too, apart from the file name it records: the retrieval times are those of
    # the original responses.
    a = (tmp_path / "online.csv.provenance.json").read_text().replace("online.csv", "F")
    b = (tmp_path / "offline.csv.provenance.json").read_text().replace("offline.csv", "F")
    assert a == b


def test_offline_serves_an_expired_entry(mocked, tmp_path, capsys):
    _mock(mocked)
    assert (
        run(
            ["data", "fetch", "worldbank", SERIES, "--ttl", "0", "--out", tmp_path / "a.csv"],
            capsys,
        )[0]
        == 0
    )
    code, _, err = run(
        ["data", "fetch", "worldbank", SERIES, "--offline", "--out", tmp_path / "b.csv"], capsys
    )
    assert code == 0, err
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_fresh_entries_are_reused_and_ttl_zero_refetches(mocked, tmp_path, capsys):
    _mock(mocked)
    assert run(["data", "fetch", "worldbank", SERIES, "--out", tmp_path / "a.csv"], capsys)[0] == 0
    n = len(mocked.calls)
    assert run(["data", "fetch", "worldbank", SERIES, "--out", tmp_path / "b.csv"], capsys)[0] == 0
    assert len(mocked.calls) == n  # within the TTL: from the cache
    mocked.replace(
        "GET",
        f"{WB}/country/all/indicator/{SERIES}",
        body=wb_page(SERIES, "x", [("DEU", "Germany", 2020, 1.0)]),
    )
    assert (
        run(
            ["data", "fetch", "worldbank", SERIES, "--ttl", "0", "--out", tmp_path / "c.csv"],
            capsys,
        )[0]
        == 0
    )
    assert len(mocked.calls) > n
    assert "1.0" in (tmp_path / "c.csv").read_text()


def test_cache_dir_option(mocked, tmp_path, capsys):
    _mock(mocked)
    cache = tmp_path / "mycache"
    assert (
        run(
            [
                "data",
                "fetch",
                "worldbank",
                SERIES,
                "--cache-dir",
                cache,
                "--out",
                tmp_path / "a.csv",
            ],
            capsys,
        )[0]
        == 0
    )
    assert (cache / "http.sqlite").is_file()
    code, _, err = run(
        ["data", "fetch", "worldbank", SERIES, "--offline", "--out", tmp_path / "b.csv"], capsys
    )
    assert code == 2  # the default cache is another folder, and empty


def test_a_corrupt_cache_file_is_one_line(mocked, tmp_path, capsys):
    cache = tmp_path / "bad"
    cache.mkdir()
    (cache / "http.sqlite").write_bytes(b"this is not a database" * 100)
    code, _, err = run(
        ["data", "fetch", "worldbank", SERIES, "--cache-dir", cache, "--out", tmp_path / "x.csv"],
        capsys,
    )
    assert code == 2 and err.count("\n") == 1, err
    assert "the response cache cannot be used" in err and "http.sqlite" in err
    assert not (tmp_path / "x.csv").exists()
