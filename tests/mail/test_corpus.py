"""The done-when targets on the labelled corpus (a copy of shared/data/mail, with its NOTICE).

Phishing or suspicious counts as detecting a phish: recall >= 0.95. Legitimate mail must come
out clean: false-positive rate <= 2 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultdoor.mail.analysis.evaluation import Evaluation, evaluate_corpus

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate_corpus(CORPUS)


def test_corpus_meets_recall_and_false_positive_targets(evaluation):
    assert evaluation.total("phish") == 30 and evaluation.total("ham") == 32
    report = evaluation.render()
    assert evaluation.recall >= 0.95, report
    assert evaluation.false_positive_rate <= 0.02, report


def test_no_corpus_file_is_an_error(evaluation):
    assert not [o.file for o in evaluation.outcomes if o.verdict == "error"]


def test_tricky_ham_stays_clean(evaluation):
    verdicts = {o.file: o.verdict for o in evaluation.outcomes}
    for name in ("mailparser-mail_test_5.eml", "rspamd-phishing_query_safe.eml",
                 "rspamd-phishing_query_nested.eml", "synthetic-ham-07-wrapper-same-site.eml",
                 "synthetic-ham-08-list-arc.eml", "sa-nice-authres.eml"):
        assert verdicts[name] == "clean", name


@pytest.mark.parametrize(("listed", "says"), [
    ("../outside.eml", "is not a file in"),
    ("/etc/passwd", "is not a file in"),
    ("missing.eml", "no file"),
])
def test_labels_naming_a_file_outside_the_corpus_or_missing_are_refused(tmp_path, listed, says):
    from vaultdoor.mail.analysis.evaluation import CorpusError

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "outside.eml").write_text("From: a@b.example\r\n\r\nhi\r\n", encoding="utf-8")
    (corpus / "labels.csv").write_text(f"file,label\n{listed},ham\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=f"line 2: .*{says}"):
        evaluate_corpus(corpus)
