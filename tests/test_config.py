from __future__ import annotations

from pathlib import Path

import pytest

from earful.config import default_config_text, load_config, parse_config
from earful.errors import ConfigError
from tests.conftest import ROOT

BRAND = {"name": "Kestrel", "aliases": ["Kestrel Goods"]}


def test_working_example_is_valid_and_is_the_embedded_default() -> None:
    settings = load_config(ROOT / "config.toml")
    assert [b.name for b in settings.brands] == ["Kestrel", "Trovia", "Nimbus"]
    assert settings.sources["sample-x"].interval == 900
    # The embedded default (used when no config file is found) is the same working example.
    assert default_config_text() == (ROOT / "config.toml").read_text(encoding="utf-8")


def test_error_names_the_key_what_was_expected_and_what_was_found() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"brands": [{"name": "Kestrel", "aliases": "Kestrel Goods"}]})
    message = str(caught.value)
    assert "brands[0].aliases" in message
    assert "valid list" in message and "'Kestrel Goods'" in message and "(str)" in message


def test_unknown_keys_are_errors_not_silently_ignored() -> None:
    with pytest.raises(ConfigError, match=r"brands\[0\]\.alias: Extra inputs"):
        parse_config({"brands": [{"name": "Kestrel", "alias": ["K"]}]})


def test_durations_and_ranges() -> None:
    data = {"brands": [BRAND], "sources": {"s": {"type": "replay", "platform": "x",
                                                  "paths": ["a.ndjson"], "interval": "1h"}}}
    assert parse_config(data).sources["s"].interval == 3600
    data["sources"]["s"]["interval"] = "soon"
    with pytest.raises(ConfigError, match=r"sources\.s\.interval: expected a duration"):
        parse_config(data)
    with pytest.raises(ConfigError, match=r"scoring\.complaint: Input should be less than or"):
        parse_config({"brands": [BRAND], "scoring": {"complaint": 3}})
    with pytest.raises(ConfigError, match=r"scoring\.risk: .*high \(1\.0\) must be greater"):
        parse_config({"brands": [BRAND], "scoring": {"risk": {"medium": 2, "high": 1}}})


def test_a_pasted_secret_is_refused_and_never_echoed() -> None:
    token = "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI"
    data = {"brands": [BRAND],
            "sources": {"x": {"type": "x", "credentials": {"bearer_token": token}}}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert "sources.x.credentials" in str(caught.value)
    assert "NAME of an environment variable" in str(caught.value)
    assert token not in str(caught.value)


def test_replay_source_needs_platform_and_paths() -> None:
    with pytest.raises(ConfigError, match="needs platform"):
        parse_config({"brands": [BRAND], "sources": {"r": {"type": "replay", "paths": ["a"]}}})


def test_at_least_one_brand_of_ours_and_no_duplicates() -> None:
    with pytest.raises(ConfigError, match="role = 'brand'"):
        parse_config({"brands": [{"name": "Trovia", "role": "competitor"}]})
    with pytest.raises(ConfigError, match="defined twice"):
        parse_config({"brands": [BRAND, {"name": "kestrel"}]})


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("[store\npath = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_paths_resolve_beside_the_config_and_env_overrides(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[store]\npath = "data/e.db"\n[[brands]]\nname = "Kestrel"\n')
    monkeypatch.delenv("EARFUL_DB", raising=False)
    assert load_config(config).db_path == tmp_path / "data" / "e.db"
    monkeypatch.setenv("EARFUL_DB", str(tmp_path / "other.db"))
    assert load_config(config).db_path == tmp_path / "other.db"


def test_topics_and_brand_queries_are_validated_naming_the_key() -> None:
    brand = {"name": "K"}
    with pytest.raises(ConfigError, match=r"topics\[1\]\.query: .*position 13: expected '\)'"):
        parse_config({"brands": [brand], "topics": [{"name": "a", "query": "x"},
                                                      {"name": "b", "query": "refund (late"}]})
    with pytest.raises(ConfigError, match=r"topics: .*defined twice: \['a'\]"):
        parse_config({"brands": [brand], "topics": [{"name": "a", "query": "x"},
                                                      {"name": "A", "query": "y"}]})
    with pytest.raises(ConfigError, match=r"brands\[0\]\.query: .*position"):
        parse_config({"brands": [{"name": "K", "query": "kestrel AND"}]})
    with pytest.raises(ConfigError, match=r"sources\.r\.watch: .*'r/Camping Gear'"):
        parse_config({"brands": [brand], "sources": {"r": {
            "type": "reddit", "watch": ["r/r/Camping Gear"]}}})


def test_the_support_priority_needs_an_sla_policy() -> None:
    from tests.test_cases import ROSTER

    config = {**ROSTER, "community": {"brand": "Kestrel", "support_channel": 42,
                                      "support_priority": "p9"}}
    with pytest.raises(ConfigError, match=r"sla: no policy for priority 'p9'"):
        parse_config(config)
    config["community"]["support_priority"] = "p1"
    assert parse_config(config).community.support_priority == "p1"
