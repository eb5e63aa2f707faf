"""Scorecard text parser: indicator mentions out of prose. Pure functions, no Django.

Government offices publish their scorecards (成绩单) as prose or short lines, often
copied from web pages, in simplified or traditional Chinese, sometimes with pinyin
after every character. :func:`parse` finds each indicator mention and returns, per
mention, the fields of the issue's JSON contract::

    {"name": "建安投资", "value": 151384.0, "unit": "万元", "yoy_pct": 61.7,
     "plan_pct": null, "period": "1-8月"}

How it reads a text (docs/scorecard-parser.md has the long version):

1. Normalise: NFC, strip pinyin annotations, fold full-width forms, OpenCC t2s.
2. Per line, scan tokens left to right: periods (1-8月份, 一季度, 2018年, 去年 …),
   dates and durations, growth rates (同比增长12.4%, 比增28%, 下降3%), shares of
   the annual plan (完成年度计划的65%), quantities (16915万元, 54000多平方米) and
   clause punctuation.
3. A quantity or a growth rate starts a mention when the text before it (back to
   the previous token or clause mark) cleans up to an indicator name: scope words
   (全区, 我街道, 北白象镇 …), fillers (其中, 累计 …) and verbs (完成, 实现 …) are
   removed. A growth rate or plan share without its own name belongs to the
   mention just before it in the same sentence.
4. Periods apply to the mentions after them in the same line; a short heading line
   with a period and no mention ("1-8月份城东街道成绩单") gives its period to the
   lines below it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from luoshi.indicators.textnorm import normalise

__all__ = ["JSON_FIELDS", "Mention", "alias_key", "chinese_numerals", "parse", "parse_to_json"]


#: The keys of the JSON contract, in order (docs/scorecard-parser.md). The first six
#: are the first round's; the others came with issue 16 and are null when the text
#: does not say.
JSON_FIELDS = (
    "name", "value", "unit", "yoy_pct", "plan_pct", "period",
    "plan_value", "plan_unit", "yoy_abs", "yoy_abs_unit", "rank", "rank_scope", "rank_change", "code",
)  # fmt: skip


@dataclass
class Mention:
    name: str
    value: float | None = None
    unit: str | None = None
    yoy_pct: float | None = None
    plan_pct: float | None = None
    period: str | None = None
    #: The plan the share is of ("完成年初预算数22,000万元的40.0%" → 22000, 万元).
    plan_value: float | None = None
    plan_unit: str | None = None
    #: The change against the year before, signed ("比上年减收1.1亿元" → -1.1, 亿元).
    yoy_abs: float | None = None
    yoy_abs_unit: str | None = None
    #: Rank among peers ("列全市第5位" → 5, 全市) and its move ("较上年前移2位" → +2).
    rank: int | None = None
    rank_scope: str | None = None
    rank_change: int | None = None
    #: The catalogue code the name (or one of its usual short forms) matches, if a catalogue was given.
    code: str | None = None
    # Where the mention was found (not part of the JSON contract).
    line: int = field(default=0, compare=False)
    #: The place a figure in a list belongs to ("其中，北白象镇12.3亿元、柳市镇…"), not in the JSON.
    place: str | None = field(default=None, compare=False)
    start: int = field(default=0, compare=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: data[k] for k in JSON_FIELDS}

    def has_figure(self) -> bool:
        figures = (self.value, self.yoy_pct, self.plan_pct, self.yoy_abs, self.rank)
        return any(figure is not None for figure in figures)


# --- Vocabulary ------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_NUM = r"(?<![\d.A-Za-z])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # unsigned, inside longer patterns
_YEAR = r"(?:19|20)\d{2}\s*年"
_REL_YEAR = r"(?:今年|本年|当年|去年|上年|上一年)"
_DASH = r"\s*[-~至到—]\s*"

_MULT = r"(?:万亿|千亿|百亿|亿|千万|百万|十万|万|千)"
_APPROX = r"(?:多|余|来)"
# Count units (measure words): a number with one of these followed straight by
# a noun ("18个职能组", "10位书记") counts that noun; it is not a reported value.
_MEASURE_UNITS = [
    "个", "位", "名", "家", "户", "项", "件", "宗", "起", "次", "场", "套", "间", "栋", "幢", "台", "辆",
    "艘", "座", "所", "条", "处", "块", "批", "份", "张", "篇", "支", "只", "头", "株", "棵", "例", "笔",
    "单", "床", "架", "列", "人次", "人",
]  # fmt: skip
_MEASURE_UNITS_SET = frozenset(_MEASURE_UNITS)
_AMOUNT_UNITS = [
    "美元", "港元", "元", "平方公里", "平方米", "平米", "立方米", "公顷", "亩", "公里", "千米", "米",
    "吨", "千克", "公斤", "千瓦时", "千瓦", "度", "标箱", "标准箱", "方",
]  # fmt: skip
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in _MEASURE_UNITS + _AMOUNT_UNITS), key=len, reverse=True))
_PER = r"(?:/(?:平方米|人|吨|亩|户|年|月|天|千瓦时))?"
# Words after a number that make it a date, duration, ordinal or rank, not a value.
_NOT_VALUE = (
    r"(?:个月|个工作日|个小时|个百分点|百分点|年|月|日|号|天|小时|分钟|秒|岁|周|季度|届|期|级|倍|成|楼|层|点|时"
    r"|大|强|佳|星)"
)

_COMPARE = (
    r"(?:同比|比上年同期|比上年|比去年同期|比去年|较上年同期|较上年|较去年同期|较去年|与上年同期相比|与去年同期相比"
    r"|比上年同月|较上年同月|比上一年|较上一年|按年)"
    # Growth "on a comparable basis" is still the growth of the year (同口径增长5.6%, 可比增长).
    r"(?:(?:按|以)?(?:同口径|可比口径|可比价格?|可比|现价)(?:计算)?)?"
    r"|(?:按|以)?(?:同口径|可比口径|可比价格?|可比|现价)(?:计算)?"
)
_POS = r"(?:增长率|增长|增加|上升|上涨|提高|提升|回升|比增|增幅|增速|涨幅|增|涨)"
_NEG = r"(?:负增长|下降|减少|回落|降低|下滑|下跌|比降|降幅|减幅|减|降)"
_FILL = r"(?:了|为|达到|达|至|约|近|超过|超|是|:|：|\s)*"
# What a share is a share of: 年度目标, 年初预算, 调整预算 (a budget revised during the year) ….
_PLAN_WORD = r"(?:(?:投资|建设|工作|收入|支出)?(?:目标任务|计划任务|目标|计划)|(?:调整后?|变动)?预算|任务)"
_PLAN = (
    r"(?:(?:完成|占|为|达到|达|是|相当于)了?"
    rf"(?:全年|年度|年初|本年|今年)?{_PLAN_WORD}数?的?"
    rf"|(?:全年|年度|年初){_PLAN_WORD}?数?的?"
    r"|(?:全年|年度)?(?:目标任务|计划任务|目标|计划|任务)完成率)"
)

# Characters a token can start with. Checking this first lets the scan skip
# the many positions where no token can begin (most of any prose).
_SCAN_FIRST_CHARS = (
    "0-9+\\-"  # numbers, dates, ranges
    "同比较与增上提回涨负下减降环可按以两三年"  # growth words
    "完占为达是相全年目计预任"  # plan shares
    "今本当去第一二三四前截"  # periods
    "排位名列居跃稳跻后比"  # ranks and their moves, changes against last year
    "。！？；;!?，,、：:—…|"  # clause marks
)
_RANK_NUM = r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})"
_RANK_SCOPE = rf"(?:全[省市区县镇乡]|[{_CJK}]{{2,4}}?[省市区县](?![委政]))"
_AMOUNT_UNIT = rf"(?:(?:{_MULT})(?:{_UNIT_ALT})?|(?:{_UNIT_ALT}))(?!\s*(?:百分点|%|倍))"
_TOKEN_RE = re.compile(
    f"(?=[{_SCAN_FIRST_CHARS}])(?:"
    + "|".join(
        [
            # Dates and clock times: never values, never periods.
            rf"(?P<date>(?:19|20)\d{{2}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|{_YEAR}\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号]"
            rf"|\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号]|\d{{1,2}}:\d{{2}}(?::\d{{2}})?)",
            # Periods. Strong ones name a statistical period outright.
            rf"(?P<period>(?:{_YEAR}|{_REL_YEAR})?\s*(?:\d{{1,2}}{_DASH}\d{{1,2}}\s*月份?"
            rf"|第?[一二三四1-4]\s*季度|首季度?|前[二三两2-3]\s*季度|[一1]\s*[-~至到—]\s*[二三2-3]\s*季度|[上下]半年)"
            rf"|截[至止](?:{_YEAR})?\d{{1,2}}\s*月(?:底|末|份)?"
            rf"|(?:{_YEAR}|{_REL_YEAR})?前\s*(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*个月"
            rf"|(?:{_YEAR}|{_REL_YEAR})?\d{{1,2}}\s*月份)",
            # Weak periods: a year, a relative year or a month, which only count
            # when a mention or a clause mark follows them.
            rf"(?P<wperiod>{_YEAR}(?:度|全年)?(?!\s*\d)|(?<![比较与同上])(?:今年|本年|去年|上年)(?:以来|来|全年)?"
            rf"(?!同期|同月)|(?:{_YEAR})?\d{{1,2}}\s*月(?:以来)?(?![\d日号底末份])|全年)",
            # Month-on-month changes (环比增长3.2%): not year-over-year, skipped.
            rf"(?P<mom>环比{_FILL}(?:{_NEG}|{_POS})?{_FILL}[-+]?{_UNUM}\s*(?:%|个百分点))",
            # Averages over several years (两年平均增长4.3%): not this year's growth, skipped.
            rf"(?P<avg>(?:[两三四五]年|年)平均{_FILL}(?:{_NEG}|{_POS})?{_FILL}[-+]?{_UNUM}\s*%)",
            # Moves in a ranking (较上年前移5位, 上升4位, 提升3个位次).
            rf"(?P<rchg>(?:(?:较|比)(?:上年同期|上年|去年|上半年|上季度|一季度|上月|年初|上期)?)?"
            rf"(?:(?P<rup>上升|前移|提升|提高|前进|进位|上移)|(?:下降|后移|下滑|回落|后退|下移))了?"
            rf"\s*(?P<rcnum>{_RANK_NUM})\s*个?(?:位次|位|名))",
            # Ranks (列全市第5位, 排名升至全区第3位, 居全县第一).
            rf"(?P<rank>(?:(?:排名|排位|位次|名次)(?:在|为|是|居|列)?|位列|位居|名列|跃居|稳居|跻身|列|居|排)"
            rf"(?:升至|上升至|提升至|跃升至|前移至|前进至|降至|下降至|后移至|回落至|退至|于|在)?"
            rf"(?P<rscope>{_RANK_SCOPE})?(?:[{_CJK}]{{0,8}}中)?第\s*(?P<rnum>{_RANK_NUM})(?!\s*[批期届次轮季方梯档阶\d])(?:\s*(?:位|名))?)",
            # Changes in amount (比上年增收1,200万元, 同比减支0.2亿元, 较年初增加12.3亿元).
            rf"(?P<delta>(?:{_COMPARE}|(?:比|较)(?:上年末|上年底|去年末|去年底|年初)){_FILL}"
            rf"(?P<dverb>增收|增支|多收|增产|净增|增加|增长|增|减收|减支|少收|减产|净减|减少|下降|降低|减)了?{_FILL}"
            rf"(?P<dnum>{_UNUM})\s*(?P<dunit>{_AMOUNT_UNIT})"
            rf"|(?P<dverb2>增收|增支|减收|减支)了?{_FILL}(?P<dnum2>{_UNUM})\s*(?P<dunit2>{_AMOUNT_UNIT}))",
            # Growth rates (同比增长12.4%, 比增28%, 下降3%, 增长1.5倍).
            rf"(?P<yoy>(?P<cmp>{_COMPARE})?{_FILL}(?:(?P<neg>{_NEG})|(?P<pos>{_POS})){_FILL}"
            rf"(?P<ynum>[-+]?{_UNUM})\s*(?P<yunit>%|倍)"
            rf"|(?P<cmp2>{_COMPARE}){_FILL}(?P<ynum2>[-+]?{_UNUM})\s*%"
            # 同比持平, 与上年基本持平: growth 0.
            rf"|(?:{_COMPARE}|与上年同期|与去年同期|与上年|与去年){_FILL}(?P<flat>基本持平|持平))",
            # Shares of a plan whose amount is named (完成年初预算数22,000万元的40.0%).
            rf"(?P<planv>(?:完成|占|为|达到|达|是|相当于)了?(?:全年|年度|年初|本年|今年)?"
            rf"{_PLAN_WORD}数?(?:为)?\s*(?P<pvnum>{_UNUM})\s*(?P<pvunit>{_AMOUNT_UNIT})"
            rf"\s*的{_FILL}(?P<pvpct>{_UNUM})\s*%)",
            # Shares of the annual plan (完成年度计划的65%).
            rf"(?P<plan>{_PLAN}{_FILL}(?P<pnum>{_UNUM})\s*%)",
            # Ranges of numbers (10-20万元, 3-5年): not one value.
            rf"(?P<range>{_NUM}\s*{_MULT}?{_DASH}{_UNUM}\s*(?:{_MULT}?{_APPROX}?(?:{_UNIT_ALT}|%)|{_NOT_VALUE})?)",
            # Quantities.
            rf"(?P<qty>(?P<qnum>{_NUM})\s*(?:(?P<qpct>%|‰)|(?P<qnot>个百分点|百分点|{_NOT_VALUE}(?![A-Za-z]))"
            rf"|(?P<qa1>{_APPROX})?(?P<qmult>{_MULT})?(?P<qa2>{_APPROX})?"
            rf"(?P<qunit>(?:{_UNIT_ALT})(?!月|工作日|小时){_PER})?))",
            # Clause marks.
            r"(?P<stop>[。！？；;!?])",
            r"(?P<comma>[，,、：:—…|])",
        ]
    )
    + ")"
)
_DIGIT = re.compile(r"\d")

_BRACKETED_UNIT = re.compile(rf"[(（]\s*((?:{_MULT})?(?:{_UNIT_ALT})|{_MULT}|%)\s*[)）]\s*[:：|]?\s*$")

# Cleaning of the text before a number into an indicator name.
_LEAD_FILLERS = re.compile(
    r"^(?:其中|共有|各镇街|各镇[(（]街道[)）]|各乡镇[(（]街道[)）]|各乡镇|各镇|各街道|各县区|各区县|各地|另外|此外|同时|而且|并且|以及|截至目前|截止目前|目前|当前|共计|合计|总计|累计|总共|全年|年内"
    r"|当年|本年|今年|每年|每月|已经|已|还可|还|仍|又|再|均|都|分别|仅|就|也|则|即|将|预计|力争|争取|确保|现有|共|"
    r"并|且|和|及|与|全部|主要)"
)
_SCOPE = re.compile(
    r"^(?:全区|全市|全县|全镇|全乡|全街道|全街|全省|全旗|我区|我市|我县|我镇|我乡|我街道|我街|本区|本市|本县|本镇|本乡"
    r"|本街道|该区|该市|该县|该镇|该乡|该街道|辖区内|辖区|区内|镇内|街道内|街道|全域)"
)
_PLACE_TOWN = re.compile(rf"^([{_CJK}]{{2,6}}?)(街道|镇|乡)(?![镇村级域])")
_PLACE_COUNTY = re.compile(rf"^([{_CJK}]{{2,5}}?)(省|市|区|县)(?![场民政级容值域间块位城内外])")
_PLACE_VILLAGE = re.compile(rf"^([{_CJK}]{{2,5}}?)(社区|村)(?![民级集庄落])")
_NOT_PLACE_PREFIX = (
    "城", "乡", "农", "全", "片", "地", "小", "园", "景", "社", "校", "厂", "库", "山", "街", "市", "新型", "示范",
    "开发", "特色", "保税", "商务", "功能", "集聚",
)  # fmt: skip
# Verbs inside the text before a number: the name is what follows the last one
# ("帮助企业落实工业技改用地" → 工业技改用地). Achievement verbs leave any name of
# two characters or more; other verbs only a longer one ("引进项目" stays).
_ACHIEVE_VERBS = re.compile(r"(?:完成|实现|建成(?!区)|达到|录得|取得|累计|共计|合计|服务好|抓好|做好|办好|用好|建好)")
_SPLIT_VERBS = re.compile(
    r"(?:落实|办理|引入|引进|投入|帮助|协调|带动|桥接|签订|争取到|争取|启动|现有|拥有|涉及|招引|促成|化解|受理|调处|发放|实施"
    r"|排查|发力|等)"
)
#: Words before 完成/实现 that belong to the name (a qualifier, not a clause).
_QUALIFIER = re.compile(
    # "规上工业企业", and with a threshold before it: "5000万元以上工业项目".
    rf"(?:\d+(?:\.\d+)?(?:{_MULT})?(?:元|美元)?(?:以上|以下))?[{_CJK}A-Za-z]{{2,8}}"
)
_FUNCTION_CHARS = re.compile("[要可后能会将已还再也都就才应需须得让使把被在是的了着过并和与及或等]")
_VERBISH = re.compile(
    r"坚持|推进|加快|通过|围绕|聚焦|按照|依托|以|在|对|为|将|把|全力|努力|着力|持续|积极|共|累计|已|全年"
)
_TRAIL = re.compile(
    r"(?:分别|控制在|保持在|稳定在|完成了|实现了|达到了|完成|实现|达到|已达|达|为|是|共计|共有|共|累计|合计|总计|(?<![签节制合预公条契])约|近|超过|超|逾|突破|增至|升至"
    r"|首次|历史性地|历史性|已|有|计|[:：])$"
)
_ENUM = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}是"
    r"|第[一二三四五六七八九十]{1,3}[,，、])"
)
_QUOTES = re.compile(r"[“”‘’\"'《》「」『』【】\[\]]")
_ACRONYM = re.compile(r"[(（][A-Za-z]{2,10}[)）]$")
_BAD_END = set("着了的在把将对向从给被让使与和及或等内中后前时上下里为到于以而并且")
_BAD_START = set("的了把被对向从给让使和及与或等到于为是以而个")
_BAD_WORDS = re.compile(r"是|这|那|我们|他们|你们|一个|每个|如何|什么|哪些|可以|能够|正在")
_STOP_NAMES = frozenset(
    {"时间", "期限", "目标", "任务", "其中", "合计", "总计", "共计", "全部", "以上", "左右", "总量", "总额", "规模"}
    | {"占比", "比重", "所占比重", "分别", "总数", "总户数", "总个数"}
)
#: Words that only say "the figure of the mention before": "总量达1.23亿元".
_ATTACH_WORDS = re.compile(
    r"[，,、\s]*(?:其|总量|总额|总数|规模|金额|数量)?(?:达到|达|为|是|完成|实现|共|计|约|近|突破|超过|超)*"
)
_DELTA_TAIL = re.compile(rf"(?:{_COMPARE})?{_FILL}(?:{_POS}|{_NEG}){_FILL}$")


def _strip_place(text: str) -> str:
    for pattern in (_PLACE_COUNTY, _PLACE_TOWN, _PLACE_VILLAGE):
        match = pattern.match(text)
        if not match:
            continue
        prefix, suffix = match.group(1), match.group(2)
        if prefix.endswith(_NOT_PLACE_PREFIX) or prefix.startswith(("全", "我", "本", "该")):
            continue
        if _ACHIEVE_VERBS.search(prefix) or _SPLIT_VERBS.search(prefix):
            continue
        if suffix == "村" and prefix.endswith(("城中", "农")):
            continue
        rest = text[match.end() :]
        if len(rest) >= 2 or not rest:
            return rest
    return text


_PLACE_ONLY = re.compile(rf"[{_CJK}]{{1,4}}(?:街道|镇|乡|社区|村|县|区|市)|[{_CJK}]{{2,8}}(?:开发区|园区)")
_LIST_LEAD = re.compile(r"^[，,、；;：:\s]*(?:其中|分别为|分别是|依次为)?[，,、：:\s]*")
_HEADER_TAIL = re.compile(r"(?:完成情况|情况|分别为|分别是|如下|为)$")


_SPACES = re.compile(r"\s+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,12}")
_UNIT_AT_START = re.compile(f"(?:{_UNIT_ALT})")


def place_only(segment: str) -> str | None:
    """The place a segment consists of ("其中，北白象镇" → 北白象镇), or ``None``."""
    text = _LIST_LEAD.sub("", _QUOTES.sub("", segment)).strip()
    text = _TRAIL.sub("", _TRAIL.sub("", text))
    if not _PLACE_ONLY.fullmatch(text) or _SCOPE.fullmatch(text) or text.startswith(("全", "我", "本", "该", "各")):
        return None
    if _ACHIEVE_VERBS.search(text) or _SPLIT_VERBS.search(text):
        return None
    return text


#: Words that are no name without the verb before them ("完成投资" is, "投资" is not).
_GENERIC_AFTER_VERB = frozenset({"投资", "产值", "任务", "目标", "收入", "营收", "销售", "税收"})
#: A name never starts with a comparison ("比上年增产0.3万吨"), a share ("占固定资产投资的比重") or a
#: difference from the budget ("超收4,600万元").
_NOT_A_NAME_START = re.compile(r"^(?:比上年|比去年|较上年|较去年|同比|比年初|较年初|环比|占|超收|短收|超支|节支)")


def clean_name(segment: str) -> str | None:
    """The indicator name in the text before a number, or ``None`` if there is none."""
    text = _QUOTES.sub("", segment).strip()
    if not text:
        return None
    # Across whitespace only the last phrase counts ("聚力攻坚 一般公共预算收入").
    text = _SPACES.split(text)[-1]
    text = _ACRONYM.sub("", text)
    for _round in range(6):
        before = text
        text = text.strip("，,、：:；;. -—").lstrip(")）]】")
        text = _TRAIL.sub("", text)
        text = _LEAD_FILLERS.sub("", text)
        text = _SCOPE.sub("", text)
        text = _strip_place(text)
        # A verb inside: the name is what follows the last one ("帮助企业落实工业技改用地").
        text = _ACRONYM.sub("", text)
        text = _ENUM.sub("", text)
        last = None
        achieve = False
        for pattern, shortest in ((_ACHIEVE_VERBS, 2), (_SPLIT_VERBS, 3)):
            for match in pattern.finditer(text):
                if len(text) - match.end() >= shortest and (last is None or match.end() > last.end()):
                    last, achieve = match, pattern is _ACHIEVE_VERBS
        if last is not None and achieve and last.start() == 0 and text[last.end() :] in _GENERIC_AFTER_VERB:
            # "完成投资112.5亿元": 投资 alone says too little; the catalogue knows 完成投资.
            break
        if last is not None:
            left, text = text[: last.start()], text[last.end() :]
            if achieve and _QUALIFIER.fullmatch(left) and not _VERBISH.match(left) and not _FUNCTION_CHARS.search(left):
                # "规上工业企业实现产值" → 规上工业企业产值: the words before the verb qualify the name.
                text = left + text
        if text == before:
            break
    text = text.strip("，,、：:；;（ -—")
    if not 2 <= len(text) <= 24:
        return None
    if len(_CJK_CHAR.findall(text)) < 2 and not _LATIN_WORD.fullmatch(text):
        return None
    bad_start = text[0] in _BAD_START and not text.startswith(("个体", "个人", "个税"))
    if text[-1] in _BAD_END or bad_start or _BAD_WORDS.search(text) or text in _STOP_NAMES:
        return None
    if text.count("(") != text.count(")") or text.count("（") != text.count("）"):
        return None
    if _NOT_A_NAME_START.match(text):
        return None
    return text


# --- Numbers written in Chinese ----------------------------------------------------
#
# "三千二百万元" → "3200万元", "十二亿三千万元" → "12.3亿元", "百分之十二点五" → "12.5%",
# "12亿3000万元" → "12.3亿元": rewritten before the scan, so the value comes out as written
# with the largest multiplier the text used. Only numerals followed by a unit (or
# 百分之) are touched: "一般", "一季度", "三个落实" … stay words.

_CN_DIGIT_VALUES = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = "[〇零一二两三四五六七八九十百千万亿]"
_CN_FRACTION = "(?:点[〇零一二三四五六七八九]+[万亿]{0,2})?"
_AFTER_UNIT = rf"(?=(?:多|余)?(?:{_UNIT_ALT})|(?:多|余)?[万亿])"
_CN_NUMBER_RE = re.compile(
    rf"(?<![〇零一二两三四五六七八九十百千万亿第星周礼初])(?P<cn>{_CN_RUN}+{_CN_FRACTION}){_AFTER_UNIT}"
    rf"|(?P<year>[〇零一二三四五六七八九]{{4}})(?=年)"
    rf"|百分之(?P<pct>{_CN_RUN}+(?:点[〇零一二三四五六七八九]+)?|\d+(?:\.\d+)?)"
    rf"|(?<![\d.])(?P<yi>\d+(?:\.\d+)?)亿(?P<wan>\d{{1,4}})万(?=(?:多|余)?(?:{_UNIT_ALT}))"
)


def _cn_integer(text: str) -> Decimal | None:
    """ "三千二百万" → 32000000; "二〇一九" → 2019; ``None`` for anything that is not a numeral."""
    if not text:
        return None
    if all(ch in _CN_DIGIT_VALUES for ch in text):
        return Decimal("".join(str(_CN_DIGIT_VALUES[ch]) for ch in text))
    total = wan = section = Decimal(0)
    number: Decimal | None = None
    for ch in text:
        if ch in _CN_DIGIT_VALUES:
            number = Decimal(_CN_DIGIT_VALUES[ch])
        elif ch in _CN_SMALL:
            if number is None:
                if ch != "十":
                    return None
                number = Decimal(1)
            section += number * _CN_SMALL[ch]
            number = None
        elif ch == "万":
            wan = (section + (number or 0)) * 10000
            if wan == 0:
                return None
            section, number = Decimal(0), None
        elif ch == "亿":
            total = (total + wan + section + (number or 0)) * 100000000
            if total == 0:
                return None
            wan = section = Decimal(0)
            number = None
        else:
            return None
    return total + wan + section + (number or 0)


def _cn_with_fraction(text: str) -> tuple[Decimal, str] | None:
    """ "一百二十三点四亿" → (123.4, "亿"); "三千二百万" → (3200, "万"); "十二亿三千万" → (12.3, "亿")."""
    if "点" in text:
        whole, _dot, rest = text.partition("点")
        mult = re.search("[万亿]+$", rest)
        tail = mult.group() if mult else ""
        digits = rest[: len(rest) - len(tail)]
        integer = _cn_integer(whole) if whole else Decimal(0)
        if integer is None or re.search("[万亿]", whole):
            return None
        number = Decimal(f"{integer}.{''.join(str(_CN_DIGIT_VALUES[c]) for c in digits)}")
        return number, tail
    value = _cn_integer(text)
    if value is None or not any(ch in _CN_DIGIT_VALUES for ch in text):
        return None
    for word, factor in (("亿", Decimal(100000000)), ("万", Decimal(10000))):
        if word in text:
            return value / factor, word
    return value, ""


def _plain_number(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cn_replace(match: re.Match[str]) -> str:
    if match["year"] is not None:
        digits = "".join(str(_CN_DIGIT_VALUES[c]) for c in match["year"])
        return digits if digits.startswith(("19", "20")) else match.group()
    if match["pct"] is not None:
        raw = match["pct"]
        if raw[0].isdigit():
            return f"{raw}%"
        parsed = _cn_with_fraction(raw)
        return f"{_plain_number(parsed[0])}%" if parsed and not parsed[1] else match.group()
    if match["yi"] is not None:
        number = Decimal(match["yi"]) + Decimal(match["wan"]) / 10000
        return f"{_plain_number(number)}亿"
    raw = match["cn"]
    parsed = _cn_with_fraction(raw)
    if parsed is None:
        return match.group()
    number, mult = parsed
    if len(raw) == 1:
        # One numeral ("三个", "两家"): only a count at the end of a clause ("精品村三个。").
        after = match.string[match.end() : match.end() + 4]
        unit = _UNIT_AT_START.match(after)
        rest = after[unit.end() :] if unit else after
        if rest and not re.match(r"[，,、。；;！!？?\s)）]", rest):
            return match.group()
    return _plain_number(number) + mult


_CN_FIRST = re.compile("[〇零一二两三四五六七八九十百千万亿]")


def chinese_numerals(text: str) -> str:
    """Numbers written in Chinese characters, before a unit or after 百分之, in Arabic digits."""
    if not _CN_FIRST.search(text) and "亿" not in text:
        return text
    return _CN_NUMBER_RE.sub(_cn_replace, text)


# --- Periods -----------------------------------------------------------------------

_CN_DIGITS = {"1": "一", "2": "二", "3": "三", "4": "四"}
_CN_VALUES = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _cn_number(text: str) -> int | None:
    """ "8" → 8, "十一" → 11, "三" → 3 (up to 99)."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _ten, ones = text.partition("十")
        return _CN_VALUES.get(tens, 1) * 10 + (_CN_VALUES.get(ones, 0) if ones else 0)
    return _CN_VALUES.get(text)


def normalise_period(raw: str, doc_year: int | None) -> str | None:
    """Normalise a period: "1-8月份" → "1-8月"; "今年一季度" → "一季度"; "去年" → "2018年" (in a 2019 text)."""
    text = re.sub(r"\s+", "", raw)
    text = re.sub(r"(\d)月份", r"\1月", text)
    text = re.sub(r"(\d)(?:~|至|到|—|-)(\d)", r"\1-\2", text)
    text = re.sub(r"年度", "年", text)
    year = ""
    match = re.match(r"^((?:19|20)\d{2})年", text)
    if match:
        year, text = f"{match.group(1)}年", text[match.end() :]
    else:
        rel = re.match(r"^(今年|本年|当年|去年|上年|上一年)", text)
        if rel:
            text = text[rel.end() :]
            if rel.group(1) in {"去年", "上年", "上一年"}:
                year = f"{doc_year - 1}年" if doc_year else "去年"
            elif not text or text in {"以来", "来", "全年"}:
                year = f"{doc_year}年" if doc_year else ""
    if text in {"以来", "来", "全年"} and (year or re.match(r"^(今年|本年|当年)", raw)):
        text = ""
    if text == "全年" and not year:
        return "全年"
    text = re.sub(r"^([1-4])季度", lambda m: _CN_DIGITS[m.group(1)] + "季度", text)
    text = re.sub(r"^首季度?$", "一季度", text)
    # "一至三季度", "1-3季度" → 前三季度; "1-2季度" → 上半年.
    text = re.sub(r"^[一1]-?(?:至|到|~)?[三3]季度$", "前三季度", text)
    text = re.sub(r"^[一1]-?(?:至|到|~)?[二2]季度$", "上半年", text)
    months = re.fullmatch(r"前(\d{1,2}|[一二三四五六七八九十]{1,3})个月", text)
    if months:
        n = _cn_number(months.group(1))
        if n is not None and 1 <= n <= 12:
            text = f"1-{n}月" if n > 1 else "1月"
    result = year + text
    return result or None


_DOC_DATE_RE = re.compile(r"((?:19|20)\d{2})(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日|/\d{1,2}/\d{1,2})")


def document_year(text: str) -> int | None:
    """The year of the first full date in the text (a web page's dateline), if any."""
    match = _DOC_DATE_RE.search(text)
    return int(match.group(1)) if match else None


# --- Tables copied as text --------------------------------------------------------
#
# Statistical tables pasted from a page or a spreadsheet arrive as lines of cells
# separated by tabs, "|" or runs of spaces, under a header row that names the
# columns ("指标名称  本月  1-8月累计  同比增长%") and often a line "单位：万元". The
# header says which column is the value, which the growth rate and which the share
# of the plan, and where the unit is (in brackets in the header, in a 单位 column,
# or on the 单位 line).

_CELL_SPLIT = re.compile(r"\t+|\s*[|｜]\s*|\s{2,}")
_UNIT_WORD = rf"(?:(?:{_MULT})?(?:{_UNIT_ALT})|{_MULT})"
_UNIT_LINE = re.compile(rf"(?:金额|计量|数据)?单位\s*[:：]\s*({_UNIT_WORD})")
_HEADER_UNIT = re.compile(rf"[(（]\s*({_UNIT_WORD}|%)\s*[)）]")
_CELL_NUMBER = re.compile(rf"^\s*({_NUM})\s*(%|{_UNIT_WORD})?\s*$")
_ROW_NUMBERING = re.compile(
    r"^(?:\d{1,3}[.、．]\s*|[一二三四五六七八九十]{1,3}[、.]\s*|[(（][一二三四五六七八九十\d]{1,3}[)）]\s*)"
)
_EMPTY_CELL = frozenset({"", "-", "—", "/", "－", "--", "——", "…"})


@dataclass
class _Table:
    columns: int
    name: int
    value: int | None
    yoy: int | None
    plan: int | None
    unit_col: int | None
    header_unit: str | None
    period: str | None
    rank: int | None = None
    rank_scope: str | None = None


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in _CELL_SPLIT.split(line.strip())]
    if cells and not cells[0] and line.strip().startswith(("|", "｜")):
        cells = cells[1:]
    if cells and not cells[-1] and line.strip().endswith(("|", "｜")):
        cells = cells[:-1]
    return cells


def _is_number_cell(cell: str) -> bool:
    return bool(_CELL_NUMBER.match(cell)) or cell in _EMPTY_CELL


def _table_header(cells: list[str], doc_year: int | None) -> _Table | None:
    """The roles of the columns of a header row, or ``None`` if the row is not a header."""
    if len(cells) < 2 or any(_CELL_NUMBER.match(c) for c in cells):
        return None
    # The names are in the first column, or the second after a 序号 column.
    name_col = next((i for i, c in enumerate(cells[:2]) if re.search(r"指标|名称|项目|类别", c)), None)
    if name_col is None or (name_col == 1 and not re.fullmatch(r"序号|编号|序|No\.?", cells[0].strip())):
        return None
    plan = unit_col = None
    yoys: list[int] = []
    plans: list[int] = []
    ranks: list[int] = []
    scopes: list[str | None] = []
    candidates: list[tuple[int, int]] = []  # (priority, column)
    header_unit = None
    period = None
    for index, cell in enumerate(cells[name_col + 1 :], start=name_col + 1):
        text = re.sub(r"\s+", "", cell)
        if re.fullmatch(r"(?:计量)?单位", text):
            unit_col = index
        elif re.search(r"同比|增长|增幅|增速|比增|比上年|比去年|[±+]%", text):
            yoys.append(index)
        elif re.search(r"计划|目标|任务|预算", text) and re.search(r"%|率|比例|进度|完成", text):
            plans.append(index)
        elif re.search(r"完成率|完成进度|完成比例", text):
            plans.append(index)  # next to a 年度目标 column: the share of it
        elif re.search(r"排名|位次|名次", text) and not re.search(r"上年|去年|上月|变化|升降|进退", text):
            ranks.append(index)
            rank_scope = re.match(r"全[省市区县镇乡]", text)
            scopes.append(rank_scope.group() if rank_scope else None)
        elif re.search(r"计划|目标|任务|预算|上年|去年|排名|位次|名次|备注|序时|进度", text):
            continue
        else:
            priority = 0 if "累计" in text or re.search(r"\d{1,2}\s*[-~至]\s*\d{1,2}\s*月", text) else 1
            candidates.append((priority, index))
    if not candidates:
        return None
    value = min(candidates)[1]
    # "本月 | 本月同比 | 1-8月累计 | 累计同比": the rate and the plan share of the value's column
    # are the first ones after it.
    yoy = next((c for c in yoys if c > value), yoys[0] if yoys else None)
    plan = next((c for c in plans if c > value), plans[0] if plans else None)
    header = cells[value]
    unit = _HEADER_UNIT.search(header)
    if unit:
        header_unit = unit.group(1)
    for match in _TOKEN_RE.finditer(header):
        if match.lastgroup in {"period", "wperiod"}:
            period = normalise_period(match.group(), doc_year)
            break
    table = _Table(len(cells), name_col, value, yoy, plan, unit_col, header_unit, period)
    if ranks:
        # "本月 | 累计 | 累计同比 | 全区排名": the first rank column (after the value's, if there are several).
        at = next((i for i, c in enumerate(ranks) if c > value), 0)
        table.rank, table.rank_scope = ranks[at], scopes[at]
    return table


def _table_row(
    table: _Table, cells: list[str], default_unit: str | None, line_no: int, period: str | None
) -> Mention | None:
    name = clean_name(_ROW_NUMBERING.sub("", cells[table.name]))
    if not name:
        return None
    mention = Mention(name=name, period=table.period or period, line=line_no)
    if table.value is not None:
        match = _CELL_NUMBER.match(cells[table.value])
        if match:
            mention.value = _to_float(match.group(1))
            mention.unit = (
                match.group(2)
                or ((cells[table.unit_col] or None) if table.unit_col is not None else None)
                or table.header_unit
                or default_unit
            )
    for column, attr in ((table.yoy, "yoy_pct"), (table.plan, "plan_pct")):
        if column is None:
            continue
        match = _CELL_NUMBER.match(cells[column])
        if match and match.group(2) in {None, "%"}:
            setattr(mention, attr, _to_float(match.group(1)))
    if table.rank is not None:
        rank = re.fullmatch(r"\s*(?:第)?(\d{1,3})\s*(?:位|名)?\s*", cells[table.rank])
        if rank and int(rank.group(1)) > 0:
            mention.rank, mention.rank_scope = int(rank.group(1)), table.rank_scope
    if not mention.has_figure():
        return None
    return mention


# --- The scan ----------------------------------------------------------------------


def _to_float(number: str) -> float:
    return float(Decimal(number.replace(",", "")))


@dataclass
class _LineState:
    doc_year: int | None
    period: str | None = None
    has_period: bool = False
    pending: str | None = None  # a weak period waiting for a mention
    pending_end: int = -1
    current: Mention | None = None  # the mention growth rates and plan shares attach to
    seg_start: int = 0
    first_period: str | None = None
    sentence: list[Mention] = field(default_factory=list)  # mentions since the last full stop
    context: str | None = None  # the indicator a list of places gives figures of
    skip_to: int = 0  # tokens before this position were read already ("分别增长…和…")
    sentence_start: int = 0  # where the sentence began (after the last full stop)


def _followed_by_noun(line: str, end: int) -> bool:
    rest = line[end : end + 2]
    if not rest:
        return False
    char = rest[0]
    if not _CJK_CHAR.match(char):
        return False
    return char not in "的以左余多同比增减下降较占完为是和及与或等其上内"


def _period_for(state: _LineState) -> str | None:
    if state.pending is not None:
        state.period, state.has_period = state.pending or None, True
        state.pending = None
    return state.period


def _new_mention(state: _LineState, mentions: list[Mention], name: str, line_no: int, start: int) -> Mention:
    mention = Mention(name=name, period=_period_for(state), line=line_no, start=start)
    if name != state.context or state.context is None:
        state.context = name
    mentions.append(mention)
    state.sentence.append(mention)
    state.current = mention
    return mention


_RESPECTIVELY = re.compile(r"分别[^，,。；;]{0,4}$")
_RESPECTIVELY_VALUES = re.compile(r"分别(?:为|是|达到|达|完成|实现)?[:：]?\s*$")
_MORE_QUANTITIES = re.compile(rf"(?:\s*[和、及与,，]\s*({_UNUM})\s*(%|{_AMOUNT_UNIT}))+")
_ONE_QUANTITY = re.compile(rf"({_UNUM})\s*(%|{_AMOUNT_UNIT})")
_NAME_JOIN = re.compile(r"[和与及、]")
#: Last characters of an indicator's name (收入, 总额, 产值, 投资, 用量 …), not of a qualifier (城镇居民, 住宿业).
_HEAD_END = frozenset("额值入资量数率出品积费款税利耗价润")
#: "营业收入和利润总额分别…": the names a list of figures is shared out to.
_RESPECTIVELY_TAIL = re.compile(r"(?:同比|比上年|较上年)?分别[^，,。；;]{0,4}$")
#: Words before a rank that only say "the rank of the figure before" ("增速居全市第一").
_RANK_ATTACH = frozenset(
    {"增速", "增幅", "增长速度", "总量", "规模", "总额", "排名", "位次", "名次", "总量和增速", "增量"}
)
#: "全区13个镇街中，…": among whom, said at the start of the sentence.
_AMONG = re.compile(r"(全[省市区县镇乡])[^，,。；;]{0,12}中[，,]")
#: "全市排名第4": the scope of a rank written before the rank word.
_TRAILING_SCOPE = re.compile(r"(全[省市区县镇乡])$")
#: "在全县乡镇综合考核中": what is ranked, and among whom.
_RANKED_IN = re.compile(
    rf"在({_RANK_SCOPE})?(?:各|所有)?(?:\d+个)?(?:乡镇街道|乡镇（街道）|乡镇\(街道\)|乡镇|镇街|街道|县区|区县|县市区|单位)?"
    rf"([{_CJK}A-Za-z]{{2,20}}?)(?:中|里|上)[，,]?"
)
#: Two figures of one name ("腾退房屋1,250户、16.4万平方米"): only a mark between them.
_SAME_NAME_SEPARATOR = re.compile(r"[、，,\s]*(?:和|及|共|计)?\s*")
_MORE_RATES = re.compile(r"(?:\s*[和、及与,，]\s*([-+]?\d+(?:\.\d+)?)\s*%)+")
_ONE_RATE = re.compile(r"([-+]?\d+(?:\.\d+)?)\s*%")


def _quantity(
    state: _LineState, mentions: list[Mention], line: str, line_no: int, match: re.Match[str], segment: str
) -> None:
    groups = match  # indexing a match by group name reads one group
    unit: str = groups["qpct"] or ((groups["qmult"] or "") + (groups["qunit"] or ""))
    is_count = groups["qunit"] in _MEASURE_UNITS_SET or bool(groups["qmult"] and not groups["qunit"])
    if (is_count and _followed_by_noun(line, match.end())) or _DELTA_TAIL.search(segment):
        # "18个职能组" counts a noun; "比上年增加1.2亿元" is a difference, not a value.
        return
    if line.startswith(("大关", "关口", "台阶"), match.end()):
        # "首次突破五百亿元大关，达到512.3亿元": a milestone; the figure comes after it.
        name = clean_name(segment)
        if name:
            _new_mention(state, mentions, name, line_no, match.start())
        return
    value = _to_float(groups["qnum"])
    place = place_only(segment)
    if place and not state.context:
        return  # a place's figure, but of what?
    if place and state.context:
        # "其中，北白象镇12.3亿元、增长5.1%，柳市镇10.2亿元…": the figure of that place.
        mention = _new_mention(state, mentions, state.context, line_no, match.start())
        mention.value, mention.unit, mention.place = value, unit, place
        return
    name = clean_name(segment)
    if name:
        mention = _new_mention(state, mentions, name, line_no, match.start())
        mention.value, mention.unit = value, unit
        return
    current = state.current
    if current is not None and current.value is None and _ATTACH_WORDS.fullmatch(_QUOTES.sub("", segment)):
        # "……同比增长15%，达到12亿元": the value of the mention before.
        current.value, current.unit = value, unit
    elif (
        current is not None
        and current.value is not None
        and current.unit != unit
        and current.yoy_pct is None
        and _SAME_NAME_SEPARATOR.fullmatch(segment)
    ):
        # "累计腾退房屋1,250户、16.4万平方米": a second figure of the same thing, in another unit.
        mention = _new_mention(state, mentions, current.name, line_no, match.start())
        mention.value, mention.unit, mention.place = value, unit, current.place


_CLAUSE_MARK = re.compile(r"[，,。；;：:！!？?]")


def _clause(line: str, end: int) -> str:
    """The text from the last clause mark (not 、) before ``end`` up to it."""
    start = end
    while start > 0 and not _CLAUSE_MARK.match(line[start - 1]):
        start -= 1
    return line[start:end]


def _shared_names(segment: str, count: int) -> list[str] | None:
    """ "规上工业企业实现营业收入和利润总额分别为" with 2 figures → [规上工业企业营业收入, 规上工业企业利润总额]."""
    text = _RESPECTIVELY_TAIL.sub("", segment.strip())
    parts = _NAME_JOIN.split(text)
    if len(parts) != count or count < 2:
        return None
    names = [clean_name(part) for part in parts]
    if any(name is None for name in names):
        return None
    result = [name for name in names if name is not None]
    # "城镇居民和农村居民人均可支配收入", "住宿业和餐饮业营业额": the head of the last name is shared.
    last = result[-1]
    for index, name in enumerate(result[:-1]):
        if name[-1] in _HEAD_END or last[-1] not in _HEAD_END:
            continue
        for size in (2, 1):
            at = last.find(name[-size:])
            if at >= 0 and len(last) - (at + size) >= 2:
                result[index] = name + last[at + size :]
                break
    # A qualifier before the verb of the first name belongs to all of them.
    verbs = list(_ACHIEVE_VERBS.finditer(parts[0]))
    if verbs:
        left = clean_name(parts[0][: verbs[-1].start()])
        right = clean_name(parts[0][verbs[-1].end() :])
        if left and right and result[0] == left + right:
            result[1:] = [name if name.startswith(left) else left + name for name in result[1:]]
    return result


def _rank(state: _LineState, mentions: list[Mention], line: str, line_no: int, match: re.Match[str]) -> None:
    """ "列全市第5位": the rank of the figure before, or of the thing the text names before it."""
    segment = line[state.seg_start : match.start()]
    number = _cn_number(match["rnum"])
    if number is None:
        return
    scope = match["rscope"]
    sentence = line[state.sentence_start : match.start()]
    ranked_in = None
    for found in _RANKED_IN.finditer(sentence):
        rest = sentence[found.end() :]
        if not rest.strip() or not clean_name(rest) or place_only(rest):
            ranked_in = found
    trailing_scope = _TRAILING_SCOPE.search(segment)
    if scope is None and trailing_scope:
        scope = trailing_scope.group(1)
        segment = segment[: trailing_scope.start()]
    if ranked_in is not None and scope is None:
        scope = ranked_in.group(1)
    among = _AMONG.search(sentence) if scope is None else None
    if among is not None:
        scope = among.group(1)  # "全区13个镇街中，我镇综合排名第4位"
    # "柏塘镇在全县乡镇综合考核中排名第3": when the 在…中 phrase is in the text right before the rank,
    # what it names is ranked; one in an earlier clause only stands in when the text before names nothing.
    inside = ranked_in is not None and ranked_in.start() >= state.seg_start - state.sentence_start
    name = None if inside else clean_name(segment)
    if name is not None:
        # "总量和增速均列全市第一": the rank of the figure before.
        words = _NAME_JOIN.split(re.sub(r"(?:均|都|也|仍|继续|再次|稳定)+$", "", name))
        if all(word in _RANK_ATTACH for word in words):
            name = None
    if name in {"综合", "总体", "整体"}:
        name = f"{name}排名"  # "我镇综合排名第4位"
    target = state.current
    if ranked_in is not None and (name is None or name in _RANK_ATTACH or place_only(segment)):
        name = clean_name(ranked_in.group(2))
    if name is not None and name not in _RANK_ATTACH and (target is None or target.name != name):
        target = _new_mention(state, mentions, name, line_no, match.start())
    if target is not None and target.rank is None:
        target.rank, target.rank_scope = number, scope


def _scan_line(
    line: str, line_no: int, doc_year: int | None, context: str | None = None
) -> tuple[list[Mention], str | None, str | None]:
    """Mentions in one line, the first period the line names (for headings), and the
    indicator a list of places on the next line would give figures of."""
    state = _LineState(doc_year=doc_year, context=context)
    mentions: list[Mention] = []
    for match in _TOKEN_RE.finditer(line):
        if match.start() < state.skip_to:
            continue
        kind = match.lastgroup
        groups = match  # indexing a match by group name reads one group (no dict of all of them)
        segment = line[state.seg_start : match.start()]
        if kind == "period" or kind == "wperiod":
            raw = groups["period"] or groups["wperiod"]
            value = normalise_period(raw, doc_year)
            if state.first_period is None and value:
                state.first_period = value
            if groups["period"] is not None:
                state.period, state.has_period, state.pending = value, True, None
            else:
                if value == "全年" and state.period and re.fullmatch(r"(?:19|20)\d{2}年", state.period):
                    value = state.period  # "2025年，…；全年新增…": the year already named
                state.pending, state.pending_end = value, match.end()
                if value is None:
                    # 今年 with no dateline: no period, but it does replace an earlier one.
                    state.pending = ""
            state.seg_start = match.end()
            continue
        if kind == "rank":
            _rank(state, mentions, line, line_no, match)
            state.seg_start = match.end()
            continue
        if kind == "rchg":
            moved = _cn_number(groups["rcnum"])
            target = next((m for m in reversed(state.sentence) if m.rank is not None), state.current)
            if target is not None and moved is not None and target.rank_change is None:
                target.rank_change = moved if groups["rup"] else -moved
            state.seg_start = match.end()
            continue
        if kind == "delta":
            verb = groups["dverb"] or groups["dverb2"]
            amount = _to_float(groups["dnum"] or groups["dnum2"])
            if verb[0] in "减少下降":
                amount = -amount
            name = clean_name(segment)
            target = state.current
            if name and (target is None or target.name != name or target.yoy_abs is not None):
                target = _new_mention(state, mentions, name, line_no, match.start())
            if target is not None and target.yoy_abs is None:
                target.yoy_abs, target.yoy_abs_unit = amount, groups["dunit"] or groups["dunit2"]
            state.seg_start = match.end()
            continue
        if kind == "yoy":
            number = groups["ynum"] if groups["ynum"] is not None else groups["ynum2"]
            pct = _to_float(number) if number is not None else 0.0
            if groups["yunit"] == "倍":
                pct = pct * 100
            if groups["neg"]:
                pct = -abs(pct)
            respectively = _RESPECTIVELY.search(segment)
            more = _MORE_RATES.match(line, match.end()) if respectively else None
            rates = [pct] + ([_to_float(r) for r in _ONE_RATE.findall(more.group())] if more else [])
            if groups["neg"]:
                rates = [-abs(r) for r in rates]
            shared = _shared_names(_clause(line, match.start()), len(rates)) if respectively else None
            if shared:
                # "工业投资和技改投资分别增长12.4%和7.9%": one name for each rate.
                for shared_name, rate in zip(shared, rates, strict=True):
                    _new_mention(state, mentions, shared_name, line_no, match.start()).yoy_pct = rate
                state.seg_start = state.skip_to = more.end() if more else match.end()
                continue
            if respectively and state.sentence:
                # "接待游客568万人次，旅游总收入48.6亿元，分别增长35.2%和41.3%": in order.
                for mention, rate in zip(state.sentence[-len(rates) :], rates, strict=False):
                    if mention.yoy_pct is None:
                        mention.yoy_pct = rate
                state.seg_start = state.skip_to = more.end() if more else match.end()
                continue
            name = clean_name(segment)
            target = state.current
            if name and (target is None or target.name != name or target.yoy_pct is not None):
                target = _new_mention(state, mentions, name, line_no, match.start())
            if target is not None and target.yoy_pct is None:
                target.yoy_pct = pct
            state.seg_start = match.end()
            continue
        if kind == "plan" or kind == "planv":
            name = clean_name(segment)
            target = state.current
            if name and (target is None or target.name != name or target.plan_pct is not None):
                target = _new_mention(state, mentions, name, line_no, match.start())
            if target is not None and target.plan_pct is None:
                if kind == "planv":
                    # "完成年初预算数22,000万元的40.0%": the plan is a field, not an indicator.
                    target.plan_pct = _to_float(groups["pvpct"])
                    target.plan_value, target.plan_unit = _to_float(groups["pvnum"]), groups["pvunit"]
                else:
                    target.plan_pct = _to_float(groups["pnum"])
            state.seg_start = match.end()
            continue
        if kind == "qty" and groups["qnot"] is None and (groups["qpct"] or groups["qunit"] or groups["qmult"]):
            after = line[match.end() : match.end() + 4]
            if after.startswith(("以上", "以下", "及以上", "以内")) and _CJK_CHAR.match(after[2:3] or "，"):
                # "300万元以上技改投资", "10亿元以上项目12个": a threshold inside the name.
                continue
            if _RESPECTIVELY_VALUES.search(segment):
                more = _MORE_QUANTITIES.match(line, match.end())
                figures = [(groups["qnum"], groups["qpct"] or (groups["qmult"] or "") + (groups["qunit"] or ""))]
                figures += _ONE_QUANTITY.findall(more.group()) if more else []
                shared = _shared_names(_clause(line, match.start()), len(figures))
                if shared:
                    # "营业收入和利润总额分别为356.2亿元和21.4亿元": one name for each figure.
                    for shared_name, (number, unit) in zip(shared, figures, strict=True):
                        mention = _new_mention(state, mentions, shared_name, line_no, match.start())
                        mention.value, mention.unit = _to_float(number), unit
                    state.seg_start = state.skip_to = more.end() if more else match.end()
                    continue
            _quantity(state, mentions, line, line_no, match, segment)
            state.seg_start = match.end()
            continue
        if kind == "qty" and not groups["qnot"] and re.match(r"[A-Za-z]", line[match.end() : match.end() + 1]):
            # A number inside a word ("5G基站") is text; a bare number ("奋战1161") is a boundary.
            continue
        if kind == "qty" and not groups["qnot"]:
            # A table row copied as text: "一般公共预算收入（万元）  16915" — the unit is in brackets.
            # The bracket ends right before the number, a colon or column mark between at most.
            before = line[: match.start()]
            bracketed = _BRACKETED_UNIT.search(before)
            if bracketed:
                name = clean_name(re.split(r"[，,、；;。！？!?：:|]", before[: bracketed.start()])[-1])
                if name:
                    mention = _new_mention(state, mentions, name, line_no, match.start())
                    mention.value, mention.unit = _to_float(groups["qnum"]), bracketed.group(1)
                state.seg_start = match.end()
                continue
        if kind == "comma" and match.group() in "：:" and not place_only(segment):
            # "各镇街规上工业产值：城东街道45.6亿元…": the indicator of the list that follows.
            header = clean_name(_HEADER_TAIL.sub("", segment.strip()))
            if header:
                state.context = header
        if kind == "stop":
            state.current = None
            state.sentence = []
            state.sentence_start = match.end()
        if kind in {"comma", "stop"} and state.pending is not None and match.group() != "、":
            # (、 only separates the items of a list: "全年A、B、C分别增长…" is all 全年.)
            # A weak period counts when a clause mark follows it straight away ("2018年，…").
            if not line[state.pending_end : match.start()].strip():
                state.period, state.has_period = state.pending or None, True
            state.pending = None
        state.seg_start = match.end()
    return mentions, state.first_period, state.context


_HEADING_MAX = 50

# --- Catalogue codes ---------------------------------------------------------------
#
# Scorecards shorten indicator names in a few set ways: 规上 for 规模以上, 限上 for
# 限额以上, 社零额 for 社会消费品零售总额, 固投 for 固定资产投资, 营收 for 营业收入. A
# name and a catalogue entry (its name or one of its other names) match when they
# are the same after these forms are folded together, so "规模以上工业增加值" finds
# the catalogue's 规上工业增加值 without every spelling being listed.

_SHORT_FORMS = [
    ("社会消费品零售总额", "社零额"),
    ("社会消费品零售额", "社零额"),
    ("社消零售总额", "社零额"),
    ("社消零售额", "社零额"),
    ("社消零", "社零额"),
    ("规模以上", "规上"),
    ("限额以上", "限上"),
    ("固定资产投资", "固投"),
    ("营业收入", "营收"),
    ("地区生产总值", "gdp"),
    ("国内生产总值", "gdp"),
    ("生产总值", "gdp"),
]
_SHORT_FORM_RE = re.compile("|".join(re.escape(long) for long, _short in _SHORT_FORMS))
_SHORT_FORM = dict(_SHORT_FORMS)


def alias_key(name: str) -> str:
    """The form in which a name is compared with the catalogue: simplified, no spaces or brackets,
    lower case, short forms folded ("规模以上工业增加值" and "规上工业增加值" give the same key)."""
    text = re.sub(r"[\s()（）]", "", normalise(name)).lower()
    return _SHORT_FORM_RE.sub(lambda m: _SHORT_FORM[m.group()], text)


def _catalogue_index(catalogue: Mapping[str, str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, code in catalogue.items():
        index.setdefault(alias_key(name), code)
    return index


def _is_heading(line: str) -> bool:
    text = line.strip()
    if not text or text[-1] in "。！？!?；;":
        return False
    return len(text) <= _HEADING_MAX or text[-1] in "：:"


def parse(text: str, *, catalogue: Mapping[str, str] | None = None) -> list[Mention]:
    """Every indicator mention in ``text``, in reading order.

    ``catalogue`` maps indicator names and other names to catalogue codes; a
    mention whose name matches one (see :func:`alias_key`) gets its ``code``.
    """
    text = chinese_numerals(normalise(text.replace("\r\n", "\n").replace("\r", "\n")))
    doc_year = document_year(text)
    heading_period: str | None = None
    result: list[Mention] = []
    table: _Table | None = None
    table_unit: str | None = None  # from a line "单位：万元"
    context: str | None = None
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if "单位" in line:
            unit_line = _UNIT_LINE.search(line)
            if unit_line:
                table_unit = unit_line.group(1)
        if "\t" in line or "|" in line or "｜" in line or "  " in line.strip():
            cells = _cells(line)
            header = _table_header(cells, doc_year)
            if header is not None:
                table = header
                continue
            if table is not None and len(cells) == table.columns:
                row = _table_row(table, cells, table_unit, line_no, heading_period)
                if row is not None:
                    result.append(row)
                continue
            if table is None and table_unit and len(cells) == 2 and _CELL_NUMBER.match(cells[1]):
                # "一般公共预算收入    16915" under "单位：万元".
                plain = _Table(2, 0, 1, None, None, None, None, None)
                row = _table_row(plain, cells, table_unit, line_no, heading_period)
                if row is not None:
                    result.append(row)
                    continue
        table = None
        if not _DIGIT.search(line) and not _is_heading(line):
            context = None
            continue  # no number, no mention; and not a heading that could name a period
        mentions, first_period, line_context = _scan_line(line, line_no, doc_year, context)
        context = line_context
        if not mentions:
            if first_period and _is_heading(line):
                heading_period = first_period
            continue
        for mention in mentions:
            if mention.period is None and heading_period:
                mention.period = heading_period
        # A milestone without the figure after it ("突破五百亿元大关。") says nothing to keep.
        result.extend(m for m in mentions if m.has_figure())
    if catalogue:
        index = _catalogue_index(catalogue)
        keys: dict[str, str | None] = {}
        for mention in result:
            if mention.name not in keys:
                keys[mention.name] = index.get(alias_key(mention.name))
            mention.code = keys[mention.name]
    return result


def parse_to_json(text: str, *, indent: int | None = 2, catalogue: Mapping[str, str] | None = None) -> str:
    """The JSON array of the contract (docs/scorecard-parser.md), one object per mention."""
    return json.dumps([m.as_dict() for m in parse(text, catalogue=catalogue)], ensure_ascii=False, indent=indent)
