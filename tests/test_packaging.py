from __future__ import annotations

import fnmatch
import tomllib

from tests.conftest import ROOT


def test_every_data_file_is_shipped_by_pip_install() -> None:
    """`pip install .` (not only -e) must carry the sample, the model and the default config."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]
    for package in ("earful", "listener"):
        root = ROOT / package
        for path in root.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(root).as_posix()
            patterns = package_data.get(package, [])
            assert any(fnmatch.fnmatch(relative, p) for p in patterns), f"{package}/{relative}"
