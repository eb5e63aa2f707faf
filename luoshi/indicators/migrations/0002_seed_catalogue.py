"""The indicators named in the source documents, so every installation starts with them.

Administrators may rename, extend or retire them afterwards; running this
migration again (on a fresh database) only creates codes that do not exist.
"""

from django.db import migrations

T = ["township", "subdistrict"]
TC = ["township", "subdistrict", "community", "village"]
C = ["community", "village"]

# code, name, unit, kind, direction, category, unit kinds, aggregation, decimals, other names
CATALOGUE = [
    ("public_budget_revenue", "一般公共预算总收入", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["一般公共预算收入", "公共财政预算收入", "一般预算收入"]),
    ("fiscal_revenue", "财政总收入", "万元", "cumulative", "higher", "economy", T, "sum", 0, ["财政收入"]),
    ("tax_revenue", "税收收入", "万元", "cumulative", "higher", "economy", T, "sum", 0, ["入库税收", "税收"]),
    ("industrial_output", "规上工业产值", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["规上工业总产值", "规模以上工业产值", "规模以上工业总产值"]),
    ("industrial_value_added", "规上工业增加值", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["规模以上工业增加值"]),
    ("new_product_output", "新产品产值", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["规上工业新产品产值"]),
    ("rd_investment", "技术研发投入", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["技术研发", "研发投入", "研发经费投入", "R&D经费支出"]),
    ("retail_sales", "限上社消零售额", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["限上社会消费品零售额", "限额以上社会消费品零售额", "限上社零额"]),
    ("wholesale_sales", "限上批发销售额", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["限上批发业销售额", "限额以上批发业销售额"]),
    ("trade_catering_sales", "批零住餐销售额", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["限上批零住餐销售额", "批发零售住宿餐饮业销售额"]),
    ("services_revenue", "规上服务业营业收入", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["规上服务业", "规模以上服务业营业收入", "规上服务业营收"]),
    ("fixed_asset_investment", "固定资产投资", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["固投", "全社会固定资产投资"]),
    ("construction_investment", "建安投资", "万元", "cumulative", "higher", "economy", T, "sum", 0,
     ["建安工程投资", "建筑安装工程投资"]),
    ("effective_investment", "有效投资", "万元", "cumulative", "higher", "economy", T, "sum", 0, []),
    ("signed_projects", "签约项目", "个", "cumulative", "higher", "projects", T, "sum", 0,
     ["签约项目数", "新签约项目", "已签约项目"]),
    ("signed_investment", "签约项目投资额", "亿元", "cumulative", "higher", "projects", T, "sum", 2,
     ["投资总额", "签约投资额", "签约金额"]),
    ("projects_in_talks", "在谈项目", "个", "point", "higher", "projects", T, "sum", 0, ["在谈项目数"]),
    ("talks_amount", "在谈项目金额", "亿元", "point", "higher", "projects", T, "sum", 2, ["洽谈金额", "在谈金额"]),
    ("key_project_investment", "重点项目完成投资", "万元", "cumulative", "higher", "projects", T, "sum", 0,
     ["重点项目投资", "完成投资"]),
    ("acquisition_signed_area", "征迁签约面积", "平方米", "cumulative", "higher", "projects", T, "sum", 0,
     ["签约面积", "征收签约面积"]),
    ("acquisition_households", "签约腾空户数", "户", "cumulative", "higher", "projects", T, "sum", 0,
     ["签约腾空", "腾空户数"]),
    ("new_market_entities", "新增市场主体", "户", "cumulative", "higher", "livelihood", C, "sum", 0,
     ["新增市场主体数"]),
    ("new_jobs", "新增就业", "人", "cumulative", "higher", "livelihood", T, "sum", 0,
     ["新增就业岗位", "城镇新增就业", "新增就业人数"]),
    ("errands_handled", "代办代跑事项", "件", "cumulative", "higher", "livelihood", C, "sum", 0,
     ["代办事项", "各类事项", "代办代跑服务"]),
    ("enterprise_problems_solved", "协调解决企业问题", "起", "cumulative", "higher", "economy", T, "sum", 0,
     ["解决问题", "协调解决问题"]),
    ("petitions", "信访总量", "件", "cumulative", "lower", "safety", TC, "none", 0, ["信访件数", "信访量"]),
    ("safety_accidents", "安全生产事故", "起", "cumulative", "lower", "safety", T, "sum", 0,
     ["安全生产事故起数", "生产安全事故"]),
    ("dispute_resolution_rate", "矛盾纠纷化解率", "%", "ratio", "higher", "safety", TC, "none", 1,
     ["矛盾纠纷调处化解率"]),
]  # fmt: skip


def seed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    existing = set(Indicator.objects.values_list("code", flat=True))
    names = set(Indicator.objects.values_list("name", flat=True))
    rows = []
    for order, (code, name, unit, kind, direction, category, kinds, aggregation, decimals, aliases) in enumerate(
        CATALOGUE
    ):
        if code in existing or name in names:
            continue
        rows.append(
            Indicator(
                code=code,
                name=name,
                unit=unit,
                kind=kind,
                direction=direction,
                category=category,
                unit_kinds=kinds,
                aggregation=aggregation,
                decimals=decimals,
                aliases=aliases,
                sort_order=(order + 1) * 10,
            )
        )
    Indicator.objects.bulk_create(rows)


def unseed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(code__in=[row[0] for row in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
