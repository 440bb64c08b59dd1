"""The scope calibration's two lines, on made-up scores: pure logic."""

from __future__ import annotations

import numpy as np
import pytest

from scripts.calibrate_scope import PLAIN_OUT_SHARE, equal_error_threshold, plain_answer_threshold

pytestmark = pytest.mark.pure


def test_the_refusal_line_sits_where_both_error_shares_meet():
    scores_in = np.linspace(0.0, 4.0, 41)
    scores_out = np.linspace(-4.0, 1.0, 51)
    t = equal_error_threshold(scores_in, scores_out)
    assert abs(np.mean(scores_in < t) - np.mean(scores_out >= t)) < 0.05
    assert 0.0 < t < 1.0


def test_the_plain_answer_line_lets_through_at_most_the_share_of_out_of_scope_questions():
    scores_out = np.linspace(-3.0, 3.0, 200)  # 1 in 100 at or above about 2.95
    t = plain_answer_threshold(scores_out, above=0.0)
    assert np.mean(scores_out >= t) <= PLAIN_OUT_SHARE < np.mean(scores_out >= t - 0.05)
    assert plain_answer_threshold(scores_out, above=0.0, share=0.025) < t  # a larger share, a lower line
    assert plain_answer_threshold(np.full(10, -1.0), above=0.5) == 0.5  # never below the refusal line
