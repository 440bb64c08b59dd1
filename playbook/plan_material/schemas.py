"""Pydantic schemas of the plan material the plan drafter reads (shapes in the package docstring).

Models are strict (no number from a text, no integer from ``true``), frozen and refuse unknown keys.
Rules that relate several fields are in :mod:`playbook.plan_material.checks`, so every problem keeps
its own key path.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PLAN_STAGES = ("cold-start", "growth", "plateau", "big-event")
LINEUP_KEYS = ("hook", "perk", "main", "profit", "image")
BLOCK_ROLES = ("open", "hook", "main", "profit", "image", "loop", "close")
SHOW_PARTS = ("open", "round", "image", "encore", "close")
WARMUP_VARIANTS = ("big", "regular", "daily")
CUE_BLOCKS = ("open", "hook", "perk", "bridge", "main", "profit", "image", "encore", "close", "surge")
# Placeholders a cue line may use; the plan fills them with this show's products, prices and times.
CUE_PLACEHOLDERS = {
    "streamer": "账号名", "start": "开播时间", "end": "下播时间", "n": "第几轮",
    "hook": "本轮钩子或福利款", "hook_price": "它的直播价", "hook_stock": "它这一轮放的件数",
    "main": "主推款", "main_price": "主推款的直播价", "bridge": "承接款", "bridge_price": "承接款的直播价",
    "profit": "利润款或搭配款", "profit_price": "它的直播价", "image": "形象款", "image_price": "形象款的价格",
    "next_time": "下一轮福利的时间",
}

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Fraction = Annotated[float, Field(ge=0, le=1)]
Positive = Annotated[float, Field(gt=0)]
HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Stage = Literal["cold-start", "growth", "plateau", "big-event"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class PerStage(Model):
    """One number for each account stage."""

    cold_start: float = Field(alias="cold-start")
    growth: float
    plateau: float
    big_event: float = Field(alias="big-event")

    def of(self, stage: str) -> float:
        return float(getattr(self, stage.replace("-", "_")))


# --- lineup_roles ----------------------------------------------------------------------------------

class LineupRole(Model):
    key: Literal["hook", "perk", "main", "profit", "image"]
    name: Text
    purpose: Text
    share: list[Fraction] = Field(min_length=2, max_length=2)        # of the product count, rule of thumb
    price_band: list[Fraction] = Field(min_length=2, max_length=2)   # position in the show's price range
    order_share: Fraction                                            # expected share of the show's orders
    max_margin: Optional[float] = None        # hook/perk: a costed product below this gross margin takes the role
    price_gap: Optional[Annotated[float, Field(ge=1)]] = None  # image: dearer than the next by this multiple
    margin_top_share: Optional[Fraction] = None  # profit: the top share of normal-margin products by margin


# --- show_blocks -----------------------------------------------------------------------------------

class ShowPart(Model):
    part: Literal["open", "round", "image", "encore", "close"]
    role: Literal["open", "hook", "main", "profit", "image", "loop", "close"]
    segment: Text                             # ``{n}`` is the round number
    share: Optional[Positive] = None          # round parts: share of a round; open/encore/close: of the show
    minutes: Optional[list[Annotated[int, Field(ge=1, le=120)]]] = Field(default=None, min_length=2, max_length=2)
    sub: Optional[Literal["bridge", "second"]] = None   # main only: the 承接 part, or the other 主推 items
    after_round: Optional[Annotated[int, Field(ge=1)]] = None   # image: first shown after this round
    every_minutes: Optional[Annotated[int, Field(ge=30)]] = None  # image: again after about this long
    alt_segment: Optional[Text] = None        # hook: when a perk item leads the round; image: when shown again


class ShowTemplate(Model):
    max_hours: Positive
    loop_minutes: list[Annotated[int, Field(ge=5, le=120)]] = Field(min_length=2, max_length=2)
    hook_gap_minutes: Annotated[int, Field(ge=10, le=120)]
    highlight_every_minutes: Optional[Annotated[int, Field(ge=60)]] = None
    highlight: Optional[Text] = None          # the prefix of a highlight round's hook segment
    blocks: list[ShowPart] = Field(min_length=1)


# --- warmup_schedule ---------------------------------------------------------------------------------

class WarmupStep(Model):
    days_before: Annotated[int, Field(ge=0, le=60)]
    variants: list[Literal["big", "regular", "daily"]] = Field(min_length=1)
    stages: Optional[list[Stage]] = Field(default=None, min_length=1)
    videos: Annotated[int, Field(ge=0, le=20)] = 0
    video_types: list[Text] = Field(default_factory=list)
    video_times: list[HHMM] = Field(default_factory=list)
    # "HH:MM 做什么" on its day; on the show day also "开播前两小时……" (that long before going live) or
    # "开播后……" (belongs to the show); the day before, "上一场下播前……" (the previous show, same slot);
    # without a time: the morning of its day (show day: 90 minutes before going live).
    tasks: list[Text] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)    # advice for the day: shown as notes, never as tasks


# --- compliance_checklist, review_checklist, category_profile ----------------------------------------

class Rule(Model):
    rule: Text
    law: Text


class ReviewTerm(Model):
    """A word that is often but not always a problem: flagged for a check by hand, with the reason."""

    term: Text
    reason: Text


class ComplianceChecklist(Model):
    banned_terms: list[Text] = Field(min_length=1)
    review_terms: list[ReviewTerm] = Field(default_factory=list)
    items: list[Rule] = Field(min_length=1)


class ReviewChecklist(Model):
    metrics: list[Text] = Field(min_length=1)
    questions: list[Text] = Field(min_length=1)


class CategoryProfile(Model):
    match: list[Text] = Field(min_length=1)   # words of the input category that select this profile
    name: Text
    return_rate: Fraction                      # rule of thumb, for the break-even ROI
    return_label: Text                         # how sure it is, in the plan's words
    compliance: list[Rule] = Field(default_factory=list)
    banned_terms: list[Text] = Field(default_factory=list)
    review_terms: list[ReviewTerm] = Field(default_factory=list)
    demo_cue: Optional[Text] = None            # a cue line for pitching in this category (placeholders)
    after_sales: Optional[Text] = None         # one line for the contingency / compliance sections
    stock_note: Optional[Text] = None


# --- team_roles, traffic_rules, goal_assumptions -------------------------------------------------------

class TeamRole(Model):
    role: Text
    duty: Text


class TeamSize(Model):
    max_followers: Optional[Annotated[int, Field(ge=0)]] = None
    label: Text
    roles: list[TeamRole] = Field(min_length=1)


class Shift(Model):
    min_hours: Annotated[float, Field(ge=0)]
    note: Text
    night: bool = False                        # only for shows that start late or run past midnight


class TeamRoles(Model):
    sizes: list[TeamSize] = Field(min_length=1)
    shifts: list[Shift] = Field(default_factory=list)


class TrafficRules(Model):
    pre_share: Fraction
    rules: list[Text] = Field(min_length=1)
    zero_budget: list[Text] = Field(min_length=1)
    commission_rate: Fraction = 0.0
    safety_multiple: Annotated[float, Field(ge=1)] = 1.0
    default_return_rate: Fraction
    return_label: Text


class PeakProfiles(Model):
    fans: list[Positive] = Field(min_length=1)    # hour weights when the fans come first (hour 1 often peaks)
    ramp: list[Positive] = Field(min_length=1)    # hour weights when most viewers are paid or recommended
    clock: list[Positive] = Field(min_length=24, max_length=24)  # weight of each clock hour 0..23 (evenings high)
    label: Text


class Reach(Model):
    fan_reach: PerStage                  # viewers per follower a show can expect, rule of thumb
    organic_per_hour: PerStage           # viewers per hour from recommendation, independent of followers
    cost_per_paid_viewer: Positive       # yuan of ad spend per paid viewer, rule of thumb
    warn_ratio: Annotated[float, Field(ge=1)]
    label: Text


class GoalAssumptions(Model):
    conversion_rate: PerStage
    default_aov: Positive
    peak: PeakProfiles
    reach: Reach
    notes: list[Text] = Field(default_factory=list)


# --- cue_lines --------------------------------------------------------------------------------------

class CueLine(Model):
    block: Literal["open", "hook", "perk", "bridge", "main", "profit", "image", "encore", "close", "surge"]
    line: Text
