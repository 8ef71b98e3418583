"""``studybot search`` (and ``quiz``) output: the JSON line contract, many queries from stdin, the
readable output, long queries cut in messages, and a quiet stop on a closed pipe."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOTE_LINES = {
    path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in CORPUS.glob("*.txt")
}
RESULT_KEYS = {"query", "suggestion", "hits"}
HIT_KEYS = {"rank", "score", "source", "lines", "path", "title", "text", "snippet"}
_ENTITY = re.compile(r"&(amp|lt|gt|quot|#x27|#39|#\d+|#x[0-9a-fA-F]+);")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("cli-data")
    done = studybot(data, "index")
    assert done.returncode == 0, done.stderr
    assert "passages" in done.stdout
    return data


def _env(data: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "STUDYBOT_DATA_DIR": str(data),
        "STUDYBOT_CORPUS_DIR": str(CORPUS),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return env


def studybot(data: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = _env(data)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=data,  # no project .env is picked up
        timeout=180,
    )


def json_lines(done: subprocess.CompletedProcess) -> list[dict]:
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def check_result(result: dict, query: str, limit: int = 5) -> None:
    assert set(result) == RESULT_KEYS
    assert result["query"] == query
    assert result["suggestion"] is None or (
        isinstance(result["suggestion"], str) and result["suggestion"].strip()
    )
    hits = result["hits"]
    assert isinstance(hits, list) and len(hits) <= limit
    assert [hit["rank"] for hit in hits] == list(range(1, len(hits) + 1))
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert set(hit) == HIT_KEYS
        assert isinstance(hit["score"], int | float)
        assert hit["source"] in NOTE_LINES
        start, end = hit["lines"]
        assert isinstance(start, int) and isinstance(end, int)
        assert 1 <= start <= end <= NOTE_LINES[hit["source"]]
        assert isinstance(hit["path"], list) and all(isinstance(p, str) for p in hit["path"])
        assert isinstance(hit["title"], str) and hit["title"]
        assert isinstance(hit["text"], str) and hit["text"].strip()
        assert_safe_snippet(hit["snippet"])


def assert_safe_snippet(snippet: str) -> None:
    assert isinstance(snippet, str) and snippet.strip()
    bare = snippet.replace("<b>", "").replace("</b>", "")
    assert "<" not in bare and ">" not in bare, snippet
    assert "&" not in _ENTITY.sub("", bare), snippet
    assert snippet.count("<b>") == snippet.count("</b>")


def test_one_query_prints_one_json_line(data_dir):
    results = json_lines(studybot(data_dir, "search", "--json", "presigned", "url"))
    assert len(results) == 1
    check_result(results[0], "presigned url")
    top = results[0]["hits"][0]
    assert "presign" in (top["title"] + top["text"]).casefold()


def test_limit_caps_the_hits(data_dir):
    results = json_lines(studybot(data_dir, "search", "--json", "--limit", "2", "aurora"))
    check_result(results[0], "aurora", limit=2)
    assert len(results[0]["hits"]) == 2


def test_non_ascii_query_is_kept_as_typed(data_dir):
    query = "¿cuántas réplicas tiene aurora?"
    results = json_lines(studybot(data_dir, "search", "--json", query))
    check_result(results[0], query)
    assert results[0]["hits"]
    assert "¿cuántas réplicas" in studybot(data_dir, "search", "--json", query).stdout


def test_dash_reads_one_query_per_stdin_line_in_one_process(data_dir):
    queries = [
        "SCP vs permission boundary",
        "",
        'AND OR NOT "( title:foo* ~2 <b>x</b> & <script>alert(1)</script> [a TO z] \\',
    ]
    done = studybot(data_dir, "search", "--json", "-", stdin="\n".join(queries) + "\n")
    results = json_lines(done)
    assert len(results) == 3
    for result, query in zip(results, queries, strict=True):
        check_result(result, query)
    assert results[0]["hits"]
    assert results[1]["hits"] == []


def test_stdin_lines_keep_order_and_windows_line_ends(data_dir):
    done = studybot(data_dir, "search", "--json", "-", stdin="dax\r\nglacier\r\nLAG\r\n")
    assert [r["query"] for r in json_lines(done)] == ["dax", "glacier", "LAG"]


def test_misspelt_query_gets_a_suggestion(data_dir):
    result = json_lines(studybot(data_dir, "search", "--json", "presigend", "url"))[0]
    check_result(result, "presigend url")
    assert result["suggestion"] and "presigned" in result["suggestion"].casefold()


def test_default_output_is_readable(data_dir):
    done = studybot(data_dir, "search", "lifecycle", "hooks")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("1. ") or out.startswith("Did you mean")
    assert re.search(r"^   aws-sa[a-z-]*\.txt:\d+-\d+$", out, re.MULTILINE)
    assert not out.lstrip().startswith("{")
    assert "ifecycle" in out


def test_default_output_says_when_nothing_is_found(data_dir):
    done = studybot(data_dir, "search", "zzqxv")
    assert done.returncode == 0, done.stderr
    assert "No passage found" in done.stdout or done.stdout.startswith("Did you mean")


def test_a_long_query_is_cut_in_the_message(data_dir):
    query = "zzqxv" * 4000
    done = studybot(data_dir, "search", query)
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("No passage found")]
    assert len(line) <= len("No passage found for ''.") + 80
    assert "zzqxvzzqxv" in line and "…" in line


def test_a_long_suggestion_is_cut_too(data_dir):
    done = studybot(data_dir, "search", "presigend url " * 1000)
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("Did you mean")]
    assert len(line) <= 100 and line.endswith("…")


@pytest.mark.parametrize(
    "args", [("search", "presigned", "url"), ("quiz", "--count", "50"), ("search", "-")]
)
def test_a_closed_pipe_ends_quietly(data_dir, args):
    # the reading end is closed before the first write: every write hits a broken pipe
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            input="aurora\nglacier\n" * 50,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(data_dir),
            cwd=data_dir,
            timeout=180,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


@pytest.mark.parametrize("command", ["search presigned url", "quiz --count 50"])
def test_piped_into_head_prints_one_line_and_no_traceback(data_dir, command):
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{sys.executable} -m bot.cli {command} | head -1"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(data_dir),
        cwd=data_dir,
        timeout=180,
    )
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == ""
    assert done.returncode in (0, 141)  # 141 when head left before the last write
