"""Throughput of name and text screening.

Run: ``.venv/bin/python benchmarks/screening.py [rows]``. Goal (issue 4): at least 1,000,000
enterprise names (with their business scopes) screened per minute.

Measured in the same run, on the same generated registry (about 6% of rows carry a screened word,
as do some near misses: 金融街 addresses, 基金会, 代理财务, prohibition clauses; some rows are in
traditional characters or full-width letters):

- ``engine``: ``NameScreener.screen`` on every row — fold, one compiled alternation, the slow path
  (spans, exceptions, exclusions, licences) only for rows with a word;
- ``engine any-hit``: the fast path alone (is there a word at all?);
- ``naive``: the same folding, then ``any(word in text for word in words)`` over name and scope —
  the baseline one writes first, and it answers only "any word?";
- ``csv end to end``: the registry written as a CSV file and screened by ``screen_registry``,
  reading included.

Text screening is timed on the corpus texts (short ads) and on a long article.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from fangfei.screening.labelled import load_corpus
from fangfei.screening.lexicon import name_lexicon
from fangfei.screening.names import NameScreener
from fangfei.screening.normalize import fold
from fangfei.screening.registry import screen_registry
from fangfei.screening.texts import screen_text

SEED = 20_240_404
GOAL_PER_MINUTE = 1_000_000
Row = tuple[str, str, str]

PLACES = ["北京", "上海", "郑州", "平顶山", "叶县", "义县", "色达", "成都", "长沙", "南宁", "兰州"]
SYLLABLES = list("华鑫盛达宏泰恒通汇丰瑞祥安康永兴金银福源鼎诚信德润嘉和美佳新远景隆晟昌博")
TRADES = [
    "科技",
    "贸易",
    "餐饮管理",
    "建筑工程",
    "物业管理",
    "文化传媒",
    "农业开发",
    "商贸",
    "电子",
    "物流",
    "医药",
    "装饰工程",
    "信息咨询",
    "汽车服务",
    "教育咨询",
    "环保科技",
    "食品",
    "服装",
]
RISKY_TRADES = ["投资管理", "资产管理", "理财顾问", "金融信息服务", "财富管理", "典当", "网络借贷"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "商行", "经营部"]
SCOPE_ITEMS = [
    "技术开发、技术咨询、技术服务",
    "销售日用品、电子产品",
    "货物进出口",
    "餐饮服务",
    "食品销售",
    "物业管理",
    "停车场服务",
    "建筑工程施工",
    "企业管理咨询",
    "市场营销策划",
    "会议及展览服务",
    "道路货物运输",
    "广告设计、制作",
    "计算机系统集成",
    "农产品收购",
    "家政服务",
    "日用百货零售",
    "代理记账",
    "代理财务记账",
    "住所：北京市西城区金融大街8号",
    "机械设备租赁",
    "软件开发",
]
RISKY_SCOPE = [
    "投资管理（不得从事吸收存款、融资担保、代客理财、向社会公众集（融）资等金融业务）",
    "资产管理",
    "金融信息服务",
    "投资咨询（金融业务除外）",
    "接受金融机构委托从事信息技术外包服务",
]


def _name(rng: random.Random) -> str:
    body = "".join(rng.choices(SYLLABLES, k=2))
    trade = rng.choice(RISKY_TRADES) if rng.random() < 0.03 else rng.choice(TRADES)
    name = f"{rng.choice(PLACES)}{body}{trade}{rng.choice(FORMS)}"
    if rng.random() < 0.01:
        name = name.replace("理财", "理 財").replace("资产", "資產")
    if rng.random() < 0.005:
        name = f"ＡＢＣ{name}"
    if rng.random() < 0.002:
        name = name.replace("有限公司", "慈善基金会")
    return name


def _scopes(rng: random.Random, count: int) -> list[str]:
    scopes = []
    for _ in range(count):
        items = rng.sample(SCOPE_ITEMS, rng.randint(3, 7))
        if rng.random() < 0.04:
            items.insert(rng.randrange(len(items) + 1), rng.choice(RISKY_SCOPE))
        scopes.append(
            "；".join(items) + "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
        )
    return scopes


def registry(count: int) -> list[Row]:
    """``count`` rows of name, scope and licence type."""
    rng = random.Random(SEED)
    scopes = _scopes(rng, 5000)
    licences = ["", "", "", "", "", "", "", "", "", "小额贷款", "bank", "典当"]
    return [(_name(rng), rng.choice(scopes), rng.choice(licences)) for _ in range(count)]


def timed(label: str, work: Callable[[], int], rows: int) -> float:
    """Run ``work`` once; print its rate per minute and return it."""
    started = time.perf_counter()
    found = work()
    seconds = time.perf_counter() - started
    per_minute = rows / seconds * 60
    print(f"{label:<22} {seconds:7.2f} s  {per_minute:>13,.0f} 家/分钟  （命中 {found:,}）")
    return per_minute


def _engine(screener: NameScreener, rows: Sequence[Row]) -> int:
    return sum(screener.screen(name=n, scope=s, licence=lic).flagged for n, s, lic in rows)


def _any_hit(screener: NameScreener, rows: Sequence[Row]) -> int:
    return sum(screener.any_hit(n, s) for n, s, _ in rows)


def _naive(words: Sequence[str], rows: Sequence[Row]) -> int:
    found = 0
    for name, scope, _ in rows:
        folded_name, folded_scope = fold(name), fold(scope)
        found += any(w in folded_name or w in folded_scope for w in words)
    return found


def _csv_end_to_end(screener: NameScreener, rows: Sequence[Row]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("企业名称,经营范围,持牌金融业务类型\n")
            for name, scope, licence in rows:
                handle.write(f"{name},{scope},{licence}\n")
        return screen_registry(path, screener).flagged


def names_benchmark(count: int) -> None:
    """Names per minute: engine, fast path, naive baseline, and CSV end to end."""
    print(f"生成 {count:,} 行企业名录……")
    rows = registry(count)
    screener = NameScreener(name_lexicon())
    words = [w.folded for w in name_lexicon().words]
    screener.screen(name="预热", scope="预热")
    engine = timed("engine", lambda: _engine(screener, rows), count)
    timed("engine any-hit", lambda: _any_hit(screener, rows), count)
    timed("naive any(word in)", lambda: _naive(words, rows), count)
    timed("csv end to end", lambda: _csv_end_to_end(screener, rows), count)
    verdict = "达到" if engine >= GOAL_PER_MINUTE else "未达到"
    print(f"目标 {GOAL_PER_MINUTE:,} 家/分钟：{verdict}（engine）")


def texts_benchmark() -> None:
    """Texts per second on short corpus texts and on a long article."""
    texts = [sample.text for sample in load_corpus()]
    short = texts * 5
    started = time.perf_counter()
    for text in short:
        screen_text(text)
    seconds = time.perf_counter() - started
    average = sum(map(len, short)) / len(short)
    print(f"texts (corpus)        {len(short) / seconds:10,.0f} 条/秒  （平均 {average:.0f} 字）")
    article = "\n".join(texts[:120])
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        screen_text(article)
    seconds = time.perf_counter() - started
    print(f"texts (long article)  {rounds / seconds:10,.1f} 篇/秒  （每篇 {len(article):,} 字）")


def main() -> None:
    """Run both benchmarks."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    names_benchmark(count)
    texts_benchmark()


if __name__ == "__main__":
    main()
