"""Sweeps on a dask.distributed cluster (issue 19): a real scheduler and two workers on loopback, each its own
process, must give the local run's sweep.csv byte for byte, through the same cache."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from optimizer.analysis.sweep import _record, parse_param, run_sweep
from optimizer.cli import main
from optimizer.errors import InputError
from tests.conftest import ROOT
from tests.test_model import base_offers
from tests.tiny import Tiny, write

distributed = pytest.importorskip("distributed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def loopback_cluster():
    """`dask scheduler` and two `dask worker` processes bound to 127.0.0.1, the package on their path; yields the
    scheduler's address once both workers have joined."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "distributed.cli"]
    procs = [subprocess.Popen([*cli[:2], "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([*cli[:2], "distributed.cli.dask_worker", address, "--host", "127.0.0.1",
                                           "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
                                          env=env, cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
            hosts = {w["host"] for w in client.scheduler_info()["workers"].values()}
        assert hosts == {"127.0.0.1"}
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_a_sweep_on_two_loopback_workers_equals_the_local_run_byte_for_byte(tmp_path, loopback_cluster):
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    scen = tmp_path / "s.yaml"
    scen.write_text(f"data: {data}\n", encoding="utf-8")
    grid = ["--param", "cert_share=0.0:1.0:0.25", "--param", "weights.travel=1,3"]
    common = ["sweep", str(scen), *grid, "--workers", "2"]
    assert main([*common, "--out", str(tmp_path / "local"), "--cache", str(tmp_path / "c1")]) == 0
    assert main([*common, "--executor", "dask", "--scheduler", loopback_cluster, "--out", str(tmp_path / "dask"),
                 "--cache", str(tmp_path / "c2")]) == 0
    local = (tmp_path / "local" / "sweep.csv").read_bytes()
    assert (tmp_path / "dask" / "sweep.csv").read_bytes() == local
    # the same cache: both runs wrote one entry per point under the same input_id names
    names = sorted(p.name for p in (tmp_path / "c1").glob("*.json"))
    assert len(names) == 10 and names == sorted(p.name for p in (tmp_path / "c2").glob("*.json"))
    # the workers really solved the points, in processes other than this one and the local pool's
    results = run_sweep(scen, [parse_param("cert_share=0.1,0.6")], cache_dir=None, progress=False,
                        executor="dask", scheduler=loopback_cluster)
    assert all(r.status == "optimal" for r in results)
    assert os.getpid() not in {r.worker for r in results}
    # a rerun through the cluster is answered from the cache without touching it
    again = run_sweep(scen, [parse_param("cert_share=0.0:1.0:0.25")], cache_dir=tmp_path / "c2", progress=False,
                      executor="dask", scheduler="tcp://127.0.0.1:1")  # unreachable: never contacted
    assert all(r.cached for r in again)


def test_the_default_dask_cluster_is_local_and_agrees_with_processes(tmp_path):
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    scen = tmp_path / "s.yaml"
    scen.write_text(f"data: {data}\n", encoding="utf-8")
    params = [parse_param("cert_share=0.2,0.8")]
    local = run_sweep(scen, params, cache_dir=None, progress=False)
    seen: list[tuple[int, int]] = []
    remote = run_sweep(scen, params, cache_dir=None, progress=False, executor="dask",
                       on_progress=lambda done, total: seen.append((done, total)))
    assert [(r.status, r.figures) for r in remote] == [(r.status, r.figures) for r in local]
    assert seen[-1] == (2, 2)  # the same progress callback as the local run


def test_a_worker_with_other_inputs_is_refused(tmp_path):
    """The input_id guard: an answer computed on other data or code is reported as failed and never cached."""
    out = {"status": "optimal", "figures": {"objective": 1.0}, "message": "", "worker": 1, "input_id": "other"}
    result = _record({"cert_share": 0.6}, "mine", out, tmp_path)
    assert result.status == "failed" and "other" in result.message and "mine" in result.message
    assert not list(tmp_path.iterdir())
    assert _record({"cert_share": 0.6}, "other", out, tmp_path).status == "optimal"
    assert (tmp_path / "other.json").exists()


def test_unknown_executor_and_unreachable_scheduler_are_input_errors(tmp_path, monkeypatch):
    monkeypatch.setattr("optimizer.analysis.sweep.SCHEDULER_TIMEOUT", "2s")
    with pytest.raises(InputError):
        run_sweep(None, [parse_param("cert_share=0.6")], cache_dir=None, progress=False, executor="spark")
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    scen = tmp_path / "s.yaml"
    scen.write_text(f"data: {data}\n", encoding="utf-8")
    with pytest.raises(InputError):
        run_sweep(scen, [parse_param("cert_share=0.6")], cache_dir=None, progress=False, executor="dask",
                  scheduler=f"tcp://127.0.0.1:{free_port()}")
    assert Path(scen).exists()
