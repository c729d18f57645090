"""Knowledge-check rules: draw sizes, option shuffling, answer checks, grading at the pass mark."""

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.content.modules import load_modules
from app.services.training.quiz import (
    answer_problems,
    draw,
    grade,
    is_correct,
    passes,
    times_seen,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "modules" / "journey"
MODULE = load_modules(FIXTURES)[0]["handling-pupil-data"]
QUESTIONS = MODULE.questions


def _by_id(paper):
    return {question["id"]: question for question in paper}


@pytest.mark.parametrize("count", [1, 2, 3])
def test_draw_takes_the_configured_number_of_different_questions(count):
    paper = draw(QUESTIONS, count, random.Random(1))
    assert len(paper) == count
    assert len({question["id"] for question in paper}) == count


@pytest.mark.parametrize("count", [0, len(QUESTIONS) + 1])
def test_draw_refuses_impossible_sizes(count):
    with pytest.raises(ValueError):
        draw(QUESTIONS, count, random.Random(1))


def test_draws_differ_between_attempts_and_options_are_shuffled():
    papers = [draw(QUESTIONS, 2, random.Random(seed)) for seed in range(30)]
    assert len({tuple(q["id"] for q in paper) for paper in papers}) > 1
    orders = {
        tuple(o["id"] for o in _by_id(paper)["which-are-personal-data"]["options"])
        for paper in papers
        if "which-are-personal-data" in _by_id(paper)
    }
    assert len(orders) > 1


def test_a_retake_asks_the_questions_not_yet_seen_first():
    first = draw(QUESTIONS, 3, random.Random(1))
    seen = times_seen([first])
    for seed in range(20):
        retake = {q["id"] for q in draw(QUESTIONS, 3, random.Random(seed), times_seen=seen)}
        assert retake.isdisjoint(seen), (seed, retake, seen)  # a bank of 6: 3 new ones


def test_once_the_bank_is_used_up_the_least_seen_come_first():
    ids = [question.id for question in QUESTIONS]
    seen = {ids[0]: 2, ids[1]: 2, ids[2]: 1, ids[3]: 1, ids[4]: 1, ids[5]: 3}
    for seed in range(20):
        paper = {q["id"] for q in draw(QUESTIONS, 3, random.Random(seed), times_seen=seen)}
        assert paper == {ids[2], ids[3], ids[4]}


def test_new_questions_are_not_always_at_the_top_of_the_paper():
    seen = {question.id: 1 for question in QUESTIONS[:4]}
    positions = {
        [q["id"] for q in draw(QUESTIONS, 4, random.Random(seed), times_seen=seen)].index(
            QUESTIONS[4].id
        )
        for seed in range(30)
    }
    assert len(positions) > 1


def test_times_seen_counts_the_papers_that_asked_each_question():
    papers = [[{"id": "a"}, {"id": "b"}], [{"id": "b"}], []]
    assert times_seen(papers) == {"a": 1, "b": 2}


def test_true_false_options_stay_in_true_false_order():
    for seed in range(10):
        paper = _by_id(draw(QUESTIONS, len(QUESTIONS), random.Random(seed)))
        assert [o["id"] for o in paper["name-not-needed"]["options"]] == ["true", "false"]


def test_the_snapshot_carries_everything_results_need():
    question = _by_id(draw(QUESTIONS, len(QUESTIONS), random.Random(0)))["who-to-share-with"]
    assert set(question) == {"id", "type", "prompt", "options", "explanation", "source"}
    assert question["source"]["url"].startswith("https://")
    assert all({"id", "text", "correct", "feedback"} == set(o) for o in question["options"])


MULTIPLE = {
    "id": "m",
    "type": "multiple",
    "options": [
        {"id": "a", "correct": True},
        {"id": "b", "correct": True},
        {"id": "c", "correct": False},
    ],
}


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        (["a", "b"], True),
        (["b", "a"], True),
        (["a"], False),  # not all of the correct options
        (["a", "b", "c"], False),  # not only the correct options
        (["c"], False),
        ([], False),
    ],
)
def test_multiple_answer_needs_all_and_only_the_correct_options(chosen, right):
    assert is_correct(MULTIPLE, chosen) is right


@pytest.mark.parametrize(
    ("correct", "total", "pass_mark", "expected"),
    [
        (4, 5, 80, True),  # exactly on the mark
        (3, 5, 80, False),
        (7, 9, 78, False),  # 77.8% is below 78%, with no rounding up
        (7, 9, 77, True),
        (1, 1, 100, True),
        (9, 10, 100, False),
        (0, 10, 1, False),
        (1, 100, 1, True),
        (0, 0, 50, False),
    ],
)
def test_pass_mark_edges(correct, total, pass_mark, expected):
    assert passes(correct, total, pass_mark) is expected


@given(
    total=st.integers(min_value=1, max_value=40),
    data=st.data(),
    pass_mark=st.integers(min_value=1, max_value=100),
)
def test_the_displayed_score_never_contradicts_pass_or_fail(total, data, pass_mark):
    correct = data.draw(st.integers(min_value=0, max_value=total))
    questions = [
        {"id": f"q{i}", "type": "single", "options": [{"id": "a", "correct": True}]}
        for i in range(total)
    ]
    answers = {f"q{i}": ["a"] for i in range(correct)} | {
        f"q{i}": ["x"] for i in range(correct, total)
    }
    result = grade(questions, answers, pass_mark)
    assert result.correct_count == correct
    assert result.passed is (result.score >= pass_mark or correct * 100 >= pass_mark * total)
    if not result.passed:
        assert result.score < pass_mark


def test_grade_reports_each_question():
    paper = draw(QUESTIONS, 3, random.Random(2))
    answers = {q["id"]: [o["id"] for o in q["options"] if o["correct"]] for q in paper}
    answers[paper[0]["id"]] = [o["id"] for o in paper[0]["options"] if not o["correct"]][:1]
    result = grade(paper, answers, pass_mark=60)
    assert [r.correct for r in result.results] == [False, True, True]
    assert (result.correct_count, result.total, result.score, result.passed) == (2, 3, 66, True)
    assert result.results[0].number == 1


def test_a_result_says_which_picked_options_were_right_and_whether_some_were_missed():
    question = {**MULTIPLE, "options": [dict(o, feedback=o["id"]) for o in MULTIPLE["options"]]}
    (missed,) = grade([question], {"m": ["a"]}, 100).results
    assert [o["id"] for o in missed.chosen_options] == ["a"]
    assert missed.missed_right_answers and not missed.correct
    (wrong,) = grade([question], {"m": ["a", "c"]}, 100).results
    assert not wrong.missed_right_answers  # a wrong pick shows by its own feedback
    (right,) = grade([question], {"m": ["b", "a"]}, 100).results
    assert right.correct and not right.missed_right_answers


def test_answer_problems_name_each_unanswered_or_invalid_question():
    paper = draw(QUESTIONS[:3], 3, random.Random(3))  # one question of each type
    by_type = {q["type"]: q for q in paper}
    answers = {
        by_type["single"]["id"]: ["a", "b"],
        by_type["true_false"]["id"]: ["maybe"],
    }
    problems = answer_problems(paper, answers)
    number = {q["id"]: n for n, q in enumerate(paper, start=1)}
    assert problems == {
        by_type["single"][
            "id"
        ]: f"Choose only one answer for question {number[by_type['single']['id']]}",
        by_type["true_false"]["id"]: (
            f"Choose from the answers given for question {number[by_type['true_false']['id']]}"
        ),
        by_type["multiple"]["id"]: (
            f"Choose at least one answer for question {number[by_type['multiple']['id']]}"
        ),
    }
    complete = {q["id"]: [q["options"][0]["id"]] for q in paper}
    assert answer_problems(paper, complete) == {}
