#!/usr/bin/python3
"""Runs jgrad's benchmark workloads side by side with PyTorch 1.13 and numpy, and writes bench/RESULTS.md.

Usage (from the repository root, on an otherwise idle machine):
    /usr/bin/python3 bench/compare.py [--threads 1,2] [--device cpu] [--quick] [--out bench/RESULTS.md]

Needs Debian's python3-torch, python3-numpy and libopenblas0-pthread (so that numpy and PyTorch's matmul run
OpenBLAS, not the reference BLAS). Every peer runs in its own process per thread count, with OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS set to that count (PyTorch's Debian build does not pass torch.set_num_threads on to
OpenBLAS). jgrad runs through `./jgrad bench ...` and its one-line-per-measurement output.

The workloads mirror org.jgrad.bench.Workloads (same shapes, same FLOP counts); timing mirrors `./jgrad bench`:
warm-up for WARMUP_S seconds (at least 3 runs), then SAMPLES samples of back-to-back runs lasting at least
MIN_SAMPLE_MS each, and the median per-run time.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time

PEAK_PER_CORE = 117.0  # GFLOP/s, FP32 FMA peak of one core here, as issue 3 states it (234 on two)
BATCH = 64
GEMM_SIZES = [64, 128, 256, 512, 1024, 2048]
CONVNET_GEMM_SHAPES = ["conv1-fwd=32x50176x9", "conv2-fwd=64x12544x288", "conv2-wgrad=64x288x12544",
                       "conv2-dgrad=288x12544x64", "linear1-fwd=64x128x3136", "linear1-wgrad=128x3136x64"]
ELEMENTWISE_OPS = ["add", "mul", "relu", "exp", "tanh", "sigmoid", "sum"]
ELEMENTWISE_N = 1 << 20
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- FLOP counts (as Workloads.java counts them)

def conv_flops(layer):
    cin, cout, hw = (1, 32, 28) if layer == 1 else (32, 64, 14)
    return 2.0 * BATCH * cout * hw * hw * cin * 9


def step_flops(model):
    if model == "mlp":
        l1, l2 = 2.0 * BATCH * 256 * 784, 2.0 * BATCH * 10 * 256
        return 3 * (l1 + l2) - l1
    c1, c2 = conv_flops(1), conv_flops(2)
    l1, l2 = 2.0 * BATCH * 128 * 3136, 2.0 * BATCH * 10 * 128
    return 3 * (c1 + c2 + l1 + l2) - c1


# ---------------------------------------------------------------- timing (as cli/Measure.java times)

def measure(fn, warmup_s, samples, min_sample_ms):
    end = time.perf_counter() + warmup_s
    last = float("inf")
    i = 0
    while i < 3 or time.perf_counter() < end:
        t0 = time.perf_counter()
        fn()
        last = min(last, time.perf_counter() - t0)
        if i >= 1 and last * 3 > warmup_s:
            break
        i += 1
    reps = max(1, int(-(-min_sample_ms / 1e3 // last)))
    per_run = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        per_run.append((time.perf_counter() - t0) / reps)
    per_run.sort()
    n = len(per_run)
    return per_run[n // 2] if n % 2 else (per_run[n // 2 - 1] + per_run[n // 2]) / 2


# ---------------------------------------------------------------- peer workers (one process per peer and thread count)

def loaded_blas():
    """The BLAS libraries mapped into this process and, for OpenBLAS, the kernel it chose."""
    import ctypes
    libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if re.search(r"blas|mkl|dnnl|gomp", l.lower())})
    info = {"libs": libs}
    for p in libs:
        try:
            lib = ctypes.CDLL(p)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            info["openblas_core"] = lib.openblas_get_corename().decode()
            info["openblas_config"] = lib.openblas_get_config().decode()
            info["openblas_threads"] = lib.openblas_get_num_threads()
            break
        except (OSError, AttributeError):
            continue
    return info


def torch_workloads(torch, quick):
    F = torch.nn.functional
    g = torch.Generator().manual_seed(20261127)

    def u(*shape, lo=-1.0, hi=1.0, grad=False):
        return (torch.rand(*shape, generator=g) * (hi - lo) + lo).requires_grad_(grad)

    out = []
    for n in GEMM_SIZES if not quick else [64, 256]:
        a, b = u(n, n), u(n, n)
        out.append((f"gemm-{n}x{n}x{n}", 2.0 * n ** 3, lambda a=a, b=b: torch.mm(a, b)))
    for s in CONVNET_GEMM_SHAPES if not quick else CONVNET_GEMM_SHAPES[:1]:
        name, mnk = s.split("=")
        m, n, k = map(int, mnk.split("x"))
        a, b = u(m, k), u(k, n)
        out.append((f"gemm-{name}-{mnk}", 2.0 * m * n * k, lambda a=a, b=b: torch.mm(a, b)))
    for layer, (cin, cout, hw) in ((1, (1, 32, 28)), (2, (32, 64, 14))):
        x, w, bias = u(BATCH, cin, hw, hw, grad=layer == 2), u(cout, cin, 3, 3, grad=True), u(cout, grad=True)
        gy = u(BATCH, cout, hw, hw)
        wrt = [w, bias] if layer == 1 else [x, w, bias]

        def fwd(x=x, w=w, bias=bias):
            with torch.no_grad():
                return F.conv2d(x, w, bias, padding=1)

        def fwdbwd(x=x, w=w, bias=bias, wrt=wrt, gy=gy):
            return torch.autograd.grad(F.conv2d(x, w, bias, padding=1), wrt, gy)

        out.append((f"conv{layer}-fwd", conv_flops(layer), fwd))
        out.append((f"conv{layer}-fwdbwd", conv_flops(layer) * (2 if layer == 1 else 3), fwdbwd))
    for model in ("mlp", "convnet"):
        out.append((f"train-step-{model}", step_flops(model), torch_step(torch, model, u)))
    a, b = u(ELEMENTWISE_N, lo=-2, hi=2), u(ELEMENTWISE_N, lo=-2, hi=2)
    ops = {"add": lambda: torch.add(a, b), "mul": lambda: torch.mul(a, b), "relu": lambda: torch.relu(a),
           "exp": lambda: torch.exp(a), "tanh": lambda: torch.tanh(a), "sigmoid": lambda: torch.sigmoid(a),
           "sum": lambda: torch.sum(a)}
    for op in ELEMENTWISE_OPS:
        out.append((f"elementwise-{op}", float(ELEMENTWISE_N), lambda f=ops[op]: no_grad(torch, f)))
    return out


def no_grad(torch, f):
    with torch.no_grad():
        return f()


def torch_step(torch, model, u):
    """One SGD step (lr 0.01) exactly as Workloads.trainStep: forward, cross-entropy, backward, update."""
    F = torch.nn.functional

    def p(fan_in, *shape):
        b = 1 / fan_in ** 0.5
        return u(*shape, lo=-b, hi=b, grad=True)

    if model == "mlp":
        ps = [p(784, 256, 784), p(784, 256), p(256, 10, 256), p(256, 10)]
        x = u(BATCH, 784, lo=0, hi=1)

        def forward(x):
            return F.linear(F.relu(F.linear(x, ps[0], ps[1])), ps[2], ps[3])
    else:
        ps = [p(9, 32, 1, 3, 3), p(9, 32), p(288, 64, 32, 3, 3), p(288, 64),
              p(3136, 128, 3136), p(3136, 128), p(128, 10, 128), p(128, 10)]
        x = u(BATCH, 1, 28, 28, lo=0, hi=1)

        def forward(x):
            h = F.max_pool2d(F.relu(F.conv2d(x, ps[0], ps[1], padding=1)), 2)
            h = F.max_pool2d(F.relu(F.conv2d(h, ps[2], ps[3], padding=1)), 2).reshape(x.shape[0], 3136)
            return F.linear(F.relu(F.linear(h, ps[4], ps[5])), ps[6], ps[7])
    y = torch.tensor([(i * 7 + 3) % 10 for i in range(BATCH)])

    def step():
        loss = F.cross_entropy(forward(x), y)
        loss.backward()
        with torch.no_grad():
            for q in ps:
                q -= 0.01 * q.grad
                q.grad = None
        return loss.item()
    return step


def numpy_workloads(np, quick):
    rng = np.random.default_rng(20261127)
    out = []
    shapes = [(f"gemm-{n}x{n}x{n}", n, n, n) for n in (GEMM_SIZES if not quick else [64, 256])]
    for s in CONVNET_GEMM_SHAPES if not quick else CONVNET_GEMM_SHAPES[:1]:
        name, mnk = s.split("=")
        m, n, k = map(int, mnk.split("x"))
        shapes.append((f"gemm-{name}-{mnk}", m, n, k))
    for name, m, n, k in shapes:
        a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        out.append((name, 2.0 * m * n * k, lambda a=a, b=b: np.matmul(a, b)))
    return out


def worker(args):
    """Runs one peer at one thread count and prints one JSON line per workload (and one with its BLAS)."""
    if args.worker == "torch":
        import torch
        torch.set_num_threads(args.threads)
        work = torch_workloads(torch, args.quick)
        extra = {"torch": torch.__version__, "torch_threads": torch.get_num_threads(),
                 "torch_parallel": [l.strip() for l in torch.__config__.parallel_info().splitlines()
                                    if "get_num_threads" in l or "parallel backend" in l]}
    else:
        import numpy as np
        work = numpy_workloads(np, args.quick)
        extra = {"numpy": np.__version__}
    if args.only:
        work = [w for w in work if w[0].startswith(tuple(args.only.split(",")))]
    for name, flops, fn in work:
        t = measure(fn, args.warmup, args.samples, args.min_sample_ms)
        print(json.dumps({"name": name, "median_ms": t * 1e3, "gflops": flops / t / 1e9}), flush=True)
    print(json.dumps({"blas": loaded_blas(), **extra}), flush=True)


def run_peer(peer, threads, args, unset=(), only=""):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    for k in unset:
        env.pop(k, None)
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", peer, "--worker-threads", str(threads),
           "--warmup", str(args.peer_warmup), "--samples", str(args.samples), "--min-sample-ms", str(args.min_sample_ms)]
    if args.quick:
        cmd.append("--quick")
    if only:
        cmd += ["--only", only]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        return {}, {"error": p.stderr.strip().splitlines()[-1:] or ["exit " + str(p.returncode)]}
    results, meta = {}, {}
    for line in p.stdout.splitlines():
        d = json.loads(line)
        if "name" in d:
            results[d["name"]] = d
        else:
            meta = d
    return results, meta


# ---------------------------------------------------------------- jgrad through ./jgrad bench

LINE = re.compile(r"^(\S+)\s+device=(\S+) threads=(\d+) dtype=(\S+) median_ms=([\d.]+) min_ms=([\d.]+) gflops=([\d.]+)")


def jgrad_commands(threads, args):
    common = ["--device", args.device, "--threads", str(threads), "--warmup", str(args.warmup),
              "--samples", str(args.samples), "--min-sample-ms", str(args.min_sample_ms)]
    sizes = ",".join(map(str, GEMM_SIZES if not args.quick else [64, 256]))
    cmds = [["peak"], ["gemm", "--size", sizes], ["gemm", "--convnet-shapes"], ["conv"], ["train-step"],
            ["elementwise"]]
    if args.quick:
        cmds = [["peak"], ["gemm", "--size", sizes], ["conv", "--layer", "1"], ["train-step", "--model", "mlp"],
                ["elementwise", "--op", "add,exp"]]
    return [[os.path.join(ROOT, "jgrad"), "bench"] + c + common for c in cmds]


def run_jgrad(threads, args):
    results, errors = {}, []
    for cmd in jgrad_commands(threads, args):
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        for line in p.stdout.splitlines():
            if line.startswith("# jgrad bench: "):
                args.jvm = line[len("# jgrad bench: "):].split(", jgrad.threads")[0]
            m = LINE.match(line)
            if m:
                name = m.group(1)
                if args.quick and name.startswith("gemm-conv"):
                    continue
                results[name] = {"name": name, "median_ms": float(m.group(5)), "gflops": float(m.group(7))}
        if p.returncode != 0:
            errors.append(" ".join(cmd[1:4]) + ": " + (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1])
    return results, errors


# ---------------------------------------------------------------- RESULTS.md

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def lscpu():
    fields = {"Model name": "?", "Hypervisor vendor": "no hypervisor", "L1d cache": "?", "L2 cache": "?", "L3 cache": "?"}
    for line in sh("lscpu").splitlines():
        k, _, v = line.partition(":")
        if k.strip() in fields:
            fields[k.strip()] = v.strip()
    return fields


def fmt(x, spec):
    return "—" if x is None else format(x, spec)


def table(names, threads_list, res):
    rows = ["| workload | threads | jgrad ms | jgrad GFLOP/s | jgrad % peak | jgrad % AVX-512 peak | PyTorch ms "
            "| PyTorch GFLOP/s | PyTorch % peak | jgrad / PyTorch | PyTorch GFLOP/s (autodetect) "
            "| numpy GFLOP/s (env) | numpy GFLOP/s (autodetect) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in names:
        for t in threads_list:
            j, pt = res[t]["jgrad"].get(name), res[t]["torch"].get(name)
            ne, na = res[t]["numpy"].get(name), res[t]["numpy_auto"].get(name)
            pa = res[t]["torch_auto"].get(name)
            peak = PEAK_PER_CORE * t
            measured = res[t]["jgrad"].get("fma-peak-512bit")
            ratio = pt["median_ms"] / j["median_ms"] if j and pt else None
            rows.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                name, t, fmt(j and j["median_ms"], ".3f"), fmt(j and j["gflops"], ".1f"),
                fmt(j and 100 * j["gflops"] / peak, ".0f"),
                fmt(j and measured and 100 * j["gflops"] / measured["gflops"], ".0f"),
                fmt(pt and pt["median_ms"], ".3f"),
                fmt(pt and pt["gflops"], ".1f"), fmt(pt and 100 * pt["gflops"] / peak, ".0f"), fmt(ratio, ".2f"),
                fmt(pa and pa["gflops"], ".1f"), fmt(ne and ne["gflops"], ".1f"), fmt(na and na["gflops"], ".1f")))
    return rows


def targets(res, threads_list):
    rows = ["| target | threads | measured | verdict | against the measured AVX-512 peak |", "|---|---:|---|---|---|"]
    for t in threads_list:
        measured = res[t]["jgrad"].get("fma-peak-512bit")
        for n in (256, 512, 1024, 2048):
            j, pt = res[t]["jgrad"].get(f"gemm-{n}x{n}x{n}"), res[t]["torch"].get(f"gemm-{n}x{n}x{n}")
            if not j:
                continue
            pct = 100 * j["gflops"] / (PEAK_PER_CORE * t)
            need = 80 if t == 2 else 85
            ok = pct >= need
            msg = f"{j['gflops']:.0f} GFLOP/s = {pct:.0f} % of {PEAK_PER_CORE * t:.0f}"
            if t == 2 and pt:
                ok = ok and j["gflops"] >= 0.9 * pt["gflops"]
                msg += f", {j['gflops'] / pt['gflops']:.2f}× PyTorch"
            vs = "—"
            if measured:
                mp = 100 * j["gflops"] / measured["gflops"]
                vs = f"{mp:.0f} % of {measured['gflops']:.0f} ({'met' if mp >= need else 'missed'})"
            rows.append(f"| SGEMM {n} ≥ {need} % peak" + (" and ≥ 0.9× PyTorch" if t == 2 else "")
                        + f" | {t} | {msg} | {'met' if ok else 'MISSED'} | {vs} |")
        for model in ("mlp", "convnet"):
            j, pt = res[t]["jgrad"].get(f"train-step-{model}"), res[t]["torch"].get(f"train-step-{model}")
            if j and pt:
                r = pt["median_ms"] / j["median_ms"]
                rows.append(f"| train step {model} no slower than PyTorch | {t} | {j['median_ms']:.2f} ms vs "
                            f"{pt['median_ms']:.2f} ms ({r:.2f}×) | {'met' if r >= 1 else 'MISSED'} | |")
    return rows


def write_results(args, res, meta, errors, started, out):
    threads_list = args.threads
    names = []
    for t in threads_list:
        for peer in ("jgrad", "torch", "torch_auto", "numpy", "numpy_auto"):
            for n in res[t][peer]:
                if n not in names:
                    names.append(n)
    groups = ["fma-peak", "gemm-conv", "gemm-linear", "gemm-", "conv", "train", "elem"]
    rank = {"fma-peak": -1, "gemm-": 0, "gemm-conv": 1, "gemm-linear": 1, "conv": 2, "train": 3, "elem": 4}
    first_seen = {n: i for i, n in enumerate(names)}
    names.sort(key=lambda n: (rank[next(g for g in groups if n.startswith(g))], first_seen[n]))
    env = {k: os.environ.get(k, "(unset)") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS",
                                                        "OPENBLAS_NUM_THREADS")}
    cpu = lscpu()
    tm = meta.get(("torch", threads_list[0]), {})
    nm = meta.get(("numpy", threads_list[0]), {})
    na = meta.get(("numpy_auto", threads_list[0]), {})
    lines = [
        "# jgrad vs PyTorch 1.13 and numpy — measured side by side",
        "",
        "The header and tables are written by `bench/compare.py`; every figure comes from one run on one machine, "
        "peers interleaved per thread count. Rerun the command to refresh them; any section after the tables is "
        "a hand-written note.",
        "",
        f"- **Date**: {started} (finished {datetime.datetime.now().astimezone().isoformat(timespec='seconds')})",
        f"- **Command**: `{args.command_line}`",
        f"- **Machine**: {cpu['Model name']}, {os.cpu_count()} cores ({cpu['Hypervisor vendor']} guest), "
        f"L1d {cpu['L1d cache']}, L2 {cpu['L2 cache']}, L3 {cpu['L3 cache']}; load before the run: {args.load_before}",
        f"- **jgrad**: `./jgrad bench ... --device {args.device}`, {args.jvm}; warm-up {args.warmup} s (then until "
        f"settled), PyTorch and numpy {args.peer_warmup} s; for all, the median of {args.samples} samples of ≥ "
        f"{args.min_sample_ms} ms",
        f"- **PyTorch**: {tm.get('torch', '?')}, `torch.set_num_threads(T)` → {tm.get('torch_threads', '?')} "
        f"threads at T={threads_list[0]}; {'; '.join(tm.get('torch_parallel', []))}; BLAS mapped: "
        f"{', '.join(tm.get('blas', {}).get('libs', []))}; OpenBLAS kernel **{tm.get('blas', {}).get('openblas_core', '?')}**",
        f"- **PyTorch (autodetect)**: OpenBLAS kernel **{meta.get(('torch_auto', threads_list[0]), {}).get('blas', {}).get('openblas_core', '?')}**\n"
        f"- **numpy**: {nm.get('numpy', '?')} `np.matmul` (sgemm) — OpenBLAS kernel with the environment as is: "
        f"**{nm.get('blas', {}).get('openblas_core', '?')}**; with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset "
        f"(that command alone): **{na.get('blas', {}).get('openblas_core', na.get('error', '?'))}**; "
        f"`{nm.get('blas', {}).get('openblas_config', '?')}`",
        "- **Threads seen by the peers**: " + "; ".join(
            f"T={t}: torch {meta.get(('torch', t), {}).get('torch_threads', '?')}, OpenBLAS in torch "
            f"{meta.get(('torch', t), {}).get('blas', {}).get('openblas_threads', '?')}, OpenBLAS in numpy "
            f"{meta.get(('numpy', t), {}).get('blas', {}).get('openblas_threads', '?')}" for t in threads_list),
        "- **Environment**: " + ", ".join(f"{k}={v}" for k, v in env.items())
        + "; each peer process gets OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=T",
        "- **Load average during the run** (one process of the run itself adds up to about T): "
        + "; ".join(args.loads),
        f"- **Peak**: “% peak” is against the issue's {PEAK_PER_CORE:.0f} GFLOP/s per core FP32 FMA "
        f"({2 * PEAK_PER_CORE:.0f} on two); “% AVX-512 peak” against the `fma-peak-512bit` row measured in the same "
        "run by `./jgrad bench peak` (register-only FMA chains on T JVM threads; `fma-peak-256bit` is the AVX2 "
        "ceiling, which is what the issue's figure matches).",
        "",
        "FLOPs are counted as in `org.jgrad.bench.Workloads`: 2·M·N·K per GEMM (`gemm-MxNxK` is out[M,N] = "
        "a[M,K]·b[K,N]), 2·N·O·H·W·C·9 per conv pass (fwdbwd: conv1 forward + weight gradient, conv2 also the "
        "input gradient), one op per element for elementwise ops, and the GEMM/conv passes of a training step "
        "(its elementwise work is not counted). **jgrad / PyTorch** is PyTorch's time divided by jgrad's: above 1, "
        "jgrad is faster, and it compares with PyTorch as this machine runs it (environment as is). The “(autodetect)” "
        "columns ran with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in that process alone, so OpenBLAS picked its "
        "own kernel for this CPU (PyTorch: GEMMs and training steps only; its convolutions run in oneDNN, which "
        "ignores these variables).",
        "",
    ]
    lines += table(names, threads_list, res)
    for t in threads_list:
        for model in ("convnet",):
            j, pt = res[t]["jgrad"].get(f"train-step-{model}"), res[t]["torch"].get(f"train-step-{model}")
            if j or pt:
                lines += ["", f"Convnet epoch estimate at {t} thread(s), 938 steps of 64 (compute only, no data "
                          f"loading): jgrad {fmt(j and j['median_ms'] * 938 / 1e3, '.1f')} s, PyTorch "
                          f"{fmt(pt and pt['median_ms'] * 938 / 1e3, '.1f')} s."]
    lines += ["", "## Targets of issue 3", ""] + targets(res, threads_list)
    if errors:
        lines += ["", "## Errors during the run", ""] + [f"- {e}" for e in errors]
    if args.note:
        lines += ["", "## Note", "", args.note]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2", help="thread counts, e.g. 1,2")
    ap.add_argument("--device", default="cpu", help="jgrad device: cpu, opencl or reference")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per workload (C2 needs about 3 s for a training step)")
    ap.add_argument("--peer-warmup", type=float, default=1.0,
                    help="seconds of warm-up per workload for PyTorch and numpy (no JIT to wait for)")
    ap.add_argument("--samples", type=int, default=15)
    ap.add_argument("--min-sample-ms", type=float, default=20.0)
    ap.add_argument("--quick", action="store_true", help="a few small workloads, to check the script itself")
    ap.add_argument("--skip", default="", help="peers to leave out, e.g. jgrad or numpy_auto")
    ap.add_argument("--note", default="", help="a paragraph added at the end of RESULTS.md")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    ap.add_argument("--worker", choices=["torch", "numpy"], help=argparse.SUPPRESS)
    ap.add_argument("--worker-threads", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--only", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        args.threads = args.worker_threads
        return worker(args)
    args.command_line = " ".join(["/usr/bin/python3", "bench/compare.py"] + sys.argv[1:])
    args.threads = [int(t) for t in args.threads.split(",")]
    args.jvm = "JVM unknown (no jgrad output)"
    args.load_before = sh("cat /proc/loadavg | cut -d' ' -f1-3")
    args.loads = []
    skip = set(args.skip.split(",")) if args.skip else set()
    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    res, meta, errors = {}, {}, []
    for t in args.threads:
        res[t] = {"jgrad": {}, "torch": {}, "torch_auto": {}, "numpy": {}, "numpy_auto": {}}
        if "jgrad" not in skip:
            print(f"[{t} thread(s)] jgrad ...", file=sys.stderr, flush=True)
            res[t]["jgrad"], errs = run_jgrad(t, args)
            args.loads.append(f"after jgrad T={t}: " + sh("cut -d' ' -f1-3 /proc/loadavg"))
            errors += [f"jgrad, {t} thread(s): {e}" for e in errs]
        auto = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
        for peer, unset, only in (("torch", (), ""), ("torch_auto", auto, "gemm,train"), ("numpy", (), ""),
                                  ("numpy_auto", auto, "")):
            if peer in skip:
                continue
            print(f"[{t} thread(s)] {peer} ...", file=sys.stderr, flush=True)
            res[t][peer], meta[(peer, t)] = run_peer(peer.split("_")[0], t, args, unset=unset, only=only)
            args.loads.append(f"after {peer} T={t}: " + sh("cut -d' ' -f1-3 /proc/loadavg"))
            if "error" in meta[(peer, t)]:
                errors.append(f"{peer}, {t} thread(s): {meta[(peer, t)]['error']}")
    write_results(args, res, meta, errors, started, args.out)
    print(open(args.out).read())


if __name__ == "__main__":
    sys.exit(main())
