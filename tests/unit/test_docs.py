"""The documentation stays true: the settings, policy examples and `radar` commands it shows exist.

Every `radar ...` command line in README.md and docs/*.md (in code blocks and in inline code) is
walked down the CLI's own command tree: each word of its path must be a subcommand, and each
option must be one the command it reaches accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from radar.cli.main import app
from radar.policyfile import load
from radar.settings import ClientSettings, Settings

ROOT = Path(__file__).parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]
TREE = get_command(app)


def where(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name


def test_every_setting_is_documented_once() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    for model in (Settings, ClientSettings):
        for name in model.model_fields:
            variable = f"`RADAR_{name.upper()}`"
            assert page.count(f"| {variable} |") == 1, f"{variable} missing from the table"


# Variables the docs name that Radar itself does not read: the test suite does, in this file.
NOT_SETTINGS = {
    "RADAR_TEST_DATABASE_URL": "tests/conftest.py",
    "RADAR_REQUIRE_BROWSER": "tests/support/browser.py",
}
VARIABLE = re.compile(r"\bRADAR_[A-Z0-9_]*\*?")


def test_every_radar_variable_the_docs_name_exists() -> None:
    """`RADAR_SLACK_BOT_TOKEN` must be a setting; `RADAR_SMTP_*` must start some setting's name."""
    known = {f"RADAR_{n.upper()}" for m in (Settings, ClientSettings) for n in m.model_fields}
    known |= set(NOT_SETTINGS)
    unknown = []
    for page in PAGES:
        for n, line in enumerate(page.read_text().splitlines(), 1):
            for found in VARIABLE.finditer(line):
                name = found.group().rstrip("*")
                prefix = name.endswith("_") or found.group().endswith("*")
                if not (any(k.startswith(name) for k in known) if prefix else name in known):
                    unknown.append(f"{where(page)}:{n}: {name} is not in src/radar/settings.py")
    assert unknown == [], "\n".join(unknown)


@pytest.mark.parametrize(("variable", "reader"), NOT_SETTINGS.items())
def test_each_variable_that_is_not_a_setting_is_read_where_we_say(
    variable: str, reader: str
) -> None:
    assert f'"{variable}"' in (ROOT / reader).read_text()


def _yaml_blocks() -> list[tuple[str, str]]:
    blocks = []
    for page in DOCS:
        for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", page.read_text(), re.S)):
            blocks.append((f"{page.name}#{n + 1}", block))
    return blocks


@pytest.mark.parametrize(("where", "text"), _yaml_blocks(), ids=lambda v: str(v)[:30])
def test_every_policy_shown_in_the_docs_loads(where: str, text: str) -> None:
    load.load(text, where)


def _schema_fields() -> set[str]:
    from pydantic import BaseModel

    from radar.policyfile import schema

    models = [m for m in vars(schema).values() if isinstance(m, type) and issubclass(m, BaseModel)]
    return {name for m in models if m is not BaseModel for name in m.model_fields}


def test_policy_page_documents_every_key() -> None:
    page = (ROOT / "docs" / "policy.md").read_text()
    missing = sorted(f for f in _schema_fields() if f"`{f}`" not in page)
    assert missing == [], f"docs/policy.md does not mention: {missing}"


# --- `radar` commands shown in the docs ----------------------------------------------------

SEPARATORS = ("&&", "||", "|", ";", "&", "(", ")")  # where one command ends and another may start
# `radar` and `.venv/bin/radar`; not Slack's `/radar`, nor `R=/path/to/radar`
RADAR = re.compile(r"(?:[^=]+/)?radar")
PLACEHOLDER = re.compile(r"<[^<>]+>|\.\.\.|…")  # `radar <noun> <verb>`, `radar incident ...`
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE = re.compile(r"(`+)((?:(?!\n\s*\n).)+?)\1", re.S)  # a code span, within one paragraph


def shell_words(text: str) -> list[str | None]:
    """The words of a shell command line, unquoted; None where a command ends (``|``, ``&&``,
    ``||``, ``;``, ``&``, ``$(``, parentheses). A ``#`` that starts a word starts a comment; a
    ``$(`` opens a command inside double quotes too. Inside a synopsis's ``[...]``, ``|``
    separates alternatives (``[--open | --ended]``)."""
    words: list[str | None] = []
    word: str | None = None
    quote = ""  # the open quote
    outer: list[str] = []  # the quote each open $( interrupted
    brackets = 0
    i = 0

    def end_word() -> None:
        nonlocal word
        if word is not None:
            words.append(word)
        word = None

    while i < len(text):
        ch = text[i]
        if quote == "'":
            quote = "" if ch == "'" else quote
            word = (word or "") + ("" if ch == "'" else ch)
        elif text.startswith("$(", i):
            end_word()
            words.append(None)
            outer.append(quote)
            quote = ""
            i += 1
        elif quote == '"':
            if ch == "\\" and i + 1 < len(text):
                i += 1
                ch = text[i]
            elif ch == '"':
                quote, ch = "", ""
            word = (word or "") + ch
        elif ch == ")" and outer:
            end_word()
            words.append(None)
            quote = outer.pop()
            word = "" if quote else None
        elif ch.isspace() or (ch == "|" and brackets):
            end_word()
        elif ch == "#" and word is None:
            break
        elif ch in "'\"":
            quote = ch
            word = word or ""
        elif ch == "\\" and i + 1 < len(text):
            i += 1
            word = (word or "") + text[i]
        else:
            sep = next((s for s in SEPARATORS if text.startswith(s, i)), None)
            if sep == "&" and (word or "").endswith(">"):
                sep = None  # 2>&1
            if sep:
                end_word()
                words.append(None)
                i += len(sep)
                continue
            brackets += (ch == "[") - (ch == "]" and brackets > 0)
            word = (word or "") + ch
        i += 1
    end_word()
    return words


def radar_commands(line: str) -> list[list[str]]:
    """The words after each ``radar`` in a shell line, up to where that command ends."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for word in shell_words(line):
        if word is None:
            current = None
        elif current is not None:
            current.append(word)
        elif RADAR.fullmatch(word):
            current = []
            found.append(current)
    return found


def _options(command: Any) -> dict[str, Any]:
    """Every option name the command accepts (``--help`` included) -> its parameter."""
    params = command.get_params(command.context_class(command))
    return {
        name: p
        for p in params
        if p.param_type_name == "option"
        for name in (*p.opts, *p.secondary_opts)
    }


def _bare(word: str) -> str:
    """A synopsis's word without its brackets and repeat mark: ``[--status`` -> ``--status``."""
    return re.sub(r"(\.\.\.|…)$", "", word.strip("[]")).rstrip("]")


def check_command(words: list[str]) -> tuple[tuple[str, ...], str | None]:
    """Walk ``radar WORDS`` down the CLI's command tree: the command path it reaches, and what
    is wrong with it (None when every subcommand and option exists)."""
    command, rest = TREE, list(words)
    path: tuple[str, ...] = ("radar",)
    while hasattr(command, "commands"):  # a group: the next word names a subcommand
        if not rest or PLACEHOLDER.fullmatch(_bare(rest[0])):
            return path, None  # a group named on its own (`radar policy`), or a placeholder
        word = _bare(rest.pop(0))
        if word.startswith("-"):  # --help; `radar --tz ZONE ...`
            name, eq, _ = word.partition("=")
            known_here = _options(command)
            if name not in known_here:
                return path, f"unknown option {name!r} of `{' '.join(path)}`"
            option = known_here[name]
            if not option.is_flag and not option.count and not eq and rest:
                rest.pop(0)  # the option's value
            continue
        if word not in command.commands:
            known = ", ".join(sorted(command.commands))
            return path, f"{word!r} is not a command of `{' '.join(path)}` (it has: {known})"
        command, path = command.commands[word], (*path, word)
    options = _options(command)
    while rest:
        word = _bare(rest.pop(0))
        name, eq, _ = word.partition("=")
        if word == "--":
            break  # everything after is an argument
        if not name.startswith("-") or name == "-" or re.fullmatch(r"-\d.*", name):
            continue  # an argument, a placeholder, stdin, a negative number
        if name not in options:
            known = ", ".join(sorted(options))
            return path, f"unknown option {name!r} of `{' '.join(path)}` (it takes: {known})"
        takes_value = not options[name].is_flag and not options[name].count
        if takes_value and not eq and rest:
            rest.pop(0)  # the option's value, whatever it looks like
    return path, None


def line_problems(line: str) -> list[str]:
    """What is wrong with each `radar` command in one shell line."""
    problems = []
    for words in radar_commands(line):
        _, why = check_command(words)
        if why:
            problems.append(f"`radar {' '.join(words)}`: {why}")
    return problems


@dataclass(frozen=True)
class Shown:
    """A command line as a page shows it: in a code block (continuations joined) or inline."""

    page: Path
    line: int
    text: str

    def problems(self) -> list[str]:
        return [f"{where(self.page)}:{self.line}: {p}" for p in line_problems(self.text)]


def shown_lines(page: Path) -> list[Shown]:
    """Every line of every code block, and the text of every inline code span, of a page, in
    the order of the page."""
    return sorted(_shown(page), key=lambda s: s.line)


def _shown(page: Path) -> Iterator[Shown]:
    lines = page.read_text().splitlines()
    prose = list(lines)
    fence = ""
    pending: tuple[int, str] | None = None  # a code line continued with a backslash
    for n, line in enumerate(lines, 1):
        opens = FENCE.match(line)
        if fence or opens:
            prose[n - 1] = ""
        if opens and (not fence or opens.group(1).startswith(fence)):
            fence = "" if fence else opens.group(1)
            continue
        if not fence:
            continue
        start, text = pending if pending else (n, "")
        text += line
        if text.endswith("\\"):
            pending = (start, text[:-1] + " ")
            continue
        pending = None
        yield Shown(page, start, text)
    text = "\n".join(prose)
    for span in INLINE.finditer(text):
        code = span.group(2).replace("\\|", "|").replace("\n", " ")
        yield Shown(page, text.count("\n", 0, span.start()) + 1, code)


@pytest.mark.parametrize("page", PAGES, ids=where)
def test_every_radar_command_in_the_docs_exists_with_its_options(page: Path) -> None:
    problems = [p for shown in shown_lines(page) for p in shown.problems()]
    assert problems == [], "\n".join(problems)


def _leaves(command: Any, path: tuple[str, ...] = ("radar",)) -> set[tuple[str, ...]]:
    if not hasattr(command, "commands"):
        return {path}
    return {leaf for n, sub in command.commands.items() for leaf in _leaves(sub, (*path, n))}


def test_the_cli_page_shows_every_command() -> None:
    page = ROOT / "docs" / "cli.md"
    shown = {
        check_command(words)[0] for line in shown_lines(page) for words in radar_commands(line.text)
    }
    missing = sorted(" ".join(leaf) for leaf in _leaves(TREE) - shown)
    assert missing == [], f"docs/cli.md does not show: {missing}"


# --- The checker itself can fail -----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        ("radar policy import pagerduty", "'import' is not a command of `radar policy`"),
        ("radar incident list --nope", "unknown option '--nope' of `radar incident list`"),
        ("radar incident lst --open", "'lst' is not a command of `radar incident`"),
        ("radar serve --port=8126 --wrkr", "'--wrkr'"),
        ("radar --verbose incident list", "unknown option '--verbose' of `radar`"),
        ("TOKEN=$(radar token create --usr sam | tail -1)", "'--usr'"),
        ('echo "$(radar incident shw INC-1)"', "'shw'"),
        ("radar incident list --open && radar policy chek x.yaml", "'chek'"),
        ("RADAR_TOKEN=radar_x radar triage --answer 2,1", "'--answer'"),
        ("radar incident list [--open | --finished]", "'--finished'"),
        ("$ radar user create laura --admin  # a comment", "'--admin'"),
        (".venv/bin/radar worker --threads 4", "'--threads'"),
    ],
)
def test_the_command_check_rejects(line: str, bad: str) -> None:
    assert bad in " ".join(line_problems(line))


@pytest.mark.parametrize(
    "line",
    [
        "radar incident list --open --search 'checkout down' --json | jq -r .items",
        "radar serve --port=8126 --no-worker",
        "radar notify test slack:#radar   # radar no-such-command --nope",
        "radar incident list [--status S]... [--open | --ended] [--limit N]",
        "radar incident severity INC-1 sev1 --reason '--nope is only the reason'",
        "radar user create ... --password",
        "radar policy",
        "radar --help",
        "radar incident declare --help",
        "radar <noun> <verb>",
        "radar policy schema > policy.schema.json 2>&1",
        "/radar ack INC-1",  # Slack's slash command, not the CLI
        "radar: cannot acknowledge INC-1: it is resolved",  # an error message
    ],
)
def test_the_command_check_accepts(line: str) -> None:
    assert line_problems(line) == []


def test_a_problem_names_the_page_the_line_and_the_word(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n"
        "\n"
        "Then run `radar policy import pagerduty`, and\n"
        "\n"
        "```sh\n"
        "radar incident list --open \\\n"
        "    --nope\n"
        "```\n"
        "\n"
        "~~~\n"
        "radar incident show INC-1\n"
        "~~~\n"
        "`radar incident\n"
        "lst`\n"
    )
    problems = [p for shown in shown_lines(page) for p in shown.problems()]
    assert [p.split(": ")[0] for p in problems] == ["page.md:3", "page.md:6", "page.md:13"]
    assert "'import'" in problems[0]
    assert "'--nope'" in problems[1]
    assert "'lst'" in problems[2]
