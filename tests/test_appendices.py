"""The appendices' tables (dtao_lib.figures.appendices) and the seed article's claim list
(dtao_lib.claims.seed_other), checked against independent derivations and the article itself."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dtao_lib import claims, params
from dtao_lib.claims import seed_other
from dtao_lib.data import data_dir, load_emission_shares
from dtao_lib.figures import appendices as ap

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = Path("/work/shared/seed")
VECTORS = data_dir() / "vectors" / "public.json"


def _article() -> str | None:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    return files[0].read_text(encoding="utf-8") if files else None


needs_seed = pytest.mark.skipif(_article() is None, reason="the seed article is not available here")


# ---------------------------------------------------------------------------------------------
# Conformance
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def conf() -> pd.DataFrame:
    return ap.conformance_table()


def _all_raw() -> list[dict]:
    """Both shipped vectors files, in the order the appendix shows them."""
    return [v for f in (VECTORS, VECTORS.parent / "post-2026-06.json")
            for v in json.loads(f.read_text(encoding="utf-8"))["vectors"]]


def test_conformance_table_lists_every_vector_with_its_file_status(conf):
    raw = _all_raw()
    assert set(conf["file"]) == {"public.json", "post-2026-06.json"}
    assert conf["vector"].tolist() == [v["id"] for v in raw]
    assert conf["status"].tolist() == [v["status"] for v in raw]
    assert conf["recomputed"].tolist() == [bool(v["independently_recomputed"]) for v in raw]
    assert not conf["group"].str.startswith("Other").any(), "a vector prefix has no mechanism group"


def test_conformance_summary_counts(conf):
    s = ap.conformance_summary(conf).set_index("group")
    raw = _all_raw()
    total = s.loc["all vectors"]
    assert total["vectors"] == len(raw)
    assert total["asserted"] == sum(v["status"] == "asserted" for v in raw)
    assert total["derived"] == sum(v["status"] == "derived" for v in raw)
    assert total["recomputed"] == sum(bool(v["independently_recomputed"]) for v in raw)
    assert total["pass"] + total["FAIL"] + total["n/a"] == len(raw)
    assert s.loc["Block emission and halvings (§1)", "vectors"] == sum(v["id"].startswith("BE") for v in raw)
    assert s.loc["Injection reservoirs (addendum §A4)", "vectors"] == sum(v["id"].startswith("RSV") for v in raw)
    assert total["FAIL"] == 0


def test_conformance_html_names_both_files(conf):
    assert "public.json: 56 of 56 pass" in ap.conformance_html(conf).text


def test_conformance_html_shows_every_vector(conf):
    h = ap.conformance_html(conf)
    for vid in conf["vector"]:
        assert f"<strong>{vid}</strong>" in h.text
    assert h.text.count('data-pass="pass"') == int((conf["pass"] == "pass").sum())


def test_a_wrong_vector_shows_as_fail(tmp_path):
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    be = next(v for v in data["vectors"] if v["id"] == "BE-01")
    be["expected"]["block_emission_rao"] += 1
    data["vectors"] = [be]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    df = ap.conformance_table(path)
    assert df["pass"].tolist() == ["FAIL"]
    assert ap.conformance_summary(df).iloc[-1]["FAIL"] == 1
    assert 'data-pass="FAIL"' in ap.conformance_html(df).text


def test_conformance_bad_input(conf):
    with pytest.raises(ValueError, match="width must be an integer >= 8"):
        ap.conformance_html(conf, width=3)
    with pytest.raises(ValueError, match="conformance_table"):
        ap.conformance_summary(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="conformance_table"):
        ap.conformance_html(pd.DataFrame({"vector": ["a"]}))
    with pytest.raises(FileNotFoundError):
        ap.conformance_table("/no/such/vectors.json")


def test_conformance_chart_counts(conf):
    spec = ap.conformance_chart(conf).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert sum(r["vectors"] for r in values) == len(conf)


# ---------------------------------------------------------------------------------------------
# The seed article and the claims
# ---------------------------------------------------------------------------------------------
def _sentences(text: str) -> list[str]:
    return [s for line in text.splitlines() for s in re.findall(r"[^。？！?]*[。？！?]", line) if s.strip()]


@needs_seed
def test_article_entries_quote_the_article_exactly():
    article = "".join(_article().splitlines())
    for e in seed_other.ARTICLE:
        assert e.japanese in article, f"not in the article: {e.japanese[:40]}…"


@needs_seed
def test_article_entries_cover_every_sentence():
    raw = _article()
    headings = {ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.strip().endswith("。")}
    quoted = "".join(e.japanese for e in seed_other.ARTICLE)
    missing = [s for s in _sentences(raw) if s.strip() not in headings and s not in quoted]
    assert not missing, f"sentences of the article no entry quotes: {missing}"


@needs_seed
def test_entries_follow_the_article_order():
    article = "".join(_article().splitlines())
    positions = [article.index(e.japanese) for e in seed_other.ARTICLE]
    assert positions == sorted(positions)


@needs_seed
def test_every_registered_claim_quotes_the_article():
    article = "".join(_article().splitlines())
    claims._load_all()
    wrong = [c.id for c in claims.CLAIMS.values() if c.japanese not in article]
    assert not wrong, f"claims whose Japanese is not copied exactly from the article: {wrong}"


@needs_seed
def test_glossary_japanese_terms_are_the_articles():
    article = "".join(_article().splitlines())
    glossary = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")
    # "(Japanese: ...)" gives the usual term for jargon the article never uses (hotkey, take...);
    # every other Japanese term in the glossary must be the article's own.
    standard = re.findall(r"\(Japanese: ([^;)]*)", glossary)
    assert standard, "the glossary gives Japanese terms for jargon the article does not use"
    glossary = re.sub(r"\(Japanese: [^;)]*", "(", glossary)
    terms = re.findall(r"[\u3040-\u30ff\u4e00-\u9fff][\u3040-\u30ff\u4e00-\u9fff0-9・ー]*", glossary)
    assert terms
    assert not [t for t in terms if t not in article], "Japanese terms in the glossary that the article does not use"


def test_seed_deciders_are_registered_here():
    claims._load_all()
    for e in seed_other.ARTICLE:
        for d in e.deciders:
            if d.claim_id.startswith("seed-"):
                assert d.claim_id in claims.CLAIMS
                assert d.page == "chapters/appendix_claims"


def test_chapter_deciders_name_a_planned_page():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for e in seed_other.ARTICLE:
        for d in e.deciders:
            assert re.search(rf"file:\s*{re.escape(d.page)}\s*$", toc, re.M), f"{d.page} is not in _toc.yml"


@pytest.fixture(scope="module")
def overview() -> pd.DataFrame:
    return ap.claims_overview()


def test_overview_covers_the_article_and_the_registry(overview):
    claims._load_all()
    assert overview["entry"].nunique() >= len(seed_other.ARTICLE)
    assert set(claims.CLAIMS) <= set(overview["claim_id"])
    for i, e in enumerate(seed_other.ARTICLE, start=1):
        rows = overview[overview["entry"] == i]
        assert len(rows) >= len(e.deciders)
        for d in e.deciders:
            registered = any(x in claims.CLAIMS for x in d.ids)
            hit = rows[rows["claim_id"].isin(d.ids)]
            assert len(hit) == 1
            assert (hit["verdict"].iloc[0] == "pending") is not registered


def test_overview_links_point_at_boxes(overview):
    for _, r in overview[overview["link"] != ""].iterrows():
        page, anchor = r["link"].split("#")
        if page == "appendix_claims.html" and r["claim_id"].startswith("seed-"):
            # the appendix's own out-of-scope boxes (page named: the table is shown on other pages too)
            assert anchor == f"claim-{r['claim_id']}"
            continue
        nb = ROOT / "chapters" / page.replace(".html", ".ipynb")
        assert nb.is_file(), r["link"]
        assert anchor == f"claim-{r['claim_id']}"
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert f'claims.show("{r["claim_id"]}")' in code


def test_claims_summary_counts_each_claim_once(overview):
    s = ap.claims_summary(overview)
    assert s["claims"].sum() == overview["claim_id"].nunique()
    with pytest.raises(ValueError, match="claims_overview"):
        ap.claims_summary(pd.DataFrame({"x": [1]}))


def test_claims_html_has_every_entry(overview):
    h = ap.claims_html(overview).text
    assert h.count('<tr id="article-') == overview["entry"].nunique()
    for cid in overview["claim_id"]:
        assert cid in h
    with pytest.raises(ValueError, match="claims_overview"):
        ap.claims_html(pd.DataFrame({"entry": [1]}))


def test_claim_pages_reads_show_calls(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": ["x = 1\n", 'claims.show("abc-1")\n']},
                    {"cell_type": "markdown", "source": ['claims.show("not-code")']}]}
    (tmp_path / "ch.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert ap.claim_pages(tmp_path) == {"abc-1": "chapters/ch"}
    assert ap.claim_pages(tmp_path / "missing") == {}


def test_boxes_and_out_of_scope_tables():
    box = ap.claim_boxes(["seed-subnet-limit"]).text
    assert 'id="claim-seed-subnet-limit"' in box
    table = ap.out_of_scope_html(["seed-tam", "seed-advice"]).text
    assert 'id="claim-seed-tam"' in table
    assert 'id="claim-seed-advice"' in table
    with pytest.raises(ValueError, match="out of scope"):
        ap.out_of_scope_html(["seed-subnet-limit"])
    with pytest.raises(ValueError, match="at least one"):
        ap.claim_boxes([])
    with pytest.raises(KeyError, match="unknown claim"):
        ap.claim_boxes(["no-such-claim"])


# ---------------------------------------------------------------------------------------------
# The claims decided in the appendix: their numbers, derived independently
# ---------------------------------------------------------------------------------------------
def test_chutes_had_the_most_emission_every_day():
    df = load_emission_shares()
    leaders = df.loc[df.groupby("date")["tao_per_block"].idxmax(), "netuid"]
    assert set(leaders) == {64}
    ranks = seed_other.emission_ranks()
    assert (ranks.loc[ranks["netuid"] == 64, "rank"] == 1).all()
    # Ridges and Gradients in the top ten every day, from the raw CSV
    rows = list(csv.DictReader((data_dir() / "emission_shares_2025" / "emission_shares_2025.csv").open()))
    by_day: dict[str, list[tuple[float, int]]] = {}
    for r in rows:
        by_day.setdefault(r["date"], []).append((float(r["tao_per_block"]), int(r["netuid"])))
    for day, vals in by_day.items():
        top10 = [n for _, n in sorted(vals, reverse=True)[:10]]
        assert 62 in top10, day
        assert 56 in top10, day


def test_subnet_limit_and_snapshot_count():
    snap = data_dir() / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv"
    netuids = [int(r["netuid"]) for r in csv.DictReader(snap.open(encoding="utf-8", newline=""))]
    assert sum(n != 0 for n in netuids) == params.SUBNET_LIMIT == 128
    ev = claims.get("seed-subnet-limit").evidence().set_index("quantity")["value"]
    assert ev["the limit since v3.2.8 (migration committed Aug 2025)"] == 128
    assert ev["non-root subnets on 2026-04-11"] == 128


def test_registration_reopened_at_2000_tao():
    ev = claims.get("seed-registration-resumed").evidence()
    assert ev["value"].iloc[2] == 2_000  # spec §6.1, vector LC-12: twice the last lock of 1000 TAO
    assert params.era("v3.2.7").pruning == "disabled"
    assert params.era("v3.2.8").pruning == "lowest_ema_price"


def test_mining_evidence_matches_constant_product():
    ev = claims.get("seed-mining-raises-price").evidence().set_index("quantity")["value"]
    s = pd.read_csv(data_dir() / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv")
    chutes = s[s["netuid"] == 64].iloc[0]
    alpha_day = ev.iloc[1]
    # miners: (1 − 11796/65535)/2 of one alpha per block, 7200 blocks (alpha issuance < 10.5 M)
    assert alpha_day == pytest.approx(7200 * (1 - 11796 / 65535) / 2, rel=1e-6)
    # full-range pool: selling a (after the 33/65535 fee) moves the price to p·(α/(α+a))²
    a = alpha_day * (1 - 33 / 65535)
    expected = (chutes["alpha_in"] / (chutes["alpha_in"] + a)) ** 2 - 1
    assert ev.iloc[2] == pytest.approx(expected, rel=1e-3)
    assert ev.iloc[6] > params.MAX_ALLOWED_UIDS


def test_protocol_buys_match_the_injection_rule():
    b = seed_other.protocol_buys_at_head()
    s = pd.read_csv(data_dir() / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv")
    s = s[(s["netuid"] != 0) & s["moving_price"].notna()].set_index("netuid")
    assert len(b) == len(s)
    E = 500_000_000  # 0.5 TAO per block after the first halving
    assert b["tao_rao"].sum() <= E
    shares = (s["moving_price"] / s["moving_price"].sum()).sort_index().to_numpy()
    # HEAD (spec 459): the price shares pass through the Hill gate around the 32nd-largest share
    theta = np.sort(shares[shares > 0])[::-1][31]
    gated = np.where(shares > 0, shares / (1 + (theta / np.where(shares > 0, shares, 1)) ** 3), 0)
    got = (b.set_index("netuid")["tao_rao"] / E).sort_index()
    assert np.allclose(got.to_numpy(), gated / gated.sum(), atol=1e-6)
    root_tao = float(pd.read_csv(data_dir() / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv")
                     .query("netuid == 0")["tau_in"].iloc[0])
    for _, r in b.iterrows():
        row = s.loc[r["netuid"]]
        spot = row["tau_in"] / row["alpha_in"]
        issuance = row["alpha_in"] + row["alpha_out"]
        cap = 0.18 * root_tao / (0.18 * root_tao + issuance)  # root_prop × 1 alpha per block
        wanted = r["tao_rao"] / 1e9 / spot
        if r["excess_rao"] > 0:
            assert wanted > cap * (1 - 1e-6)
            # a fee-free buy of d TAO in a 50/50 pool multiplies the price by ((τ+d)/τ)²
            d = r["buy_tao_per_day"]
            assert r["price_rise_per_day"] == pytest.approx((1 + d / row["tau_in"]) ** 2 - 1, rel=1e-3)
        else:
            assert wanted <= cap * (1 + 1e-6)
    assert math.isclose(0.18, params.TAO_WEIGHT, rel_tol=1e-12)


def test_out_of_scope_claims_say_so():
    claims._load_all()
    oos = [c for c in claims.CLAIMS.values() if c.verdict == "out of scope"]
    assert oos
    for c in oos:
        assert c.id.startswith("seed-")
        assert c.evidence()["value"].iloc[0] == "none"


# ---------------------------------------------------------------------------------------------
# Parameters, timeline, eras
# ---------------------------------------------------------------------------------------------
def test_parameters_table_in_plain_units():
    df = ap.parameters_table().set_index("parameter")
    assert list(df.index) == [p.name for p in params.MAINNET]
    assert df.loc["SUBNET_OWNER_CUT_U16", "in plain units"] == "17.9995%"  # spec §0.1
    assert df.loc["TOTAL_SUPPLY_RAO", "in plain units"] == "21,000,000 TAO"
    assert df.loc["NETWORK_IMMUNITY_BLOCKS", "in plain units"] == "120 days"  # spec: ≈120 days
    assert df.loc["LOCK_REDUCTION_INTERVAL_BLOCKS", "in plain units"] == "8 days"
    assert df.loc["TEMPO", "in plain units"] == "1.2 hours"  # 360 × 12 s
    assert "parameter" in ap.parameters_html().text


def test_timeline_table_and_chart():
    df = ap.timeline_table()
    assert len(df) == len(params.TIMELINE)
    era_after = dict(zip(df["release"], df["era after"], strict=False))
    assert era_after["v3.2.10"] == "B"
    assert era_after["v2.0.0"] == "A"
    assert df["date"].str.endswith("≈").sum() == sum(c.approximate for c in params.TIMELINE)
    spec = ap.timeline_chart().to_dict()
    bound = [p for p in spec.get("params", []) if p.get("bind", {}).get("input") == "select"]
    assert [p["name"] for p in bound] == ["mechanism"]
    assert ap.timeline_html().text.count("<tr>") == len(params.TIMELINE) + 1


def test_era_rules_and_highlights():
    df = ap.era_rules()
    assert df["release"].tolist() == [tag for tag, _ in params.RELEASES]
    assert df.loc[df["release"] == "v2.0.0", "pool"].iloc[0] == "constant_product"
    assert df.loc[df["release"] == "v1.2.5", "swap_fee_u16"].iloc[0] is None
    grouped = {c for cols in ap.ERA_GROUPS.values() for c in cols}
    assert grouped == set(df.columns) - {"release", "date", "era"}
    html = ap.era_html("market").text
    # v3.2.2 lowered the fee from 196 to 33: that cell is highlighted
    assert '<td style="background:#fdebd0;font-weight:600">33</td>' in html
    with pytest.raises(ValueError, match="group must be one of"):
        ap.era_html("nope")


def test_emission_leaders_chart():
    spec = ap.emission_leaders_chart(top=3).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert {r["subnet"] for r in values} == {"SN64 Chutes", "SN120 Affine", "SN62 Ridges"}
    for bad in (0, 21):
        with pytest.raises(ValueError, match=r"top must be an integer in \[1, 20\]"):
            ap.emission_leaders_chart(top=bad)
    for bad in (True, 2.5, "3"):  # the wrong kind of value: a TypeError (dtao_lib._validate)
        with pytest.raises(TypeError, match="top must be an integer"):
            ap.emission_leaders_chart(top=bad)


# ---------------------------------------------------------------------------------------------
# Status: benchmarks
# ---------------------------------------------------------------------------------------------
def test_benchmark_figures(tmp_path):
    p = tmp_path / "r.json"
    p.write_text(json.dumps({"speedup_vs_scalar_reference": 40.5, "year_128_subnets_seconds": 12,
                             "scaling_exponent": 1.02, "machine": "test box"}), encoding="utf-8")
    df = ap.benchmark_figures(p).set_index("figure")
    assert df.loc["speedup_vs_scalar_reference", "value"] == 40.5
    assert df.loc["year_128_subnets_seconds", "unit"] == "s"
    assert ap.benchmark_figures(p).attrs["meta"] == {"machine": "test box"}


def test_benchmark_report_reads_the_simulators_reference_format(tmp_path):
    (tmp_path / "benchmarks").mkdir()
    ref = {"date": "2026-07-01", "machine": "2 cores", "command": "benchmarks/simulator.py --write-reference",
           "speedup_vs_scalar_reference": 150.0, "year_128_subnets_seconds": 42.5, "scaling_exponent": 1.01,
           "details": {"year_estimated": True, "compile_seconds": 3.2}}
    (tmp_path / "benchmarks" / "reference.json").write_text(json.dumps(ref), encoding="utf-8")
    text = ap.benchmark_report(tmp_path).text
    assert "machine: 2 cores" in text
    assert "150 ×" in text
    assert "42.5 s" in text
    assert "extrapolated" in text
    assert "Missing" not in text


def test_benchmark_figures_bad_input(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmark file not found"):
        ap.benchmark_figures(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        ap.benchmark_figures(bad)
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a JSON object"):
        ap.benchmark_figures(bad)
    bad.write_text('{"scaling_exponent": NaN}', encoding="utf-8")
    with pytest.raises(ValueError, match="scaling_exponent must be a finite number"):
        ap.benchmark_figures(bad)


def test_benchmark_report_is_robust(tmp_path):
    assert "No benchmark figures yet" in ap.benchmark_report(tmp_path).text
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "reference.json").write_text('{"scaling_exponent": 1.1}', encoding="utf-8")
    text = ap.benchmark_report(tmp_path).text
    assert "Reference figures" in text
    assert "Missing from the file: speedup_vs_scalar_reference, year_128_subnets_seconds" in text
    (tmp_path / "benchmarks" / "results").mkdir()
    (tmp_path / "benchmarks" / "results" / "latest.json").write_text("oops", encoding="utf-8")
    assert "could not be read" in ap.benchmark_report(tmp_path).text


# ---------------------------------------------------------------------------------------------
# Workshop
# ---------------------------------------------------------------------------------------------
_NB_WITH_EXERCISE = {"cells": [{"cell_type": "markdown", "source": [
    "## Exercises\n\n```{exercise} A title\n:label: demo-ex1\n\nCompute $x$.\n```\n\n"
    "````{solution} demo-ex1\n:class: dropdown\n\nThe secret answer.\n````\n"]}]}


def test_exercise_sheet_copies_the_exercise_not_the_solution(tmp_path):
    (tmp_path / "demo.ipynb").write_text(json.dumps(_NB_WITH_EXERCISE), encoding="utf-8")
    found = ap.find_exercises(tmp_path)
    assert found["demo-ex1"] == ap.Exercise("demo-ex1", "A title", "Compute $x$.", "chapters/demo")
    sheet = ap.exercise_sheet(["demo-ex1"], chapters_dir=tmp_path).text
    # The heading is the book's own number for the exercise (sphinx-exercise resolves the numref).
    assert ":::{admonition} {numref}`demo-ex1`. A title" in sheet
    assert "Compute $x$." in sheet
    assert "secret" not in sheet
    assert "dtao-answer" not in ap.exercise_sheet(["demo-ex1"], chapters_dir=tmp_path, answer_lines=0).text


def test_exercise_sheet_bad_input(tmp_path):
    (tmp_path / "demo.ipynb").write_text(json.dumps(_NB_WITH_EXERCISE), encoding="utf-8")
    with pytest.raises(ValueError, match=r"not found in the chapters; known: \['demo-ex1'\]"):
        ap.exercise_sheet(["nope-ex9"], chapters_dir=tmp_path)
    with pytest.raises(ValueError, match="non-empty sequence"):
        ap.exercise_sheet([], chapters_dir=tmp_path)
    with pytest.raises(ValueError, match="non-empty sequence"):
        ap.exercise_sheet("demo-ex1", chapters_dir=tmp_path)
    with pytest.raises(ValueError, match=r"answer_lines must be an integer in \[0, 40\]"):
        ap.exercise_sheet(["demo-ex1"], chapters_dir=tmp_path, answer_lines=-1)


def test_workshop_plan_labels_reads_the_plan_in_order(tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text("| a | {numref}`b-ex2`, then {numref}`a-ex1` |\n| b | {ref}`x <a-ex1>` {numref}`c-ex3` |\n",
                    encoding="utf-8")
    assert ap.workshop_plan_labels(plan) == ["b-ex2", "a-ex1", "c-ex3"]
    plan.write_text("no exercises here", encoding="utf-8")
    with pytest.raises(ValueError, match="names no exercise"):
        ap.workshop_plan_labels(plan)
    with pytest.raises(ValueError, match="cannot read"):
        ap.workshop_plan_labels(tmp_path / "missing.md")


def test_workshop_exercises_exist_and_agree_with_the_plan():
    found = ap.find_exercises()
    text = (ROOT / "chapters" / "workshop.md").read_text(encoding="utf-8")
    plan = re.findall(r"\{numref\}`([a-z0-9_-]+-ex\d+)`", text)
    nb = json.loads((ROOT / "chapters" / "workshop_exercises.ipynb").read_text(encoding="utf-8"))
    src = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert plan
    assert set(plan) <= set(found), f"workshop.md names unknown exercises: {set(plan) - set(found)}"
    # The sheet is generated from the plan (one list), not from a second list of labels.
    assert "exercise_sheet(fig.workshop_plan_labels())" in src
    assert not re.findall(r'"[a-z0-9_-]+-ex\d+"', src), "the sheet must not keep its own list of labels"
    sheet = ap.workshop_plan_labels()
    assert sheet == list(dict.fromkeys(plan)), "the sheet must list the plan's exercises in plan order"


def test_every_timeline_marks_approximate_dates_alike():
    """Both timelines (chapters and appendix) draw an approximate date with the same marker."""
    from dtao_lib.figures import timeline

    for chart in (ap.timeline_chart(), timeline.timeline_chart()):
        text = json.dumps(chart.to_dict())
        assert '"diamond"' in text
        assert '"triangle"' not in text


def test_benchmark_report_shows_the_widget_and_yuma_benchmarks(tmp_path):
    (tmp_path / "benchmarks").mkdir()
    widgets = {"worst_p95_ms": 42.5, "figures_over_goal": 0, "slowest_result_p95_ms": 900.0, "n_figures": 2,
               "machine": "2 cores", "load_average": [7.5, 8.25, 9.0], "figures": {
                   "amm.price_path": {"chapter": "amm", "p50_ms": 20.0, "p95_ms": 30.0, "cpu_p95_ms": 9.0,
                                      "changes": 12},
                   "research_lab.explorer": {"chapter": "research_lab", "p50_ms": 3.0, "p95_ms": 42.5,
                                             "cpu_p95_ms": 4.0, "changes": 80, "result_p95_ms": 900.0}}}
    yuma = {"exact_ms_per_epoch": 2.5, "float_reference_ms_per_epoch": 3.0, "ratio_vs_float_reference": 0.833}
    (tmp_path / "benchmarks" / "reference_widgets.json").write_text(json.dumps(widgets), encoding="utf-8")
    (tmp_path / "benchmarks" / "reference_yuma.json").write_text(json.dumps(yuma), encoding="utf-8")
    text = ap.benchmark_report(tmp_path).text
    assert "benchmarks/widgets.py" in text
    assert "benchmarks/yuma.py" in text
    assert "benchmarks/simulator.py" not in text  # no simulator file here: no empty section
    assert "42.5 ms" in text
    assert "0.833 ×" in text
    assert "Per figure (2)" in text
    assert "load_average: 7.5, 8.25, 9.0" in text  # the machine's load when measured
    table = ap.widget_latency_table(tmp_path / "benchmarks" / "reference_widgets.json")
    assert table["figure"].tolist() == ["research_lab.explorer", "amm.price_path"]  # slowest p95 first
    assert table.loc[0, "result_p95_ms"] == 900.0
    assert ap.widget_latency_table(tmp_path / "missing.json").empty


def test_parameters_table_has_the_post_june_defaults():
    """Addendum §H parameter deltas: rank 32, q 0.61, h 3, 360-block cadence, weight bound 0.99, ONE_YEAR."""
    df = ap.parameters_table().set_index("parameter")
    assert df.loc["EMISSION_BAR_RANK", "value"] == "32"
    assert df.loc["EMISSION_GATE_EXPONENT", "value"] == "3"
    assert df.loc["EMISSION_BAR_UPDATE_INTERVAL", "value"] == "360"
    assert df.loc["EMISSION_BAR_QUANTILE", "value"] == "0.61"
    assert df.loc["BALANCER_MAX_WEIGHT", "value"] == "0.99"
    assert df.loc["ONE_YEAR_BLOCKS", "value"] == "2\u202f629\u202f800"  # 7 200 · 365 + 1 800
    assert df.loc["EMISSION_BAR_RANK", "spec"].startswith("§A2")


def test_exercise_sheet_without_the_repository(tmp_path, monkeypatch):
    """Installed as a wheel (Binder, a base-dependencies venv), dtao_lib has no repository beside it: the
    sheet reads the chapters from the folder the notebook runs in (found running workshop_exercises.ipynb
    in such an environment), and says what to do when there are none."""
    from dtao_lib.figures import appendices

    chapters = appendices.REPO_ROOT / "chapters"
    expected = appendices.workshop_plan_labels()
    monkeypatch.setattr(appendices, "REPO_ROOT", tmp_path / "site-packages")
    monkeypatch.chdir(chapters)
    assert appendices.workshop_plan_labels() == expected
    assert set(expected) <= set(appendices.find_exercises())
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="clone of the repository"):
        appendices.workshop_plan_labels()


# ---------------------------------------------------------------------------------------------
# Bad input (issue 16): strings, paths, ids and DataFrames (the generated suite fuzzes numbers only)
# ---------------------------------------------------------------------------------------------
def test_frames_of_the_wrong_kind_are_rejected_naming_df(conf, overview):
    for fn in (ap.conformance_summary, ap.conformance_html, ap.conformance_chart, ap.claims_summary,
               ap.claims_html):
        with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
            fn(conf.to_dict())
    with pytest.raises(ValueError, match=r"conformance_table\(\); missing \['group', 'pass'\]"):
        ap.conformance_chart(overview[["claim_id"]])
    with pytest.raises(ValueError, match="claims_overview"):
        ap.claims_html(conf)  # the other appendix's table


def test_string_choices_list_the_allowed_values():
    with pytest.raises(ValueError, match=r"group must be one of 'emission', 'root and owner', 'market'"):
        ap.era_html("Market")
    with pytest.raises(ValueError, match="group must be one of"):
        ap.era_html(["market"])


def test_claim_ids_are_checked_before_rendering():
    with pytest.raises(TypeError, match="ids must be a list of claim ids"):
        ap.claim_boxes("seed-tam")  # would otherwise be read letter by letter
    with pytest.raises(TypeError, match="ids must contain only claim ids"):
        ap.out_of_scope_html(["seed-tam", 3])
    with pytest.raises(ValueError, match=r"ids: unknown claim\(s\) \['no-such'\]; known: \["):
        ap.out_of_scope_html(["seed-tam", "no-such"])


def test_paths_must_be_paths(tmp_path):
    with pytest.raises(TypeError, match="path must be a path"):
        ap.benchmark_figures(3)
    with pytest.raises(TypeError, match="path must be a path"):
        ap.widget_latency_table(None)
    with pytest.raises(TypeError, match="root must be a path"):
        ap.benchmark_report(1)
    with pytest.raises(TypeError, match="chapters_dir must be a path"):
        ap.find_exercises(["chapters"])
    with pytest.raises(TypeError, match="chapters_dir must be a path"):
        ap.claims_overview(1.0)
    with pytest.raises(TypeError, match="plan must be a path"):
        ap.workshop_plan_labels(b"workshop.md")
    with pytest.raises(TypeError, match="path must be a path"):
        ap.conformance_table(7)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        ap.conformance_table(tmp_path / "nowhere.json")
    with pytest.raises(TypeError, match="keys must be a dict"):
        ap.benchmark_figures(ROOT / "benchmarks" / "reference.json", keys=["speedup_vs_scalar_reference"])


def test_blocks_and_sheets_take_strings(tmp_path):
    with pytest.raises(TypeError, match="text must be a string"):
        ap.HtmlBlock(None)
    with pytest.raises(TypeError, match="plain must be a string"):
        ap.HtmlBlock("<p></p>", plain=3)
    with pytest.raises(TypeError, match="text must be a string"):
        ap.MarkdownBlock(["*x*"])
    with pytest.raises(TypeError, match="labels must contain only exercise labels"):
        ap.exercise_sheet([1], chapters_dir=tmp_path)
    with pytest.raises(TypeError, match="answer_lines must be an integer"):
        ap.exercise_sheet(["x"], chapters_dir=tmp_path, answer_lines=2.0)


def test_timeline_bad_input():
    from dtao_lib.figures import timeline

    with pytest.raises(ValueError, match=r"date_kind must be one of 'tagged', 'commit', 'PR', 'live'"):
        timeline.date_kind_label(False, "pr")
    with pytest.raises(TypeError, match="approximate must be a bool"):
        timeline.date_kind_label("False", "PR")
    assert timeline.date_kind_label(np.bool_(True), "PR") == "approximate (public reports)"
    with pytest.raises(TypeError, match="evidence must be a string"):
        timeline.evidence_labels(None)
    with pytest.raises(TypeError, match="highlight must be"):
        timeline.timeline_chart(3)
    with pytest.raises(TypeError, match="highlight must be"):
        timeline.timeline_table(["A", None])
    with pytest.raises(ValueError, match=r"highlight must be an era letter \[.*or a mechanism \["):
        timeline.timeline_table("AMMs")
    with pytest.raises(TypeError, match="title must be a string"):
        timeline.timeline_chart("A", title=1)
