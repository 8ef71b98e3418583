"""The tap in place of Whoosh's posting pool, and the writer that hands it whole fields: the
commit writes the same Whoosh files as Whoosh's own writer and W3 codec do, with lists long
enough to span several posting blocks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage

from index.posting_tap import GroupedCodec, GroupedWriter, PostingTap
from index.store import build_schema

# A word in every document (its list spans three 128-posting blocks), words in some, and one
# document whose heading repeats a word (a weight above 1).
DOCUMENTS = [
    {
        "id": f"doc-{n}",
        "head": f"Tema {n % 7} tema",
        "body": f"común palabra{n % 11} sts:AssumeRole réplica-{n % 3} 10Gbps",
    }
    for n in range(300)
]


def _segment_files(
    folder: Path, codec: W3Codec, *, tapped: bool, grouped_writer: bool = False
) -> dict[str, str]:
    """Each file inside the segment (named without the segment's id) → its SHA-256."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = GroupedWriter(ix, codec=codec) if grouped_writer else ix.writer(codec=codec)
    tap = PostingTap(writer) if tapped else None
    assert tap is None or tap.active
    for document in DOCUMENTS:
        head, body = document["head"], document["body"]
        writer.add_document(id=document["id"], head=head, head_stem=head, body=body, body_stem=body)
    writer.commit()
    storage = FileStorage(str(folder))
    (segment,) = storage.open_index()._segments()
    inner = segment.open_compound_file(storage)
    return {
        name.replace(segment.segment_id(), ""): hashlib.sha256(
            inner.open_file(name).read()
        ).hexdigest()
        for name in inner.list()
    }


@pytest.mark.parametrize("grouped_writer", [False, True])
@pytest.mark.parametrize("compression", [0, 3])
def test_the_tapped_commit_writes_the_files_of_whooshs_own_codec(
    tmp_path, compression, grouped_writer
):
    plain = W3Codec(compression=compression)
    grouped = GroupedCodec(compression=compression)
    plain.length_stats = grouped.length_stats = False
    expected = _segment_files(tmp_path / "plain", plain, tapped=False)
    built = _segment_files(
        tmp_path / "grouped", grouped, tapped=True, grouped_writer=grouped_writer
    )
    assert built == expected
    assert {".col", ".pst", ".trm"} <= {name[name.rfind(".") :] for name in expected}


def test_the_grouped_codec_without_a_tap_writes_the_same_files(tmp_path):
    plain, grouped = W3Codec(compression=0), GroupedCodec(compression=0)
    expected = _segment_files(tmp_path / "plain", plain, tapped=False)
    assert _segment_files(tmp_path / "grouped", grouped, tapped=False) == expected


def test_the_index_names_whooshs_own_codec_for_its_readers(tmp_path):
    _segment_files(tmp_path / "grouped", GroupedCodec(compression=0), tapped=True)
    (segment,) = FileStorage(str(tmp_path / "grouped")).open_index()._segments()
    assert type(segment.codec()) is W3Codec
    toc = next((tmp_path / "grouped").glob("*.toc")).read_bytes()
    assert b"posting_tap" not in toc
