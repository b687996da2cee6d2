"""Users for the web door: scrypt hashes with a salt, wrong passwords, disabled users, roles and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.db import Base, build_engine, build_sessionmaker
from assistant.errors import BadRequestError, NotFoundError
from assistant.settings import Settings
from assistant.users import UserStore, check_password, has_role, hash_password


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    engine = build_engine(f"sqlite:///{tmp_path / 'users.db'}")
    Base.metadata.create_all(engine)
    return UserStore(build_sessionmaker(engine))


def test_hashes_are_salted_and_verify() -> None:
    one, two = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert one != two and one.startswith("scrypt$") and "correct" not in one
    assert check_password("correct horse battery", one) and check_password("correct horse battery", two)
    assert not check_password("wrong horse battery", one)
    assert not check_password("anything", "not-a-hash") and not check_password("x", "md5$1$2$3$ab$cd")


def test_add_and_verify(store: UserStore) -> None:
    added = store.add("a.khan", "a-long-password", "policy_officer")
    assert (added.username, added.role, added.disabled) == ("a.khan", "policy_officer", False)
    assert store.verify("a.khan", "a-long-password") == added
    assert store.verify("a.khan", "wrong-password") is None
    assert store.verify("nobody", "a-long-password") is None
    with pytest.raises(BadRequestError, match="already"):
        store.add("a.khan", "another-password", "staff")


def test_disabled_users_cannot_sign_in(store: UserStore) -> None:
    store.add("b.jones", "a-long-password", "staff")
    assert store.disable("b.jones").disabled
    assert store.verify("b.jones", "a-long-password") is None and store.get("b.jones") is None
    assert [(u.username, u.disabled) for u in store.list()] == [("b.jones", True)]
    with pytest.raises(NotFoundError):
        store.disable("nobody")


def test_roles_rank_and_are_checked(store: UserStore) -> None:
    assert has_role("admin", "policy_officer") and has_role("policy_officer", "staff")
    assert not has_role("staff", "policy_officer") and not has_role("nonsense", "staff")
    assert store.add("c", "a-long-password", "admin").may("policy_officer")
    assert not store.add("d", "a-long-password", "staff").may("policy_officer")
    with pytest.raises(BadRequestError, match="role"):
        store.add("e", "a-long-password", "superuser")
    with pytest.raises(BadRequestError, match="too short"):
        store.add("f", "short", "staff")
    with pytest.raises(BadRequestError, match="username"):
        store.add("../x", "a-long-password", "staff")


def test_cli_adds_lists_and_disables(tmp_path: Path) -> None:
    cli._State.settings = Settings(data_dir=tmp_path, database_url="", embedder="fake")  # type: ignore[call-arg]
    runner = CliRunner()
    try:
        added = runner.invoke(cli.app, ["users", "add", "d.officer", "--role", "policy_officer",
                                        "--password-stdin"], input="a-long-password\n")
        assert added.exit_code == 0, added.output
        prompted = runner.invoke(cli.app, ["users", "add", "e.staff"], input="pw-typed-twice\npw-typed-twice\n")
        assert prompted.exit_code == 0 and "pw-typed-twice" not in prompted.output
        listed = runner.invoke(cli.app, ["users", "list", "--json"])
        assert '"d.officer"' in listed.output and '"policy_officer"' in listed.output and '"staff"' in listed.output
        assert runner.invoke(cli.app, ["users", "disable", "e.staff"]).exit_code == 0
        assert '"disabled": true' in runner.invoke(cli.app, ["users", "list", "--json"]).output
    finally:
        cli._State.settings = None
