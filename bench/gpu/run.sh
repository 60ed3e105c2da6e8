#!/usr/bin/env bash
# The GPU check of the OpenCL backend, as one prepared script for a borrowed GPU host (no Java, no ICD loader
# there): the backend's whole test suite on the GPU, then GEMM and the training steps on jgrad's OpenCL backend
# beside PyTorch CUDA fp32 matmul on the same GPU. Needs .gpu/ from bench/gpu/bundle.sh. Writes to $OUT (or ./gpu-out).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${OUT:-$root/gpu-out}"
mkdir -p "$out"
exec > >(tee "$out/gpu.log") 2>&1
date -u
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>/dev/null || echo "nvidia-smi: none"

source bench/gpu/env.sh

echo "== devices"; jgrad devices
echo "== backend-opencl tests on the GPU"
CI=true timeout "${TEST_TIMEOUT:-300}" "$java" "${jvm[@]}" -cp "$tcp" org.junit.platform.console.ConsoleLauncher execute \
  --scan-class-path .gpu/test/jgrad-backend-opencl-tests.jar --details=tree --disable-banner \
  --reports-dir="$out/junit" > "$out/tests.log" 2>&1
echo "tests exit status $?"; grep -E '\[ +[0-9]+ tests|✘' "$out/tests.log" | head -40
echo "== jgrad opencl GEMM"
sizes="${SIZES:-256 512 1024 2048 4096 8192}"
for n in $sizes; do jgrad bench gemm --device opencl --size "$n"; done
echo "== jgrad opencl training steps"
for m in mlp convnet; do
  jgrad bench train-step --device opencl --model "$m" --warmup 2 --samples 7
done
echo "== PyTorch CUDA matmul on the same GPU"
SIZES="$sizes" python3 - <<'PY'
import os, sys, time
import torch
if not torch.cuda.is_available():
    sys.exit(f"torch {torch.__version__}: no CUDA device")
print("torch", torch.__version__, torch.cuda.get_device_name(0))
for tf32 in (False, True):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    for n in map(int, os.environ["SIZES"].split()):
        a = torch.randn(n, n, device="cuda"); b = torch.randn(n, n, device="cuda")
        for _ in range(3): a @ b
        torch.cuda.synchronize()
        reps = max(3, min(200, int(2e11 / (2 * n**3))))
        times = []
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(reps): a @ b
            torch.cuda.synchronize()
            times.append((time.perf_counter() - t) / reps)
        med = sorted(times)[2]
        print(f"torch {'tf32' if tf32 else 'fp32'} matmul n={n}: {med*1e3:.4f} ms  {2*n**3/med/1e9:.1f} GFLOP/s")
PY
date -u
