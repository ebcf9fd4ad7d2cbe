"""tools/bench.py renders every figure it measures (the measuring itself is `make bench`)."""
from tools.bench import incremental_projection, machine_speedup, render


def run(seconds, processed=2000, pages=2000, startup=1.0, publish=0.3):
    return {"seconds": seconds, "processed": processed, "pages": pages, "startup_seconds": startup,
            "publish_seconds": publish, "pages_per_s": processed / seconds,
            "steady_pages_per_s": processed / (seconds - startup - publish),
            "peak_mib_per_worker": 300.0, "peak_mib_main": 350.0}


def test_every_figure_is_in_the_table():
    machine = {"cores": 2, "memory_gib": 23.5, "load_avg": (0.5, 0.6, 0.7), "python": "3.11.7"}
    stage = {
        "pages": 200, "clean_pages_per_s": 270.0, "tokenize_pages_per_s": 300.0, "word_tokenize_pages_per_s": 60.0,
        "process_page_pages_per_s": 55.0, "page_cost_vs_word_tokenize": 1.04, "tokenize_vs_word_tokenize": 0.2,
        "unseen_tokenize_vs_word_tokenize": 0.45, "unseen_page_cost_vs_word_tokenize": 1.29,
        "component_vs_tokenize": {"doc_refs": 0.18, "entities": 0.95},
    }
    runs = {"local_1": run(45.0), "local_2": run(24.0), "dask_2": run(30.0),
            "incremental_2": run(2.6, processed=20, pages=2020)}
    scale = {"pages": 2000, "new_pages": 20, "runs": runs, "speedup_2_workers": 1.88,
             "efficiency_2_workers": 0.94, "incremental_vs_full": 0.108, "speedup_dask_2": 1.5,
             "machine_speedups": [1.91, 1.62, 2.0]}
    large = {"pages": 10000, "new_pages": 100, "full": run(116.0, 10000, 10000),
             "incremental": run(5.1, 100, 10100), "incremental_vs_full": 0.044}
    large["projection"] = incremental_projection(scale, large)
    standing = {"pages": 2000, "new_pages": 20, "workers": 2, "full": run(28.0), "incremental": run(1.2, 20, 2020),
                "incremental_vs_full": 0.043}
    text = render(machine, stage, scale, large, standing)
    for expected in ("1.04x (target <= 1.3x)", "sample pages the n-gram tables have not seen | 1.29x",
                     "entities extraction / tokenization | 95.0%", "speed-up 1.88x, target >= 1.8x",
                     "10.8% of the full 2-worker run into that folder", "Incremental at 10000 generated pages",
                     "| 4.4% (target <= 5%) |", "Dask LocalCluster", "projected at 100000 pages",
                     "2.0 s fixed + 0.31 ms per page", "| 1.91x, 1.62x, 2.00x |",
                     "Incremental on a standing Dask cluster (2 workers", "| 4.3% (target <= 5%) |"):
        assert expected in text
    assert "Incremental at" not in render(machine, stage, scale)
    assert "standing" not in render(machine, stage, scale, large)


def test_incremental_projection_is_a_line_through_both_corpora():
    # re-run: 2 s fixed + 0.3 ms per page; full run: 0.5 s + 20 ms per page
    scale = {"pages": 2000, "full_2_seconds": 40.5, "runs": {"incremental_2": run(2.6, 20, 2020)}}
    large = {"pages": 10000, "full": run(200.5, 10000, 10000), "incremental": run(5.0, 100, 10100)}
    proj = incremental_projection(scale, large)
    assert abs(proj["fixed_seconds"] - 2.0) < 1e-9 and abs(proj["incremental_ms_per_page"] - 0.3) < 1e-9
    assert abs(proj["full_ms_per_page"] - 20.0) < 1e-9
    assert abs(proj["ratio"] - 32.0 / 2000.5) < 1e-9 and abs(proj["limit"] - 0.015) < 1e-9
    # noise larger than the difference between the corpora: no line
    large["full"] = run(40.0, 10000, 10000)
    assert incremental_projection(scale, large) is None


def test_machine_speedup_is_a_ratio_of_the_same_loop():
    # a ratio of two timings of the same loop (on a shared machine it may even pass 2x)
    assert 0.3 < machine_speedup(loops=1_000_000) < 4


def test_the_pathological_shapes_table_has_every_shape_and_figure():
    from tools import bench_hostile

    base = {"seconds": 5.0, "cpu_seconds": 3.5, "peak_kib": 360 * 1024}
    shapes = {name: {"what": what, "bytes": 2**20, "seconds": 7.0, "cpu_seconds": 5.0, "peak_kib": 400 * 1024,
                     "marginal_seconds": 2.0, "marginal_cpu_seconds": 1.5, "outcome": "article (457 chars of text)"}
              for name, (what, _suffix, _build) in bench_hostile.SHAPES.items()}
    text = bench_hostile.render({"scale": 1.0, "baseline": base, "shapes": shapes, "load_avg": (1.0, 2.0, 3.0)})
    assert "3.5 s CPU, 5.0 s wall, 360 MiB; load 1.0, 2.0, 3.0" in text
    for what, *_ in bench_hostile.SHAPES.values():
        assert f"| {what} | 1.00 MiB | 1.5 s | 2.0 s | 400 MiB | article (457 chars of text) |" in text
