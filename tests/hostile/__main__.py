"""Entry point: `python -m tests.hostile --out DIR [--quick]` (see tests/hostile/README.md)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    import os
    import tempfile
    import time
    from pathlib import Path

    from tests.hostile import cli_cases, datadir_cases, harness, http_cases, ingest_cases

    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(prog="python -m tests.hostile", description="Hostile-input attack harness for reform-kg.")
    parser.add_argument(
        "--out", type=Path, default=Path("/tmp/hostile-report"), help="report folder (results.jsonl, summary.txt)"
    )
    parser.add_argument("--quick", action="store_true", help="a few cases per category (< 3 minutes)")
    parser.add_argument("--only", default="ingest,datadir,cli,http", help="comma-separated categories to run")
    parser.add_argument(
        "--product",
        type=Path,
        default=repo,
        help="source tree of the code under test, put first on PYTHONPATH (default: this checkout)",
    )
    parser.add_argument(
        "--snapshot",
        choices=("none", "head", "worktree"),
        default="none",
        help="attack a frozen copy: the last commit (head) or the checkout as it is now (worktree), "
        "so edits made during the run do not change the code under test",
    )
    parser.add_argument("--reform", default=str(repo / ".venv" / "bin" / "reform"), help="the reform executable")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a new one under /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--seed", default="20240601")
    parser.add_argument("--batches", default="", help="comma-separated ingest batch names to run (default: all)")
    parser.add_argument("--no-model", action="store_true", help="never use the embedding model, even if installed")
    parser.add_argument("--batch-timeout", type=float, default=120.0, help="seconds before an ingest batch counts as a hang")
    parser.add_argument("--cli-timeout", type=float, default=60.0)
    parser.add_argument("--max-rss-mb", type=float, default=4096.0, help="kill any command whose process tree grows past this")
    parser.add_argument("--rss-budget-mb", type=float, default=1536.0, help="an ingest batch peaking above this fails")
    parser.add_argument("--max-search-latency", type=float, default=2.0, help="seconds a search may take under SPARQL load")
    parser.add_argument("--max-query-mem-mb", type=float, default=1024.0, help="server growth during one query that fails")
    args = parser.parse_args(argv)

    started = time.time()
    work = args.work or Path(tempfile.mkdtemp(prefix="hostile-work-", dir="/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)
    rec = harness.Recorder(args.out)
    ctx = harness.Context(
        repo=repo,
        product=args.product.resolve(),
        out=args.out,
        work=work,
        quick=args.quick,
        reform_bin=args.reform,
        model_dir=None,
        batch_timeout=60.0 if args.quick else args.batch_timeout,
        cli_timeout=args.cli_timeout,
        max_rss_mb=args.max_rss_mb,
        rec=rec,
    )
    ctx.extra["batches"] = [b.strip() for b in args.batches.split(",") if b.strip()]
    ctx.extra.update(
        seed=args.seed,
        keep=args.keep,
        rss_budget_mb=args.rss_budget_mb,
        max_search_latency=args.max_search_latency,
        max_query_mem_mb=args.max_query_mem_mb,
        sparql_timeout=10,
    )
    state = harness.product_state(repo, args.snapshot if args.product.resolve() == repo else "external")
    if args.snapshot != "none":
        ctx.product = harness.make_snapshot(args.product.resolve(), work / "product", args.snapshot)
    state["product"] = str(ctx.product)
    dirty = f"; +{state['dirty_files']} uncommitted files, diff {state['diff_sha256_12']}" if state["dirty_files"] else ""
    print(
        f"reform-kg hostile harness: code under test {ctx.product} (snapshot {state['snapshot']}, commit {state['commit']}{dirty})"
    )
    print(f"scratch {work}; report {args.out}")
    problem = harness.preflight(ctx)
    if problem:
        print(f"\nthe product does not start, nothing attacked: {problem}")
        rec.add("preflight", "reform starts", False, problem)
        print(rec.summary()[0])
        return 3
    if args.no_model or args.quick:
        why = "not used (--quick: lexical only, to stay fast)" if args.quick else "not used (--no-model)"
    else:
        ctx.model_dir, why = harness.detect_model(ctx)
    print(f"model: {why}")
    harness.setup_unprivileged(ctx)
    print(f"permissions: {ctx.unpriv_reason}")
    meta = {
        **state,
        "model": ctx.model_dir,
        "model_note": why,
        "unprivileged": ctx.unpriv_reason,
        "quick": args.quick,
        "seed": args.seed,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "load_average_at_start": os.getloadavg()[0],
    }
    wanted = [c.strip() for c in args.only.split(",") if c.strip()]
    modules = {"ingest": ingest_cases, "datadir": datadir_cases, "cli": cli_cases, "http": http_cases}
    try:
        for name in wanted:
            t0 = time.monotonic()
            if name in ("cli", "http", "datadir") and ctx.good_data is None:
                try:
                    datadir_cases.build_good_data(ctx)
                except RuntimeError as exc:
                    rec.add(name, "good data directory", False, str(exc))
                    continue
            modules[name].run_all(ctx)
            meta[f"{name}_seconds"] = round(time.monotonic() - t0, 1)
    except KeyboardInterrupt:
        print("\ninterrupted: partial results follow")
    finally:
        meta["seconds"] = round(time.time() - started, 1)
        meta["ingest_files"] = ctx.extra.get("ingest_files")
        meta["ingest_batches"] = ctx.extra.get("ingest_batches")
        text, failures = rec.summary()
        header = f"\nreform-kg hostile harness: {len(rec.rows)} cases, {failures} failed, {meta['seconds']:.0f} s"
        if meta.get("ingest_files"):
            header += f" ({meta['ingest_files']} hostile files in {meta['ingest_batches']} ingest batches)"
        print(header + "\n" + text)
        (args.out / "summary.txt").write_text(header.strip() + "\n" + text + "\n", encoding="utf-8")
        (args.out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if not args.keep:
            harness.remove_tree(work)
    return 1 if failures else 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
