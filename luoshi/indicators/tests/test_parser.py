"""Scorecard text parser: cases in simplified, traditional and pinyin-annotated Chinese.

Every case below is run three times: as written (simplified), converted to
traditional with OpenCC ``s2t``, and traditional with a pinyin syllable after
every CJK character, the way some converted web pages show them. The expected
output is the same each time: names come back in simplified Chinese.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.indicators.parser import (
    chinese_numerals,
    clean_name,
    document_year,
    normalise_period,
    parse,
    parse_to_json,
)

_S2T = opencc.OpenCC("s2t")
_SYLLABLES = ["qū", "yì", "wàn", "shí", "guī", "yè", "chǎn", "zhí", "fā", "wù", "jī", "lǜ", "zhēng", "nǚ"]


def traditional(text: str) -> str:
    return _S2T.convert(text)


def annotated(text: str) -> str:
    """Traditional text with "(pinyin)" after every CJK character (readings are placeholders)."""
    cycle = itertools.cycle(_SYLLABLES)
    return re.sub(r"([\u4e00-\u9fff])", lambda m: f"{m.group(1)}({next(cycle)})", traditional(text))


def M(  # noqa: N802
    name,
    value=None,
    unit=None,
    yoy=None,
    plan=None,
    period=None,
    *,
    plan_value=None,
    plan_unit=None,
    yoy_abs=None,
    yoy_abs_unit=None,
    rank=None,
    rank_scope=None,
    rank_change=None,
    code=None,
) -> dict[str, Any]:
    """One item of the JSON array; the fields of issue 16 are keyword-only and null unless given."""
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "yoy_pct": yoy,
        "plan_pct": plan,
        "period": period,
        "plan_value": plan_value,
        "plan_unit": plan_unit,
        "yoy_abs": yoy_abs,
        "yoy_abs_unit": yoy_abs_unit,
        "rank": rank,
        "rank_scope": rank_scope,
        "rank_change": rank_change,
        "code": code,
    }


SCRIPTS = {"simplified": lambda t: t, "traditional": traditional, "pinyin": annotated}

CASES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "month range, verb, yoy and plan",
        "1-5月，全镇实现规上工业总产值45.6亿元，同比增长12.3%，完成年度计划的42.1%。",
        [M("规上工业总产值", 45.6, "亿元", 12.3, 42.1, "1-5月")],
    ),
    (
        "plan before yoy, 占年初预算",
        "一季度，我街道一般公共预算收入完成1.23亿元，占年初预算的28.5%，同比增长5.6%。",
        [M("一般公共预算收入", 1.23, "亿元", 5.6, 28.5, "一季度")],
    ),
    (
        "year period, 比上年增长",
        "2018年，全区实现地区生产总值356.7亿元，比上年增长8.1%。",
        [M("地区生产总值", 356.7, "亿元", 8.1, None, "2018年")],
    ),
    (
        "no period, 年度任务",
        "固定资产投资完成12.5亿元，增长15%，完成年度任务的65%。",
        [M("固定资产投资", 12.5, "亿元", 15.0, 65.0)],
    ),
    (
        "growth only, percentage points ignored",
        "规上工业增加值同比增长8.5%，高于全市平均2.1个百分点。",
        [M("规上工业增加值", yoy=8.5)],
    ),
    ("decline is negative", "限上批零住餐销售额8.9亿元，同比下降3.2%。", [M("限上批零住餐销售额", 8.9, "亿元", -3.2)]),
    (
        "several mentions, 其中, one period for the line",
        "上半年，全镇完成固定资产投资23.4亿元，同比增长18.2%；其中工业投资9.1亿元，增长25.3%；"
        "房地产开发投资7.6亿元，下降4.1%。",
        [
            M("固定资产投资", 23.4, "亿元", 18.2, None, "上半年"),
            M("工业投资", 9.1, "亿元", 25.3, None, "上半年"),
            M("房地产开发投资", 7.6, "亿元", -4.1, None, "上半年"),
        ],
    ),
    (
        "heading period applies to the lines below",
        "1-8月份城东街道成绩单\n一般公共预算总收入完成16915万元\n建安投资完成151384万元,比增61.7%",
        [
            M("一般公共预算总收入", 16915.0, "万元", period="1-8月"),
            M("建安投资", 151384.0, "万元", 61.7, period="1-8月"),
        ],
    ),
    (
        "thousands separator, 达到",
        "前三季度，全区规上服务业营业收入达到16,915万元，同比增长9.7%。",
        [M("规上服务业营业收入", 16915.0, "万元", 9.7, None, "前三季度")],
    ),
    (
        "截至, 全年目标任务",
        "截至8月底，全街道新增市场主体1,258户，完成全年目标任务的83.9%。",
        [M("新增市场主体", 1258.0, "户", None, 83.9, "截至8月底")],
    ),
    (
        "place name and quarter shared by two mentions",
        "北白象镇一季度财政总收入6.19亿元、完成新产品产值26.4亿元。",
        [M("财政总收入", 6.19, "亿元", period="一季度"), M("新产品产值", 26.4, "亿元", period="一季度")],
    ),
    (
        "今年一季度, 增速",
        "五马街道今年一季度批零住餐销售额44.52亿元、增速17.2%。",
        [M("批零住餐销售额", 44.52, "亿元", 17.2, None, "一季度")],
    ),
    (
        "多 after the number, a rate as value",
        "征迁工作中，签约面积54000多平方米，签约率100%。",
        [M("签约面积", 54000.0, "平方米"), M("签约率", 100.0, "%")],
    ),
    (
        "em dash range, negative growth written as a sign",
        "1—6月，全县社会消费品零售总额为56.3亿元，同比增长-2.4%。",
        [M("社会消费品零售总额", 56.3, "亿元", -2.4, None, "1-6月")],
    ),
    ("万亿 and 回落", "全市进出口总额1.2万亿元，同比回落3.5%。", [M("进出口总额", 1.2, "万亿元", -3.5)]),
    (
        "decrease without value, narrowing in points ignored",
        "规上工业企业利润总额同比减少12.6%，降幅比上月收窄2.1个百分点。",
        [M("规上工业企业利润总额", yoy=-12.6)],
    ),
    ("growth in times", "该镇实现税收收入3.2亿元，同比增长1.5倍。", [M("税收收入", 3.2, "亿元", 150.0)]),
    (
        "城镇 and 农村 are not place names",
        "全区城镇居民人均可支配收入达到45,678元，增长6.8%；农村居民人均可支配收入28,912元，增长7.9%。",
        [M("城镇居民人均可支配收入", 45678.0, "元", 6.8), M("农村居民人均可支配收入", 28912.0, "元", 7.9)],
    ),
    (
        "至 in a month range, compound unit",
        "1至10月，规上工业用电量4.56亿千瓦时，同比增长3.3%。",
        [M("规上工业用电量", 4.56, "亿千瓦时", 3.3, None, "1-10月")],
    ),
    (
        "年初预算 after the value",
        "全镇完成一般公共预算收入1.05亿元，完成年初预算的76.3%，同比增长4.2%。",
        [M("一般公共预算收入", 1.05, "亿元", 4.2, 76.3)],
    ),
    (
        "year and months together",
        "2019年1-3月，我区限上批发销售额完成106780万元，比增28%。",
        [M("限上批发销售额", 106780.0, "万元", 28.0, None, "2019年1-3月")],
    ),
    ("foreign currency", "实际利用外资1.2亿美元，增长20.3%。", [M("实际利用外资", 1.2, "亿美元", 20.3)]),
    ("余 after the number", "全年新增就业岗位3500余个。", [M("新增就业岗位", 3500.0, "个", period="全年")]),
    ("控制在", "城镇登记失业率控制在3.2%以内。", [M("城镇登记失业率", 3.2, "%")]),
    (
        "full-width digits and punctuation",
        "１－８月，规上工业产值完成１４９，９７６万元，同比增长１２．５％。",
        [M("规上工业产值", 149976.0, "万元", 12.5, None, "1-8月")],
    ),
    (
        "double spaces separate columns",
        "一般公共预算收入  16915万元  比增5.2%",
        [M("一般公共预算收入", 16915.0, "万元", 5.2)],
    ),
    (
        "numbered heading and numbered items",
        "一、1-5月主要经济指标完成情况\n（一）财政总收入3.56亿元，同比增长10.1%。\n（二）规上工业产值28.7亿元，同比下降2.3%。",
        [M("财政总收入", 3.56, "亿元", 10.1, None, "1-5月"), M("规上工业产值", 28.7, "亿元", -2.3, None, "1-5月")],
    ),
    (
        "counts before a noun are not values",
        "明确了18个职能组的具体分工，13个社区结合实际形成了工作预案，共涉及120宗民房。",
        [],
    ),
    (
        "项目 kept with its verb when the rest would be too short",
        "今年以来，全镇共引进项目15个，总投资32.6亿元。",
        [M("引进项目", 15.0, "个"), M("总投资", 32.6, "亿元")],
    ),
    ("negative value", "规上工业企业利润总额-1,250万元。", [M("规上工业企业利润总额", -1250.0, "万元")]),
    (
        "acronym in parentheses",
        "全区地区生产总值（GDP）完成356.7亿元。",
        [M("地区生产总值", 356.7, "亿元")],
    ),
    ("plan share without value", "财政收入完成年度计划的65.2%。", [M("财政收入", plan=65.2)]),
    (
        "month-on-month is not year-over-year",
        "8月份，全区规上工业产值完成20.1亿元，环比增长3.2%，同比增长5.1%。",
        [M("规上工业产值", 20.1, "亿元", 5.1, None, "8月")],
    ),
    (
        "growth before the value",
        "固定资产投资同比增长15%，达到12亿元。",
        [M("固定资产投资", 12.0, "亿元", 15.0)],
    ),
    (
        "增速为 with a negative rate",
        "规上工业产值增速为-5.3%。",
        [M("规上工业产值", yoy=-5.3)],
    ),
    ("latin name", "全区GDP完成356.7亿元。", [M("GDP", 356.7, "亿元")]),
    (
        "dates, durations and ranges are not values",
        "6月30日正式启动签约，签约工作在1个月的期限内完成，带动村集体经济增收10-20万元。",
        [],
    ),
    (
        "dateline turns 去年 into a year; 今年一季度 is 一季度",
        "温州网 2019-04-25 07:05:43\n去年全镇财政总收入5.2亿元，今年一季度财政总收入1.6亿元。",
        [M("财政总收入", 5.2, "亿元", period="2018年"), M("财政总收入", 1.6, "亿元", period="一季度")],
    ),
    (
        "verbs inside the text before the value",
        "仅3月份就帮助企业落实工业技改用地49亩。",
        [M("工业技改用地", 49.0, "亩", period="3月")],
    ),
    (
        "约 and a semicolon",
        "二是扩投资，已签约项目10个，投资总额约40亿元；在谈项目8个，洽谈金额约11亿元。",
        [M("签约项目", 10.0, "个"), M("投资总额", 40.0, "亿元"), M("在谈项目", 8.0, "个"), M("洽谈金额", 11.0, "亿元")],
    ),
    (
        "target growth with 以上",
        "力争有效投资增长20%以上。",
        [M("有效投资", yoy=20.0)],
    ),
    (
        "completion rate of the annual target",
        "完成工业技改投资4.5亿元，同比增长22.3%，年度目标完成率75%。",
        [M("工业技改投资", 4.5, "亿元", 22.3, 75.0)],
    ),
    (
        "万 in the unit and 余 between",
        "上半年接待游客5万余人次，旅游收入3000多万元。",
        [M("接待游客", 5.0, "万人次", period="上半年"), M("旅游收入", 3000.0, "万元", period="上半年")],
    ),
    (
        "heading with a colon, then a list in another period",
        "今年1-9月，全镇主要经济指标如下：\n规上工业总产值52.3亿元，增长9.1%；\n2-9月新增市场主体860户。",
        [M("规上工业总产值", 52.3, "亿元", 9.1, None, "1-9月"), M("新增市场主体", 860.0, "户", period="2-9月")],
    ),
    (
        "negative growth words",
        "工业用电量下降2.1%，建筑业产值减少6%，房地产销售面积下滑11.4%。",
        [M("工业用电量", yoy=-2.1), M("建筑业产值", yoy=-6.0), M("房地产销售面积", yoy=-11.4)],
    ),
    (
        "the figure after the rate, named by a generic word",
        "一般公共预算收入同比增长5.6%，总量达1.23亿元。",
        [M("一般公共预算收入", 1.23, "亿元", 5.6)],
    ),
    (
        "growth in brackets after the value",
        "财政总收入6.19亿元（同比增长12.4%），新产品产值26.4亿元。",
        [M("财政总收入", 6.19, "亿元", 12.4), M("新产品产值", 26.4, "亿元")],
    ),
    (
        "numbered with digits in brackets",
        "（1）规上工业产值完成149976万元；（2）固定资产投资完成171156万元。",
        [M("规上工业产值", 149976.0, "万元"), M("固定资产投资", 171156.0, "万元")],
    ),
    (
        "share of another figure is not an indicator",
        "实现税收收入1.2亿元，占总收入的85%。",
        [M("税收收入", 1.2, "亿元")],
    ),
    (
        "table rows copied as text, unit in brackets",
        "1-6月主要指标\n一般公共预算收入（万元）  16915  比增5.2%\n"
        "规上工业总产值(亿元)：28.7  同比增长9.1%\n城镇化率(%) 65.2",
        [
            M("一般公共预算收入", 16915.0, "万元", 5.2, None, "1-6月"),
            M("规上工业总产值", 28.7, "亿元", 9.1, None, "1-6月"),
            M("城镇化率", 65.2, "%", None, None, "1-6月"),
        ],
    ),
    (
        "分别: rates in the order of the figures",
        "今年以来，全县累计接待游客568.2万人次，实现旅游总收入48.6亿元，分别增长35.2%和41.3%。"
        "出口2.8亿美元、进口1.2亿美元，分别下降3.1%、5.2%。",
        [
            M("接待游客", 568.2, "万人次", 35.2),
            M("旅游总收入", 48.6, "亿元", 41.3),
            M("出口", 2.8, "亿美元", -3.1),
            M("进口", 1.2, "亿美元", -5.2),
        ],
    ),
    (
        "前N个月, 签约 is not 约, a share is not an indicator",
        "前10个月，累计完成征迁签约856户，签约率达95.3%；民生支出7.6亿元，占比77.6%。",
        [
            M("征迁签约", 856.0, "户", period="1-10月"),
            M("签约率", 95.3, "%", period="1-10月"),
            M("民生支出", 7.6, "亿元", period="1-10月"),
        ],
    ),
    (
        "较去年同期 is a comparison, not a period",
        "税收收入较去年同期增长6.6%。",
        [M("税收收入", yoy=6.6)],
    ),
    (
        "Chinese numerals: 三千二百万元 and 百分之十二点五",
        "今年1-6月，全镇实现工业总产值三千二百万元，同比增长百分之十二点五。",
        [M("工业总产值", 3200.0, "万元", 12.5, period="1-6月")],
    ),
    (
        "Chinese numerals across 亿 and 万, 同比下降百分之",
        "一季度，全区完成固定资产投资十二亿三千万元，同比下降百分之三点二。",
        [M("固定资产投资", 12.3, "亿元", -3.2, period="一季度")],
    ),
    (
        "Chinese numerals with 点 before the multiplier",
        "1-7月份，规上工业企业实现营业收入一百二十三点四亿元，同比增长7.3%。",
        [M("规上工业企业营业收入", 123.4, "亿元", 7.3, period="1-7月")],
    ),
    (
        "Chinese numerals: counts at the end of a clause, 建成 is a verb",
        "全年完成农村生活污水治理项目二十个，建成美丽乡村精品村三个。",
        [M("农村生活污水治理项目", 20.0, "个", period="全年"), M("美丽乡村精品村", 3.0, "个", period="全年")],
    ),
    (
        "Chinese numerals: plan share 百分之一百零二点八, people",
        "全县新增城镇就业人员一千二百三十四人，完成目标任务的百分之一百零二点八。",
        [M("新增城镇就业人员", 1234.0, "人", plan=102.8)],
    ),
    (
        "Arabic 亿 and 万 together",
        "1-8月，全镇完成项目投资3亿2500万元，增长9%。",
        [M("项目投资", 3.25, "亿元", 9.0, period="1-8月")],
    ),
    (
        "numerals that are words stay words",
        "一季度，统一部署“三个落实”，一般公共预算收入完成1.23亿元。",
        [M("一般公共预算收入", 1.23, "亿元", period="一季度")],
    ),
    (
        "places with their own figures after 其中",
        "1-9月，全市规上工业企业实现利润总额123.4亿元，同比增长18.2%，其中，北白象镇23.4亿元、增长22.1%，"
        "柳市镇18.7亿元、增长15.6%，虹桥镇9.8亿元、下降1.2%。",
        [
            M("规上工业企业利润总额", 123.4, "亿元", 18.2, period="1-9月"),
            M("规上工业企业利润总额", 23.4, "亿元", 22.1, period="1-9月"),
            M("规上工业企业利润总额", 18.7, "亿元", 15.6, period="1-9月"),
            M("规上工业企业利润总额", 9.8, "亿元", -1.2, period="1-9月"),
        ],
    ),
    (
        "places after a heading with a colon, 完成 after the place",
        "1-5月，各镇街规上工业产值：城东街道完成45.6亿元，同比增长8.2%；城西街道38.1亿元，同比增长6.5%；"
        "江南镇21.3亿元，同比下降2.1%。",
        [
            M("规上工业产值", 45.6, "亿元", 8.2, period="1-5月"),
            M("规上工业产值", 38.1, "亿元", 6.5, period="1-5月"),
            M("规上工业产值", 21.3, "亿元", -2.1, period="1-5月"),
        ],
    ),
    (
        "a place's figure without an indicator is not a mention",
        "其中，城东街道完成12.3亿元，同比增长5.1%。",
        [],
    ),
    (
        "table with a 单位 line and a header row",
        "单位：万元\n指标名称\t本月\t1-8月累计\t同比增长%\n一般公共预算收入\t2100\t16915\t12.3\n"
        "规上工业产值\t18000\t149976\t-3.5",
        [
            M("一般公共预算收入", 16915.0, "万元", 12.3, period="1-8月"),
            M("规上工业产值", 149976.0, "万元", -3.5, period="1-8月"),
        ],
    ),
    (
        "table with the unit in the header and a plan column",
        "| 指标 | 完成额（亿元） | 增幅（%） | 完成年度计划（%） |\n|---|---|---|---|\n"
        "| 1. 固定资产投资 | 12.5 | 15.0 | 65.2 |\n| 2. 建安投资 | 8.1 | - | 58 |",
        [M("固定资产投资", 12.5, "亿元", 15.0, 65.2), M("建安投资", 8.1, "亿元", None, 58.0)],
    ),
    (
        "table with a unit column",
        "一季度主要经济指标\n指标名称  单位  一季度  同比±%\n财政总收入  亿元  6.19  8.3\n新增市场主体  户  356  -4.2",
        [M("财政总收入", 6.19, "亿元", 8.3, period="一季度"), M("新增市场主体", 356.0, "户", -4.2, period="一季度")],
    ),
    (
        "two-column rows under a 单位 line",
        "（单位：万元）\n税收收入    8620\n非税收入    1203",
        [M("税收收入", 8620.0, "万元"), M("非税收入", 1203.0, "万元")],
    ),
    (
        "year and month range, plan share after yoy",
        "2023年1-10月，全县完成一般公共预算收入18.6亿元，同比增长7.2%，完成年初预算的86.3%；其中税收收入14.2亿元，"
        "同比下降2.5%。",
        [
            M("一般公共预算收入", 18.6, "亿元", 7.2, 86.3, "2023年1-10月"),
            M("税收收入", 14.2, "亿元", -2.5, period="2023年1-10月"),
        ],
    ),
    (
        "a difference in money is not the value but the change amount; the rate after it is the yoy",
        "上半年，全街道实现税收收入1.2亿元，较去年同期增加3500万元，增长41.2%。",
        [M("税收收入", 1.2, "亿元", 41.2, period="上半年", yoy_abs=3500.0, yoy_abs_unit="万元")],
    ),
    (
        "acronym in brackets, thousands separator, 按可比价格计算",
        "2022年，全市地区生产总值（GDP）达到1,234.56亿元，按可比价格计算，比上年增长5.5%。",
        [M("地区生产总值", 1234.56, "亿元", 5.5, period="2022年")],
    ),
    (
        "截至N月底 and 万亩",
        "截至6月底，全县累计完成造林面积3.2万亩，完成年度任务的106.7%。",
        [M("造林面积", 3.2, "万亩", plan=106.7, period="截至6月底")],
    ),
    (
        "US dollars, 同比减少",
        "1-8月，我镇外贸出口额完成5.67亿美元，同比减少12.4%。",
        [M("外贸出口额", 5.67, "亿美元", -12.4, period="1-8月")],
    ),
    (
        "1至9月 with Chinese numerals, 增速为百分之",
        "今年1至9月，全镇完成固定资产投资二十三点五亿元，增速为百分之十五。",
        [M("固定资产投资", 23.5, "亿元", 15.0, period="1-9月")],
    ),
    (
        "place and 据统计 before the name",
        "据统计，今年一季度北白象镇完成财政总收入6.19亿元，同比增长8.3%。",
        [M("财政总收入", 6.19, "亿元", 8.3, period="一季度")],
    ),
    (
        "a rank after the rate is not a value but the rank of the figure before",
        "1-7月，全区实现规上工业总产值382.5亿元，同比增长10.2%，增速居全市第二位。",
        [M("规上工业总产值", 382.5, "亿元", 10.2, period="1-7月", rank=2, rank_scope="全市")],
    ),
    (
        "a change in points is not a growth rate",
        "前三季度，全区规模以上工业增加值同比增长6.3%，增速比上半年回落0.8个百分点。",
        [M("规模以上工业增加值", yoy=6.3, period="前三季度")],
    ),
    (
        "an average over two years is not this year's growth",
        "1-11月，全市社会消费品零售总额1234.5亿元，增长10.2%，两年平均增长4.3%。",
        [M("社会消费品零售总额", 1234.5, "亿元", 10.2, period="1-11月")],
    ),
    (
        "同口径 and 可比 growth",
        "一般公共预算收入同口径增长5.6%，其中税收收入可比增长4.1%。",
        [M("一般公共预算收入", yoy=5.6), M("税收收入", yoy=4.1)],
    ),
    (
        "一至三季度 and 第三产业",
        "一至三季度，全县实现第三产业增加值234.5亿元，增长7.8%。",
        [M("第三产业增加值", 234.5, "亿元", 7.8, period="前三季度")],
    ),
    (
        "1-3季度, a gap against the city average is not a value",
        "1-3季度，全区完成规上工业增加值45.6亿元，同比增长9.1%，增幅高于全市平均2.1个百分点。",
        [M("规上工业增加值", 45.6, "亿元", 9.1, period="前三季度")],
    ),
    (
        "共有 is not part of the name; a net increase is not the value but the change amount",
        "全县共有规上工业企业256家，比上年末净增23家。",
        [M("规上工业企业", 256.0, "家", yoy_abs=23.0, yoy_abs_unit="家")],
    ),
    (
        "kilowatt hours with 亿",
        "全社会用电量12.3亿千瓦时，同比增长6.7%。",
        [M("全社会用电量", 12.3, "亿千瓦时", 6.7)],
    ),
    (
        "full-width digits, 目标任务",
        "1～8月，固定资产投资同比增长１２.５％，完成年度目标任务的６５.３％。",
        [M("固定资产投资", yoy=12.5, plan=65.3, period="1-8月")],
    ),
    (
        "a balance at a month end, growth since the start of the year",
        "截至9月末，全镇各项存款余额达到123.45亿元，较年初增加12.3亿元，增长11.1%。",
        [M("各项存款余额", 123.45, "亿元", 11.1, period="截至9月末", yoy_abs=12.3, yoy_abs_unit="亿元")],
    ),
    (
        "exports and imports after 其中 are indicators, not places",
        "2021年全年，我市进出口总额达到567.8亿元，比上年增长21.3%，其中出口423.1亿元，增长25.6%；"
        "进口144.7亿元，下降2.3%。",
        [
            M("进出口总额", 567.8, "亿元", 21.3, period="2021年"),
            M("出口", 423.1, "亿元", 25.6, period="2021年"),
            M("进口", 144.7, "亿元", -2.3, period="2021年"),
        ],
    ),
    (
        "a rank after the growth, the subdistrict named before the indicator",
        "今年1-8月，五马街道批零住餐销售额44.52亿元，增速17.2%，位居全区第一。",
        [M("批零住餐销售额", 44.52, "亿元", 17.2, period="1-8月", rank=1, rank_scope="全区")],
    ),
    (
        "growth in 成 is not a percentage",
        "全年规上工业产值完成二百五十亿元，比上年增长两成。",
        [M("规上工业产值", 250.0, "亿元", period="全年")],
    ),
    (
        "an acronym as the name",
        "GDP增长6.5%。",
        [M("GDP", yoy=6.5)],
    ),
    (
        "按年 growth and 首季",
        "今年首季，本区零售业总销货价值按年增长3.2%。",
        [M("零售业总销货价值", yoy=3.2, period="一季度")],
    ),
    (
        "growth written with a minus sign, 为年度预算的",
        "一般公共预算收入完成3.5亿元，为年度预算的72.1%，同比增长-3.2%。",
        [M("一般公共预算收入", 3.5, "亿元", -3.2, 72.1)],
    ),
    (
        "同比持平 is growth 0",
        "1-8月，全镇税收收入1.23亿元，同比持平。",
        [M("税收收入", 1.23, "亿元", 0.0, period="1-8月")],
    ),
    (
        "a year in Chinese numerals, a milestone before the figure",
        "二〇二三年，全县地区生产总值首次突破五百亿元大关，达到512.3亿元，增长6.8%。",
        [M("地区生产总值", 512.3, "亿元", 6.8, period="2023年")],
    ),
    (
        "a milestone alone is not a figure",
        "全年销售额突破十亿元大关。",
        [],
    ),
    (
        "同比分别增长 A% 和 B%",
        "全年共接待游客120.5万人次，实现旅游收入9.8亿元，同比分别增长15.2%和18.6%。",
        [M("接待游客", 120.5, "万人次", 15.2, period="全年"), M("旅游收入", 9.8, "亿元", 18.6, period="全年")],
    ),
    (
        "a rate held within a limit",
        "城镇登记失业率控制在3.5%以内。",
        [M("城镇登记失业率", 3.5, "%")],
    ),
    (
        "an acronym after the name, 上涨",
        "居民消费价格指数（CPI）上涨2.1%。",
        [M("居民消费价格指数", yoy=2.1)],
    ),
    (
        "a ratio's change in points is not growth",
        "森林覆盖率达到65.2%，比上年提高0.5个百分点。",
        [M("森林覆盖率", 65.2, "%")],
    ),
    (
        "万元 inside a name",
        "万元GDP能耗下降3.2%。",
        [M("万元GDP能耗", yoy=-3.2)],
    ),
    (
        "a total after a new count is not an indicator of its own",
        "全年新增规上企业15家，总数达到128家。",
        [M("新增规上企业", 15.0, "家", period="全年")],
    ),
    (
        "其中 a part of the figure before",
        "全区规模以上工业总产值完成237.8亿元，增长12.3%，其中规模以上工业增加值完成52.1亿元，增长9.8%。",
        [M("规模以上工业总产值", 237.8, "亿元", 12.3), M("规模以上工业增加值", 52.1, "亿元", 9.8)],
    ),
    (
        "截至目前 and 累计 before the verb",
        "截至目前，已累计完成投资3.2亿元，占年度计划的80%。",
        [M("投资", 3.2, "亿元", plan=80.0)],
    ),
    (
        "a fall in points is not a growth rate",
        "1-8月份，限上社消零售额完成18837万元，同比下降2.3个百分点。",
        [M("限上社消零售额", 18837.0, "万元", period="1-8月")],
    ),
    (
        "trailing zero in the rate, thousands separator with decimals",
        "2020年1-6月，全街道完成税收收入5,678.9万元，同比增长15.40%。",
        [M("税收收入", 5678.9, "万元", 15.4, period="2020年1-6月")],
    ),
    (
        "发力 is a verb before the name",
        "一是攻项目，6月以来新启动征迁项目2个，持续发力扫尾项目3个，还有三个地块实现净地出让。",
        [M("征迁项目", 2.0, "个", period="6月以来"), M("扫尾项目", 3.0, "个", period="6月以来")],
    ),
    (
        "个体工商户 starts with 个 and is a name",
        "截至10月底，全区累计新增市场主体1.2万户，其中企业3456家、个体工商户8544户。",
        [
            M("新增市场主体", 1.2, "万户", period="截至10月底"),
            M("企业", 3456.0, "家", period="截至10月底"),
            M("个体工商户", 8544.0, "户", period="截至10月底"),
        ],
    ),
    (
        "county and township before the indicator, no period",
        "鹿城区五马街道批零住餐销售额44.52亿元，增速17.2%",
        [M("批零住餐销售额", 44.52, "亿元", 17.2)],
    ),
    (
        "a city before the period",
        "瑞安市1-5月规上工业增加值增长12%",
        [M("规上工业增加值", yoy=12.0, period="1-5月")],
    ),
    (
        "table with month and year-to-date columns: the rate of the year-to-date column",
        "城东街道2023年1—8月主要经济指标完成情况\n单位：万元、%\n"
        "序号指标 | 本月 | 本月同比 | 1-8月累计 | 累计同比 | 完成年度目标%\n"
        "一般公共预算收入 | 2100 | 3.1 | 16915 | 12.3 | 68.5\n规上工业产值 | 18000 | -1.2 | 149976 | -3.5 | —",
        [
            M("一般公共预算收入", 16915.0, "万元", 12.3, 68.5, "1-8月"),
            M("规上工业产值", 149976.0, "万元", -3.5, None, "1-8月"),
        ],
    ),
    (
        "table with a unit column, a target column and 完成率",
        "指标名称\t计量单位\t1-8月\t同比增长(%)\t年度目标\t完成率(%)\n"
        "一、固定资产投资\t万元\t171156\t15.2\t250000\t68.5\n二、建安投资\t万元\t151384\t61.7\t200000\t75.7",
        [
            M("固定资产投资", 171156.0, "万元", 15.2, 68.5, "1-8月"),
            M("建安投资", 151384.0, "万元", 61.7, 75.7, "1-8月"),
        ],
    ),
    (
        "table with a 序号 column before the names",
        "单位：亿元\n序号\t指标\t1-9月\t增幅(%)\n1\t地区生产总值\t123.4\t6.1\n2\t规上工业增加值\t45.6\t8.2",
        [
            M("地区生产总值", 123.4, "亿元", 6.1, period="1-9月"),
            M("规上工业增加值", 45.6, "亿元", 8.2, period="1-9月"),
        ],
    ),
]


# Issue 16, class by class. Each case runs in the three scripts like every case above.
ROUND_TWO_CASES: list[tuple[str, str, list[dict[str, Any]]]] = [
    # 1. Ranks belong to the indicator before them.
    (
        "rank: 列全市第N位 after the rate",
        "工业用水量3.12亿立方米，增长4.6%，列全市第5位。",
        [M("工业用水量", 3.12, "亿立方米", 4.6, rank=5, rank_scope="全市")],
    ),
    (
        "rank: the scope before 排名",
        "1-6月，全镇税收收入8,620万元，增长5.1%，全市排名第4。",
        [M("税收收入", 8620.0, "万元", 5.1, period="1-6月", rank=4, rank_scope="全市")],
    ),
    (
        "rank: 排名升至 and the move 上升N位",
        "前三季度，规上工业产值68.3亿元，增长14.2%，增速排名升至全市第3位，较上半年上升4位。",
        [M("规上工业产值", 68.3, "亿元", 14.2, period="前三季度", rank=3, rank_scope="全市", rank_change=4)],
    ),
    (
        "rank: its own name, a move backwards is negative",
        "2025年，营商环境评价位列全区第6位，比上年后移2位。",
        [M("营商环境评价", period="2025年", rank=6, rank_scope="全区", rank_change=-2)],
    ),
    (
        "rank: 在全县…中排名第N, 前移N位",
        "柏塘镇在全县乡镇综合考核中排名第3，较上年前移5位。",
        [M("综合考核", rank=3, rank_scope="全县", rank_change=5)],
    ),
    (
        "rank: a place between the ranking and the rank, 提升N个位次",
        "在全省县域经济综合实力评价中，松岭县列第28位，较上年提升3个位次。",
        [M("县域经济综合实力评价", rank=28, rank_scope="全省", rank_change=3)],
    ),
    (
        "rank: 第一 in numerals, 第一产业 and 第一批 are no ranks",
        "第一产业增加值35.1亿元，增长3.4%，增速居全区第一；入选全省第一批试点。",
        [M("第一产业增加值", 35.1, "亿元", 3.4, rank=1, rank_scope="全区")],
    ),
    (
        "rank: among whom said first, 综合排名 is its own item",
        "全区13个镇街中，我镇综合排名第4位，比去年提升5个位次。",
        [M("综合排名", rank=4, rank_scope="全区", rank_change=5)],
    ),
    (
        "rank: a table's rank column fills rank; a dash is no rank",
        "指标名称\t单位\t1-8月累计\t同比增长(%)\t全区排名\n规上工业产值\t亿元\t45.6\t12.1\t3\n"
        "税收收入\t万元\t8620\t-2.3\t第11位\n固定资产投资\t亿元\t12.3\t5.5\t—",
        [
            M("规上工业产值", 45.6, "亿元", 12.1, period="1-8月", rank=3, rank_scope="全区"),
            M("税收收入", 8620.0, "万元", -2.3, period="1-8月", rank=11, rank_scope="全区"),
            M("固定资产投资", 12.3, "亿元", 5.5, period="1-8月"),
        ],
    ),
    (
        "spaces around the figures (copied from a PDF): plan, change and rank still read",
        "税收收入 8,620 万元，同比增加 536 万元，完成年度目标 9,000 万元的 95.8%，列全市第 5 位，较上年上升 2 位。",
        [
            M(
                "税收收入",
                8620.0,
                "万元",
                plan=95.8,
                plan_value=9000.0,
                plan_unit="万元",
                yoy_abs=536.0,
                yoy_abs_unit="万元",
                rank=5,
                rank_scope="全市",
                rank_change=2,
            )
        ],
    ),
    # 2. Budget completion: the plan is a field of the indicator, never an item.
    (
        "plan: 完成年初预算数 N万元 的 P%",
        "社会保障支出累计完成8,800万元，完成年初预算数22,000万元的40.0%。",
        [M("社会保障支出", 8800.0, "万元", plan=40.0, plan_value=22000.0, plan_unit="万元")],
    ),
    (
        "plan: 完成年度目标 N亿元 的 P%, 完成预算数的 P%",
        "有效投资完成9.3亿元，完成年度目标12亿元的77.5%；政府性基金预算收入24.3亿元，完成预算数的61.5%。",
        [
            M("有效投资", 9.3, "亿元", plan=77.5, plan_value=12.0, plan_unit="亿元"),
            M("政府性基金预算收入", 24.3, "亿元", plan=61.5),
        ],
    ),
    (
        "plan: 为预算的 P% and 完成全年计划的 P%; 完成年度目标任务 without a figure says nothing",
        "财政总收入128.6亿元，为预算的103.2%；固定资产投资28.4亿元，完成全年计划的92.6%，提前完成年度目标任务。",
        [M("财政总收入", 128.6, "亿元", plan=103.2), M("固定资产投资", 28.4, "亿元", plan=92.6)],
    ),
    (
        "plan: 调整预算 and 变动预算; 超收 and 短收 (against the budget) are no items",
        "一般公共预算收入完成38.6亿元，完成调整预算的101.2%，超收4,600万元，同比增长5.6%；"
        "政府性基金预算收入15.6亿元，完成变动预算的72.3%，短收6.0亿元。",
        [
            M("一般公共预算收入", 38.6, "亿元", 5.6, 101.2),
            M("政府性基金预算收入", 15.6, "亿元", plan=72.3),
        ],
    ),
    (
        "plan: 完成年度投资计划的 P% (the plan's subject between 年度 and 计划)",
        "全年实施重点项目21个，完成年度投资计划的112.6%。",
        [M("重点项目", 21.0, "个", plan=112.6, period="全年")],
    ),
    # 3. Change amounts: a signed field of the indicator; the rate after them is its yoy_pct.
    (
        "change: 增支 and 增长",
        "一般公共预算支出完成96,780万元，比上年同期增支8,650万元，增长9.8%。",
        [M("一般公共预算支出", 96780.0, "万元", 9.8, yoy_abs=8650.0, yoy_abs_unit="万元")],
    ),
    (
        "change: 减收 and 减支 are negative",
        "税收收入18.6亿元，同比减收1.1亿元，下降5.6%；农林水支出3.26亿元，比上年减支4,800万元，下降12.8%。",
        [
            M("税收收入", 18.6, "亿元", -5.6, yoy_abs=-1.1, yoy_abs_unit="亿元"),
            M("农林水支出", 3.26, "亿元", -12.8, yoy_abs=-4800.0, yoy_abs_unit="万元"),
        ],
    ),
    (
        "change: 同比增加 N万元 without a rate, 比上年末增加 N户",
        "入库税收4,862万元，同比增加536万元；实有市场主体5.82万户，比上年末增加4,316户，增长8.0%。",
        [
            M("入库税收", 4862.0, "万元", yoy_abs=536.0, yoy_abs_unit="万元"),
            M("实有市场主体", 5.82, "万户", 8.0, yoy_abs=4316.0, yoy_abs_unit="户"),
        ],
    ),
    (
        "change: 增产 and 净增; a comparison or a share is never a name",
        "粮食总产量5.8万吨，比上年增产0.3万吨，增长5.5%；工业投资48.7亿元，占固定资产投资的比重为31.2%。",
        [
            M("粮食总产量", 5.8, "万吨", 5.5, yoy_abs=0.3, yoy_abs_unit="万吨"),
            M("工业投资", 48.7, "亿元"),
        ],
    ),
    (
        "names: a threshold qualifies the name before the verb; 全年 after a year is that year",
        "2025年，全市5000万元以上工业项目完成投资86.2亿元，增长14.7%；全年新增市场主体2,136户。",
        [
            M("5000万元以上工业项目投资", 86.2, "亿元", 14.7, period="2025年"),
            M("新增市场主体", 2136.0, "户", period="2025年"),
        ],
    ),
    (
        "names: 完成投资 keeps its verb, 实施 comes off",
        "全年共实施重点项目86个，完成投资112.5亿元，完成年度计划的108.3%。",
        [M("重点项目", 86.0, "个", period="全年"), M("完成投资", 112.5, "亿元", plan=108.3, period="全年")],
    ),
    (
        "change: points are neither an amount nor a rate",
        "城镇化率65.2%，比上年提高1.3个百分点，增加0.8个百分点。",
        [M("城镇化率", 65.2, "%")],
    ),
    # 4. Thresholds inside names.
    (
        "threshold: N万元以上 before the name",
        "300万元以上技改投资增长9.4%，市外5000万元以上到位资金7.2亿元，同比增长11.3%。",
        [
            M("300万元以上技改投资", yoy=9.4),
            M("市外5000万元以上到位资金", 7.2, "亿元", 11.3),
        ],
    ),
    (
        "threshold: 10亿元以上项目 N个, after 其中",
        "新引进亿元以上项目23个，其中10亿元以上项目5个。",
        [M("亿元以上项目", 23.0, "个"), M("10亿元以上项目", 5.0, "个")],
    ),
    (
        "threshold: a figure with 以上 at the end of a clause is still a value",
        "技改投资达到1,000万元以上，增长12%。",
        [M("技改投资", 1000.0, "万元", 12.0)],
    ),
    # 5. Nested and shared figures.
    (
        "nested: the rate after 其中 belongs to the part only",
        "旅游总收入41.5亿元，其中乡村旅游收入9.8亿元、同比增长22.1%。",
        [M("旅游总收入", 41.5, "亿元"), M("乡村旅游收入", 9.8, "亿元", 22.1)],
    ),
    (
        "shared: A和B分别增长 x%和y%",
        "上半年，工业投资和技改投资分别增长12.4%和7.9%，民间投资下降2.3%。",
        [
            M("工业投资", yoy=12.4, period="上半年"),
            M("技改投资", yoy=7.9, period="上半年"),
            M("民间投资", yoy=-2.3, period="上半年"),
        ],
    ),
    (
        "shared: a qualifier before the verb, values and rates 分别",
        "规上工业企业实现营业收入和利润总额分别为356.2亿元和21.4亿元，分别增长8.8%和12.6%。",
        [
            M("规上工业企业营业收入", 356.2, "亿元", 8.8),
            M("规上工业企业利润总额", 21.4, "亿元", 12.6),
        ],
    ),
    (
        "shared: two values for one name",
        "累计腾退房屋1,250户、16.4万平方米，发放创业担保贷款326笔、4,580万元。",
        [
            M("腾退房屋", 1250.0, "户"),
            M("腾退房屋", 16.4, "万平方米"),
            M("创业担保贷款", 326.0, "笔"),
            M("创业担保贷款", 4580.0, "万元"),
        ],
    ),
    (
        "nested: 万元 inside a name",
        "万元工业增加值用水量下降3%，万元GDP能耗下降4.2%。",
        [M("万元工业增加值用水量", yoy=-3.0), M("万元GDP能耗", yoy=-4.2)],
    ),
    (
        "nested: numbered list items are not values",
        "2025年主要指标：\n1.地区生产总值186.4亿元，增长5.9%；\n2、税收收入8,620万元；\n（3）新增市场主体1,420户。",
        [
            M("地区生产总值", 186.4, "亿元", 5.9, period="2025年"),
            M("税收收入", 8620.0, "万元", period="2025年"),
            M("新增市场主体", 1420.0, "户", period="2025年"),
        ],
    ),
    (
        "shared: a weak period before a list joined by 、 reaches every name",
        "全年全区农林牧渔业总产值、工业总产值、建筑业总产值分别增长3.1%、7.8%和4.6%。",
        [
            M("农林牧渔业总产值", yoy=3.1, period="全年"),
            M("工业总产值", yoy=7.8, period="全年"),
            M("建筑业总产值", yoy=4.6, period="全年"),
        ],
    ),
    # 6. Names: no leading verbs or context words.
    (
        "names: 全年, 实现, 发放, 其中 and scope words come off",
        "全年实现地区生产总值412.8亿元；全镇发放小额贷款1,200万元；其中，全区税收收入5.6亿元。",
        [
            M("地区生产总值", 412.8, "亿元", period="全年"),
            M("小额贷款", 1200.0, "万元", period="全年"),
            M("税收收入", 5.6, "亿元", period="全年"),
        ],
    ),
]


@pytest.mark.parametrize("script", list(SCRIPTS))
@pytest.mark.parametrize(
    ("label", "text", "expected"), CASES + ROUND_TWO_CASES, ids=[c[0] for c in CASES + ROUND_TWO_CASES]
)
def test_parse_cases(script, label, text, expected):
    got = [m.as_dict() for m in parse(SCRIPTS[script](text))]
    assert got == expected


SEED_004_TAIL = """1-8月份城東街道“成績(jī)單”
一般公共預(yù)算總收入完成16915萬(wàn)元
規(guī)上工業(yè)產(chǎn)值完成149976萬(wàn)元
限上社消零售額完成18837萬(wàn)元
固定資產(chǎn)投資完成171156萬(wàn)元
建安投資完成151384萬(wàn)元,比增61.7%
限上批發(fā)銷售額完成106780萬(wàn)元,比增28%
規(guī)上服務(wù)業(yè)完成12065萬(wàn)元,比增2.7%"""


def test_seed_004_scorecard():
    """Seed 004's last lines: traditional Chinese with pinyin, a heading with the period."""
    got = [m.as_dict() for m in parse(SEED_004_TAIL)]
    assert got == [
        M("一般公共预算总收入", 16915.0, "万元", period="1-8月"),
        M("规上工业产值", 149976.0, "万元", period="1-8月"),
        M("限上社消零售额", 18837.0, "万元", period="1-8月"),
        M("固定资产投资", 171156.0, "万元", period="1-8月"),
        M("建安投资", 151384.0, "万元", 61.7, period="1-8月"),
        M("限上批发销售额", 106780.0, "万元", 28.0, period="1-8月"),
        M("规上服务业", 12065.0, "万元", 2.7, period="1-8月"),
    ]


def test_seed_004_scorecard_after_prose():
    """The heading period applies even after paragraphs that name other periods."""
    prose = "城东街道深諳其道。6月以來新啟動征遷項目2個。7-8月營業額較去年同比止降轉升。\n"
    got = parse(prose + SEED_004_TAIL)
    assert [m.period for m in got][-7:] == ["1-8月"] * 7
    assert got[0].period == "6月以来"


def test_seed_003_sentences():
    text = (
        "温州网 2019-04-25 07:05:43\n"
        "北白象镇一季度财政总收入6.19亿元、完成新产品产值26.4亿元,这份靓丽成绩单的背后。"
        "该镇党委书记以一组清晰的数据将成果向众人展示:去年投入技术研发8.69亿元、同比增长12.4%。\n"
        "五马街试水刷脸支付商业街,成为全市“网红打卡点”;今年一季度批零住餐销售额44.52亿元、增速17.2%,背后反映的是。"
    )
    assert [m.as_dict() for m in parse(text)] == [
        M("财政总收入", 6.19, "亿元", period="一季度"),
        M("新产品产值", 26.4, "亿元", period="一季度"),
        M("技术研发", 8.69, "亿元", 12.4, period="2018年"),
        M("批零住餐销售额", 44.52, "亿元", 17.2, period="一季度"),
    ]


def test_json_contract():
    data = json.loads(parse_to_json("建安投资完成151384万元,比增61.7%"))
    assert data == [M("建安投资", 151384.0, "万元", 61.7)]
    # The first round's six keys first, then issue 16's, always all of them (null when the text does not say).
    assert list(data[0]) == [
        "name",
        "value",
        "unit",
        "yoy_pct",
        "plan_pct",
        "period",
        "plan_value",
        "plan_unit",
        "yoy_abs",
        "yoy_abs_unit",
        "rank",
        "rank_scope",
        "rank_change",
        "code",
    ]


def test_real_parentheses_survive_in_names():
    assert parse("财政总收入（含基金）5.6亿元")[0].name == "财政总收入（含基金）"


def test_empty_and_noise():
    assert parse("") == []
    assert parse("\n\n  \n") == []
    assert parse("奋战1161，奋进2019") == []
    assert parse("建设5G基站") == []


@pytest.mark.parametrize(
    ("segment", "name"),
    [
        ("全区实现", None),
        ("北白象镇", None),
        ("规上工业产值完成", "规上工业产值"),
        ("我街道一般公共预算收入", "一般公共预算收入"),
        ("鹿城区五马街道批零住餐销售额", "批零住餐销售额"),
        ("娄桥街道肩负着", None),
        ("的期限内", None),
        ("城中村改造", "城中村改造"),
        ("完成娄桥村签约腾空", "签约腾空"),
        ("新型城镇化率", "新型城镇化率"),
        ("城乡居民收入", "城乡居民收入"),
        ("市场主体", "市场主体"),
        ("投资总额约", "投资总额"),
        ("其中：税收收入", "税收收入"),
    ],
)
def test_clean_name(segment, name):
    assert clean_name(segment) == name


@pytest.mark.parametrize(
    ("raw", "year", "expected"),
    [
        ("1-8月份", None, "1-8月"),
        ("1—8月", None, "1-8月"),
        ("1至8月", None, "1-8月"),
        ("今年一季度", None, "一季度"),
        ("1季度", None, "一季度"),
        ("第一季度", None, "第一季度"),
        ("去年", 2019, "2018年"),
        ("去年", None, "去年"),
        ("今年", None, None),
        ("今年以来", 2023, "2023年"),
        ("2018年度", None, "2018年"),
        ("2018年全年", None, "2018年"),
        ("全年", None, "全年"),
        ("上半年", None, "上半年"),
        ("3月份", None, "3月"),
        ("前10个月", None, "1-10月"),
        ("今年前十一个月", None, "1-11月"),
    ],
)
def test_normalise_period(raw, year, expected):
    assert normalise_period(raw, year) == expected


def test_document_year():
    assert document_year("温州网 2019-04-25 07:05:43") == 2019
    assert document_year("发布时间：2022年6月16日") == 2022
    assert document_year("1-8月份成绩单") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三千二百万元", "3200万元"),
        ("十二亿三千万元", "12.3亿元"),
        ("一百二十三点四亿元", "123.4亿元"),
        ("二十个，", "20个，"),
        ("两万平方米", "2万平方米"),
        ("百分之十二点五", "12.5%"),
        ("百分之15", "15%"),
        ("3亿2500万元", "3.25亿元"),
        ("一千零五元", "1005元"),
        ("一般公共预算", "一般公共预算"),
        ("一季度", "一季度"),
        ("三个落实", "三个落实"),
        ("千万元", "千万元"),
        ("第一个", "第一个"),
    ],
)
def test_chinese_numerals(text, expected):
    assert chinese_numerals(text) == expected


_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """A plain way of writing 1 ≤ n < 10⁸ in Chinese numerals (for the property test)."""

    def four(x: int) -> str:
        out = ""
        for place, word in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = x // place % 10
            if digit:
                out += _CN_DIGITS[digit] + word
            elif out and x % place and not out.endswith("零"):
                out += "零"
        return out

    high, low = divmod(n, 10000)
    if not high:
        return four(low)
    return four(high) + "万" + ("零" if 0 < low < 1000 else "") + four(low)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n):
    """Any integer written in Chinese numerals reads back, with 万 kept as the multiplier."""
    [mention] = parse(f"工业总产值{_chinese(n)}元。")
    if n >= 10000:
        assert mention.unit == "万元"
        assert mention.value == pytest.approx(n / 10000)
    else:
        assert (mention.value, mention.unit) == (n, "元")


def test_places_are_kept_beside_the_json():
    mentions = parse("全市规上工业产值100亿元，其中，北白象镇12.3亿元、柳市镇10.2亿元。")
    assert [(m.name, m.place) for m in mentions] == [
        ("规上工业产值", None),
        ("规上工业产值", "北白象镇"),
        ("规上工业产值", "柳市镇"),
    ]
    assert "place" not in mentions[1].as_dict()


_NAMES = ["一般公共预算收入", "规上工业产值", "固定资产投资", "批零住餐销售额", "新增市场主体"]
_UNITS = ["万元", "亿元", "平方米", "户", "个", "万人次", "亿美元"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(_NAMES),
    cents=st.integers(min_value=1, max_value=10**9),
    unit=st.sampled_from(_UNITS),
    thousands=st.booleans(),
    fullwidth=st.booleans(),
    rate=st.one_of(st.none(), st.integers(min_value=0, max_value=9999)),
    falling=st.booleans(),
    plan=st.one_of(st.none(), st.integers(min_value=1, max_value=1500)),
    script=st.sampled_from(list(SCRIPTS)),
    months=st.integers(min_value=2, max_value=12),
)
def test_sentences_read_back_field_by_field(
    name, cents, unit, thousands, fullwidth, rate, falling, plan, script, months
):
    """Generated scorecard sentences in any script: every field comes back as written."""
    value = cents / 100
    number = f"{value:,.2f}" if thousands else f"{value:.2f}"
    if fullwidth:
        number = number.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    text = f"1-{months}月，全镇{name}完成{number}{unit}"
    if rate is not None:
        text += f"，同比{'下降' if falling else '增长'}{rate / 10}%"
    if plan is not None:
        text += f"，完成年度计划的{plan / 10}%"
    [mention] = parse(SCRIPTS[script](text + "。"))
    assert mention.as_dict() == M(
        name,
        value,
        unit,
        None if rate is None else (-rate / 10 if falling and rate else rate / 10),
        None if plan is None else plan / 10,
        f"1-{months}月",
    )


_THRESHOLD_NAMES = ["300万元以上技改投资", "5000万元以上项目到位资金", "10亿元以上产业项目投资", "万元工业增加值用水量"]
_SCOPES = ["全市", "全区", "全县", "全省"]
_RANK_FORMS = ["列{scope}第{n}位", "居{scope}第{n}位", "排名{scope}第{n}", "增速位列{scope}第{n}位", "{scope}排名第{n}"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(_NAMES + _THRESHOLD_NAMES),
    cents=st.integers(min_value=1, max_value=10**8),
    unit=st.sampled_from(["万元", "亿元"]),
    change=st.one_of(
        st.none(),
        st.tuples(st.sampled_from(["增收", "减收", "增支", "减支", "同比增加", "同比减少"]), st.integers(1, 99999)),
    ),
    rate=st.one_of(st.none(), st.integers(min_value=0, max_value=999)),
    plan=st.one_of(st.none(), st.tuples(st.integers(1, 1500), st.integers(1, 10**6))),
    rank=st.one_of(st.none(), st.tuples(st.sampled_from(_RANK_FORMS), st.sampled_from(_SCOPES), st.integers(1, 40))),
    moved=st.one_of(st.none(), st.tuples(st.sampled_from(["上升", "前移", "下降", "后移"]), st.integers(1, 9))),
    script=st.sampled_from(list(SCRIPTS)),
)
def test_round_two_sentences_read_back_field_by_field(name, cents, unit, change, rate, plan, rank, moved, script):
    """Generated sentences with a plan amount, a change amount, a rank and its move: each is a field
    of the one indicator, never an item of its own; a threshold stays in the name."""
    value = cents / 100
    text = f"1-9月，全县{name}完成{value:,.2f}{unit}"
    if plan is not None:
        text += f"，完成年初预算数{plan[1]:,}{unit}的{plan[0] / 10}%"
    if change is not None:
        text += f"，比上年{change[0].removeprefix('同比')}{change[1]:,}万元"
    if rate is not None:
        text += f"，增长{rate / 10}%"
    if rank is not None:
        text += "，" + rank[0].format(scope=rank[1], n=rank[2])
        if moved is not None:
            text += f"，较上年{moved[0]}{moved[1]}位"
    [mention] = parse(SCRIPTS[script](text + "。"))
    sign = -1 if change is not None and change[0][-2] in "减" else 1
    assert mention.as_dict() == M(
        name,
        value,
        unit,
        None if rate is None else rate / 10,
        None if plan is None else plan[0] / 10,
        "1-9月",
        plan_value=None if plan is None else float(plan[1]),
        plan_unit=None if plan is None else unit,
        yoy_abs=None if change is None else sign * float(change[1]),
        yoy_abs_unit=None if change is None else "万元",
        rank=None if rank is None else rank[2],
        rank_scope=None if rank is None else rank[1],
        rank_change=None if rank is None or moved is None else (moved[1] if moved[0] in "上升前移" else -moved[1]),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(
        st.sampled_from(["工业投资", "技改投资", "民间投资", "基础设施投资", "房地产开发投资"]),
        min_size=2,
        max_size=3,
        unique=True,
    ),
    rates=st.lists(st.integers(min_value=0, max_value=999), min_size=3, max_size=3),
    falling=st.booleans(),
    script=st.sampled_from(list(SCRIPTS)),
)
def test_shared_rates_are_given_out_in_order(names, rates, falling, script):
    """ "A、B和C分别增长x%、y%和z%": one item per name, each with its own rate."""
    rates = [r / 10 for r in rates[: len(names)]]
    joined = "、".join(names[:-1]) + "和" + names[-1]
    figures = "、".join(f"{r}%" for r in rates[:-1]) + f"和{rates[-1]}%"
    mentions = parse(SCRIPTS[script](f"上半年，全区{joined}分别{'下降' if falling else '增长'}{figures}。"))
    assert [m.as_dict() for m in mentions] == [
        M(n, yoy=(-r if falling and r else r), period="上半年") for n, r in zip(names, rates, strict=True)
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pair=st.sampled_from([("旅游总收入", "乡村旅游收入"), ("固定资产投资", "工业投资"), ("财政总收入", "税收收入")]),
    whole=st.integers(min_value=1000, max_value=99999),
    part=st.integers(min_value=1, max_value=999),
    rate=st.integers(min_value=-300, max_value=300),
    numbered=st.sampled_from(["", "1.", "2、", "（3）", "一是"]),
    counted=st.tuples(st.sampled_from(["腾退房屋", "征收土地", "拆除违建"]), st.integers(1, 9999), st.integers(1, 999)),
    script=st.sampled_from(list(SCRIPTS)),
)
def test_nested_parts_and_two_figures_of_one_thing(pair, whole, part, rate, numbered, counted, script):
    """ "A N亿元，其中B M亿元、增长r%": the rate is B's only; a list number is no value; "X n户、m万平方米"
    is two figures of X."""
    word = "下降" if rate < 0 else "增长"
    name, households, area = counted
    text = (
        f"{numbered}{pair[0]}{whole / 10}亿元，其中{pair[1]}{part / 10}亿元、同比{word}{abs(rate) / 10}%；"
        f"累计{name}{households:,}户、{area / 10}万平方米。"
    )
    got = [m.as_dict() for m in parse(SCRIPTS[script](text))]
    assert got == [
        M(pair[0], whole / 10, "亿元"),
        M(pair[1], part / 10, "亿元", rate / 10),
        M(name, float(households), "户"),
        M(name, area / 10, "万平方米"),
    ]
