"""Citation keys: the formula, ASCII folding, clashes, and stability as a library grows."""

from __future__ import annotations

import pytest

from bimscli.export.citekeys import base_citation_key, make_citation_key
from bimscli.model import Author, PartialDate, Record


@pytest.mark.parametrize(
    ("record", "key"),
    [
        pytest.param(
            Record(
                title="The role of SBRT in the treatment of MESCC",
                authors=(Author(family="Benhabib", given="Hadas"),),
                date=PartialDate(2021),
            ),
            "benhabibRoleSBRTTreatment2021",
            id="formula",
        ),
        pytest.param(
            Record(
                title="Über die Rolle von Ödemen",
                authors=(Author(family="Groß-Ødegård"),),
                date=PartialDate(1999),
            ),
            "grossodegardUberRolleOdemen1999",
            id="ascii-folding-and-german-stop-words",
        ),
        pytest.param(
            Record(title="La place de la chirurgie", authors=(Author(family="de la Cruz"),)),
            "delacruzPlaceChirurgie",
            id="particles-kept-french-stop-words-no-year",
        ),
        pytest.param(
            Record(title="Consensus", authors=(Author(group="The AO Spine Knowledge Forum"),)),
            "aoConsensus",
            id="group-author",
        ),
        pytest.param(
            Record(title="<i>In vivo</i> IL-6: a {test}", date=PartialDate(2020)),
            "vivoIL6Test2020",
            id="no-author-title-first-markup-and-unsafe-characters-removed",
        ),
        pytest.param(
            Record(title="2019 update", date=PartialDate(2020)),
            "work2019Update2020",
            id="never-starts-with-a-digit",
        ),
        pytest.param(Record(authors=(Author(family="王", given="小明"),)), "wang", id="cjk-name"),
    ],
)
def test_base_citation_key(record: Record, key: str) -> None:
    assert base_citation_key(record) == key


def test_clashes_are_case_insensitive_and_never_rename_existing_keys() -> None:
    record = Record(title="Bone pain", authors=(Author(family="Lee"),), date=PartialDate(2020))
    stored = {"leeBonePain2020": 1}  # the key the first such work got, stored
    taken = {k.casefold() for k in stored}
    second = make_citation_key(record, taken)
    taken.add(second.casefold())
    third = make_citation_key(record, taken | {"leebonepain2020b"})
    assert (second, third) == ("leeBonePain2020a", "leeBonePain2020c")
    assert make_citation_key(record, {"LEEBONEPAIN2020".casefold()}) == "leeBonePain2020a"
