"""Shared fixtures: the repo's paths and the optional ../shared folder."""
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# the repository's tools (generated corpora, the bench): `from tools.corpus import make_corpus`
sys.path.insert(0, str(REPO))
# test-data builders shared by several test modules: `import analyst_dataset`
sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared seeds and gold folder; tests that need it skip when it is absent."""
    if not (SHARED / "gold").is_dir() or not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED} (seeds and gold) not present")
    return SHARED


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import build_nlp

    return build_nlp()


@pytest.fixture
def deny(monkeypatch):
    """``deny(module, "name", suffix)``: ``module.name(path)`` raises PermissionError for a
    path ending in ``suffix``, as after a chmod 000 (which does not stop root, who runs CI);
    ``deny.undo()`` gives the denied functions back (and nothing else the test patched)."""
    reals: list[tuple[object, str, object]] = []

    def denied(module, name: str, suffix: str) -> None:
        real = getattr(module, name)
        reals.append((module, name, real))

        def refuse(path, *args, **kwargs):
            if str(path).endswith(suffix):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args, **kwargs)

        monkeypatch.setattr(module, name, refuse)

    def undo() -> None:
        while reals:
            module, name, real = reals.pop()
            setattr(module, name, real)

    denied.undo = undo
    return denied
