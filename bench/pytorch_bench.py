#!/usr/bin/python3
"""PyTorch side of `recur bench --compare pytorch`.

Times the same workloads as Recur's own benchmark with Debian's PyTorch (float32,
CPU) and prints one JSON object as the LAST line of stdout:

    {"framework": "pytorch", "torch": "1.13.1", "blas": "...", "threads": 1, "cpu": "...",
     "peak_gflops": null, "workloads": [{"name": "tiny-lstm-train", "cell": "lstm", "mode": "train",
     "median_ms": 0.31, "min_ms": 0.29, "max_ms": 0.40, "reps": 200, "gflops": 1.2}, ...]}

Without --json a human-readable table (and the BLAS check) comes before that line.

    /usr/bin/python3 bench/pytorch_bench.py                    # all workloads, 1 thread
    /usr/bin/python3 bench/pytorch_bench.py --threads 2
    /usr/bin/python3 bench/pytorch_bench.py --quick --json --only tiny,sgemm-1024

Workloads (input, hidden, layers, seq, batch):
  tiny-{lstm,gru,rnn}-{train,infer}    1,  16, 1,  50,  1
  small-{lstm,gru,rnn}-{train,infer}   32, 128, 1,  64, 32
  medium-{lstm,gru,rnn}-{train,infer}  256, 512, 2, 100, 64
  stream-lstm-infer   LSTM(32, 256), batch 1, one call = one time step, state carried, no grad
  charlm-train        Embedding(V, E) + LSTM(E, H, L, batch_first) + Linear(H, V), cross-entropy over a
                      [batch, seq] token window, forward + backward (no optimizer); tokens = batch * seq
  charlm-sample       one greedy token at batch 1: embedding, LSTM step (state carried), head, argmax
                      (--charlm V,E,H,L,seq,batch; `recur bench` passes its sizes, default 65,64,256,2,128,32, the char-LM's own defaults)
  sgemm-1024          torch.mm of two 1024x1024 matrices
  sine-demo           the seed tutorial's sine-prediction training, 6000 iterations, no plotting
train = zero the grads, forward, backward of out.sum() (no optimizer; the input needs no grad);
infer = forward under torch.no_grad(). h0 is not passed (zeros).

Each workload is warmed up (one call, or 0.2 s of calls), then repeated until about 1.5 s have
passed and at least 5 calls were made (--quick: 0.3 s, 3 calls); median/min/max are per call, in
ms. sine-demo times the whole 6000-iteration loop: 1 run with --quick, else up to 3 runs while the
runs so far took under a minute.
GFLOP/s counts matrix products only: per time step, layer and direction
2*batch*(in + hidden)*G*hidden with G = 4 (LSTM), 3 (GRU), 1 (RNN); train = 3x forward;
sgemm = 2*1024^3; sine-demo counts its RNN the same way (not the 16->1 Linear).

--threads N sets torch.set_num_threads(N) and, before torch loads, OPENBLAS_NUM_THREADS=N and
OMP_NUM_THREADS=N (OpenBLAS keeps its own thread pool) and OMP_WAIT_POLICY=PASSIVE unless already set.

Run it with /usr/bin/python3 (Debian's torch; see tools/install-pytorch.sh).
"""

import argparse
import ctypes
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

SIZES = {  # input, hidden, layers, seq, batch
    "tiny": (1, 16, 1, 50, 1),
    "small": (32, 128, 1, 64, 32),
    "medium": (256, 512, 2, 100, 64),
}
GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def workload_names():
    names = ["%s-%s-%s" % (size, cell, mode) for size in SIZES for cell in GATES for mode in ("train", "infer")]
    return names + ["stream-lstm-infer", "charlm-train", "charlm-sample", "sgemm-1024", "sine-demo"]


def parse_args():
    ap = argparse.ArgumentParser(description="PyTorch RNN benchmark (the JSON result is the last stdout line)")
    ap.add_argument("--threads", type=int, default=1, help="torch and OpenBLAS threads (default 1)")
    ap.add_argument("--only", help="workload names: a comma list, each an exact name or a substring")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (and one sine-demo run)")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    ap.add_argument("--charlm", default="65,64,256,2,128,32",
                    help="char-LM sizes vocab,embed,hidden,layers,seq,batch (recur bench passes its own)")
    args = ap.parse_args()
    if args.threads < 1:
        ap.error("--threads must be at least 1")
    return args


ARGS = parse_args()
# OpenBLAS runs its own thread pool sized to the machine; torch.set_num_threads
# does not reach it, so it must be told through the environment before torch
# loads it (otherwise "--threads 1" still multiplies matrices on every core).
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
# With more than one thread, torch's OpenMP workers spin after each parallel op
# while OpenBLAS's own threads spin too; on a 2-core machine shared with other
# work that made small-lstm-train 20-60x slower (2-3 s instead of 40-50 ms).
# Idle OpenMP workers that sleep at once avoid it. A caller's setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(ARGS.threads)


# --------------------------------------------------------------------------
# Environment: torch version, BLAS, CPU
# --------------------------------------------------------------------------

def torch_version():
    """Debian's build reports torch.__version__ as 1.13.0a0; the package is 1.13.1."""
    try:
        ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return ver.split("+")[0].split("-")[0] or torch.__version__
    except (OSError, subprocess.CalledProcessError):
        return torch.__version__


def mapped_blas_libraries():
    """The BLAS/LAPACK shared objects this process has loaded (after a matmul)."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    with open("/proc/self/maps") as f:
        return sorted({line.split()[-1] for line in f if "blas" in line.lower() or "lapack" in line.lower()})


def openblas_info(libs):
    """(OpenBLAS's own config string, its thread count) if OpenBLAS is loaded, else None."""
    for lib in libs:
        if os.path.basename(lib).startswith("libopenblas"):
            try:
                handle = ctypes.CDLL(lib)  # the copy already loaded, not a second one
                handle.openblas_get_config.restype = ctypes.c_char_p
                return handle.openblas_get_config().decode(), handle.openblas_get_num_threads()
            except (OSError, AttributeError):
                return None
    return None


def blas_description(libs):
    match = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    build = "torch BLAS_INFO=%s" % match.group(1) if match else "torch BLAS_INFO unknown"
    info = openblas_info(libs)
    if info:
        return "%s, %d thread(s) (%s)" % (info[0], info[1], build)
    blas = [lib for lib in libs if "libblas" in lib]
    return "%s (%s)" % (blas[0] if blas else "no BLAS mapped", build)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

TARGET_S = 0.3 if ARGS.quick else 1.5
MIN_REPS = 3 if ARGS.quick else 5
WARMUP_S = 0.2  # at least one call; fast workloads warm up for this long
MAX_REPS = 100000


def time_calls(call):
    """Warm up, then call repeatedly until TARGET_S has passed and MIN_REPS were made."""
    start = time.perf_counter()
    call()
    while time.perf_counter() - start < WARMUP_S:
        call()
    times = []
    start = time.perf_counter()
    while len(times) < MAX_REPS:
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
        if len(times) >= MIN_REPS and time.perf_counter() - start >= TARGET_S:
            break
    return times


def rnn_flops(cell, input_size, hidden, layers, seq, batch, directions=1):
    """Forward matrix-product FLOPs of a stacked RNN over a sequence."""
    g = GATES[cell]
    total = 0
    for layer in range(layers):
        layer_in = input_size if layer == 0 else hidden * directions
        total += 2 * batch * (layer_in + hidden) * g * hidden * seq * directions
    return total


def make_rnn(cell, input_size, hidden, layers, batch_first=False):
    cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
    return cls(input_size, hidden, num_layers=layers, batch_first=batch_first)


# --------------------------------------------------------------------------
# Workloads: each returns (per-call times in seconds, forward+backward FLOPs per call, note)
# --------------------------------------------------------------------------

def bench_rnn(size, cell, mode):
    input_size, hidden, layers, seq, batch = SIZES[size]
    torch.manual_seed(0)
    model = make_rnn(cell, input_size, hidden, layers)
    x = torch.randn(seq, batch, input_size)
    flops = rnn_flops(cell, input_size, hidden, layers, seq, batch)
    if mode == "train":
        def call():
            model.zero_grad()
            out, _ = model(x)
            out.sum().backward()
        return time_calls(call), 3 * flops, ""

    def call():
        with torch.no_grad():
            model(x)
    return time_calls(call), flops, ""


def bench_stream():
    input_size, hidden = 32, 256
    torch.manual_seed(0)
    model = nn.LSTM(input_size, hidden)
    steps = torch.randn(256, 1, 1, input_size)  # cycled through; one [1, 1, 32] step per call
    state = [(torch.zeros(1, 1, hidden), torch.zeros(1, 1, hidden)), 0]

    def call():
        with torch.no_grad():
            _, hx = model(steps[state[1] % len(steps)], state[0])
        state[0] = hx
        state[1] += 1
    return time_calls(call), rnn_flops("lstm", input_size, hidden, 1, 1, 1), ""


def charlm_sizes():
    sizes = [int(v) for v in ARGS.charlm.split(",")]
    if len(sizes) != 6:
        sys.exit("--charlm takes vocab,embed,hidden,layers,seq,batch")
    return sizes


class CharLm(nn.Module):
    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.emb = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        out, _ = self.lstm(self.emb(tokens))
        return self.head(out)


def charlm_flops(vocab, embed, hidden, layers, seq, batch):
    return rnn_flops("lstm", embed, hidden, layers, seq, batch) + 2 * seq * batch * hidden * vocab


def bench_charlm_train():
    vocab, embed, hidden, layers, seq, batch = charlm_sizes()
    torch.manual_seed(0)
    model = CharLm(vocab, embed, hidden, layers)
    x = torch.randint(vocab, (batch, seq))
    y = torch.randint(vocab, (batch, seq))

    def call():
        model.zero_grad()
        logits = model(x)
        nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1)).backward()
    times = time_calls(call)
    return times, 3 * charlm_flops(vocab, embed, hidden, layers, seq, batch), \
        "%.0f tokens/s" % (seq * batch / statistics.median(times))


def bench_charlm_sample():
    vocab, embed, hidden, layers, seq, batch = charlm_sizes()
    torch.manual_seed(0)
    model = CharLm(vocab, embed, hidden, layers)
    state = [(torch.zeros(layers, 1, hidden), torch.zeros(layers, 1, hidden)), 0]

    def call():
        with torch.no_grad():
            out, hx = model.lstm(model.emb(torch.tensor([[state[1]]])), state[0])
            state[1] = int(model.head(out).argmax())
        state[0] = hx
    times = time_calls(call)
    return times, charlm_flops(vocab, embed, hidden, layers, 1, 1), "%.0f tokens/s" % (1 / statistics.median(times))


def bench_sgemm():
    torch.manual_seed(0)
    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    return time_calls(lambda: torch.mm(a, b)), 2 * 1024 ** 3, ""


class SineNet(nn.Module):
    """The seed tutorial's model: RNN(1, 16, batch_first) followed by Linear(16, 1)."""

    def __init__(self, hidden_size=16):
        super().__init__()
        self.hidden_size = hidden_size
        self.rnn = nn.RNN(input_size=1, hidden_size=hidden_size, num_layers=1, batch_first=True)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, x, hidden_prev):
        out, hidden_prev = self.rnn(x, hidden_prev)
        out = out.view(-1, self.hidden_size)  # [1, seq, h] -> [seq, h]
        out = self.linear(out)                # [seq, h] -> [seq, 1]
        return out.unsqueeze(dim=0), hidden_prev


def sine_demo(seed=0):
    """The seed tutorial's training loop (MSE, Adam lr 0.01, 6000 iterations) without the
    progress prints and the plot. Returns the last loss."""
    num_time_steps = 51
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)  # the tutorial draws `start` with numpy
    model = SineNet()
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), 0.01)
    hidden_prev = torch.zeros(1, 1, model.hidden_size)
    loss = None
    for _ in range(6000):
        start = rng.randint(3, size=1)[0]
        time_steps = np.linspace(start, start + 10, num_time_steps)
        data = np.sin(time_steps).reshape(num_time_steps, 1)
        x = torch.tensor(data[:-1]).float().view(1, num_time_steps - 1, 1)
        y = torch.tensor(data[1:]).float().view(1, num_time_steps - 1, 1)
        output, hidden_prev = model(x, hidden_prev)
        hidden_prev = hidden_prev.detach()
        loss = criterion(output, y)
        model.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def bench_sine():
    """One run with --quick; otherwise up to 3, as long as the runs so far took under a minute."""
    reps = 1 if ARGS.quick else 3
    times, losses = [], []
    while len(times) < reps and sum(times) < 60:
        t0 = time.perf_counter()
        losses.append(sine_demo())
        times.append(time.perf_counter() - t0)
    flops = 6000 * 3 * rnn_flops("rnn", 1, 16, 1, 50, 1)
    return times, flops, "final loss %.3g" % losses[-1]


def run_workload(name):
    if name == "stream-lstm-infer":
        return ("lstm", "infer") + bench_stream()
    if name == "charlm-train":
        return ("lstm", "train") + bench_charlm_train()
    if name == "charlm-sample":
        return ("lstm", "infer") + bench_charlm_sample()
    if name == "sgemm-1024":
        return ("-", "gemm") + bench_sgemm()
    if name == "sine-demo":
        return ("rnn", "train") + bench_sine()
    size, cell, mode = name.split("-")
    return (cell, mode) + bench_rnn(size, cell, mode)


def selected(names, only):
    if not only:
        return names
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    chosen = [n for n in names if any(w == n or w in n for w in wanted)]
    if not chosen:
        sys.exit("--only %r matches no workload; known: %s" % (only, ", ".join(names)))
    return chosen


def main():
    names = selected(workload_names(), ARGS.only)
    libs = mapped_blas_libraries()
    result = {"framework": "pytorch", "torch": torch_version(), "blas": blas_description(libs),
              "threads": ARGS.threads, "cpu": cpu_name(), "peak_gflops": None, "workloads": []}
    if not ARGS.json:
        print("PyTorch %s (torch.__version__ %s), %d thread(s), CPU: %s"
              % (result["torch"], torch.__version__, ARGS.threads, result["cpu"]))
        print("BLAS: " + result["blas"] + "; OMP_WAIT_POLICY=" + os.environ["OMP_WAIT_POLICY"])
        print("BLAS libraries mapped: " + (", ".join(libs) or "none"))
        if not any("openblas" in lib for lib in libs):
            print("WARNING: not OpenBLAS; run tools/install-pytorch.sh")
        print("%-20s %-5s %-6s %10s %10s %10s %7s %9s  %s"
              % ("workload", "cell", "mode", "median_ms", "min_ms", "max_ms", "reps", "GFLOP/s", ""))
        sys.stdout.flush()
    for name in names:
        cell, mode, times, flops, note = run_workload(name)
        median = statistics.median(times)
        entry = {"name": name, "cell": cell, "mode": mode,
                 "median_ms": round(median * 1e3, 4), "min_ms": round(min(times) * 1e3, 4),
                 "max_ms": round(max(times) * 1e3, 4), "reps": len(times),
                 "gflops": round(flops / median / 1e9, 3)}
        result["workloads"].append(entry)
        if not ARGS.json:
            print("%-20s %-5s %-6s %10.4g %10.4g %10.4g %7d %9.3g  %s"
                  % (name, cell, mode, entry["median_ms"], entry["min_ms"], entry["max_ms"], entry["reps"],
                     entry["gflops"], note))
            sys.stdout.flush()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
