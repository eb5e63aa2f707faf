"""Normalisation: pinyin annotations, width folding, OpenCC-equivalent t2s."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.indicators import textnorm
from luoshi.indicators.textnorm import normalise, strip_pinyin, to_simplified

_OPENCC = opencc.OpenCC("t2s")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("豐澤區(qū)委", "豐澤區委"),
        ("億(yì)元", "億元"),
        ("實(shí)干", "實干"),
        ("規(guī)上服務(wù)業(yè)", "規上服務業"),
        ("億（yì）元", "億元"),
        ("亿(yi4)元", "亿元"),
        ("綠(lǜ)色", "綠色"),
        ("三公(工)一大", "三公(工)一大"),
        ("乡镇(街道)党(工)委", "乡镇(街道)党(工)委"),
        ("北白象(镇)", "北白象(镇)"),
        ("报告(2019)", "报告(2019)"),
        ("生产总值(GDP)", "生产总值(GDP)"),
        ("单位(km)", "单位(km)"),
        ("(qū)开头", "(qū)开头"),
        ("abc(yì)", "abc(yì)"),
    ],
)
def test_strip_pinyin(raw, clean):
    assert strip_pinyin(raw) == clean


def test_normalise_seed_line():
    assert normalise("規(guī)上工業(yè)產(chǎn)值完成149976萬(wàn)元") == "规上工业产值完成149976万元"


def test_full_width_digits_fold_but_cjk_punctuation_stays():
    assert normalise("完成１４９，９７６万元，增长１２．５％（初步）") == "完成149,976万元，增长12.5%（初步）"


_TRADITIONAL_CHARS = sorted(textnorm._converter().traditional_chars)
_PHRASES = sorted(textnorm._converter().phrases)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_TRADITIONAL_CHARS),
            st.sampled_from(_PHRASES),
            st.sampled_from(list("的一是在了，。、1234567890")),
        ),
        max_size=30,
    ).map("".join)
)
def test_to_simplified_matches_opencc(text):
    assert to_simplified(text) == _OPENCC.convert(text)


def test_annotation_after_one_space():
    assert normalise("全區 (qū)規(guī)上工業(yè)") == "全区规上工业"
    assert normalise("工(gōng)業(yè) (工)") == "工业 (工)"  # a real bracket keeps its space
    assert normalise("产值 (GDP)") == "产值 (GDP)"


def test_capitalised_readings_of_proper_names():
    assert normalise("北(Běi)白(bái)象(xiàng)鎮(zhèn)") == "北白象镇"
    assert normalise("城(Chéng)東(Dōng)街道") == "城东街道"
    # Capitals alone or capitals only are real text; so is an English word that is no syllable.
    assert normalise("方案(A)、产值(GDP)、园区(Park)") == "方案(A)、产值(GDP)、园区(Park)"


def test_reading_of_a_whole_word():
    assert normalise("北白象(běi bái xiàng)鎮(zhèn)") == "北白象镇"
    assert normalise("项目(a new park)") == "项目(a new park)"  # not all syllables: real text
