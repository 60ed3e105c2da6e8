#!/usr/bin/env bash
# Times every candidate GPU GEMM kernel of the OpenCL backend (-Djgrad.opencl.gemm.gpu=NAME, Gemm.GPU_KERNELS) on
# the GPU, so that one short run picks the default: first GemmTest on the GPU with few cases (every kernel against
# the reference: a kernel that is fast but wrong there must not win), then `jgrad bench gemm` once per kernel,
# printing one line `variant=NAME ...` per (kernel, size). Needs .gpu/ from bench/gpu/bundle.sh built from this
# tree, like run.sh. Writes to $OUT (or ./gpu-out). Environment: VARIANTS (names, default all), SIZES
# (default 1024,2048,4096,8192), VARIANT_TIMEOUT seconds per kernel (default 13), CHECK=0 skips the test. At
# most 45 s + 10 × 13 s; about 2 minutes when nothing hangs. The default VARIANTS are Gemm.GPU_KERNELS' names.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${OUT:-$root/gpu-out}"
mkdir -p "$out"
exec > >(tee "$out/gemm-variants.log") 2>&1
date -u
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader 2>/dev/null || echo "nvidia-smi: none"

source bench/gpu/env.sh

variants="${VARIANTS:-vec classic vec-db-k8 vec-k32 vec-db-64x128 vec-db-wg32x8}"
sizes="${SIZES:-1024,2048,4096,8192}"
if [ "${CHECK:-1}" != 0 ]; then
  echo "== GemmTest on the GPU (every kernel in F32, classic, vec and vec-db in F64; 10 cases each)"
  CI=true timeout 45 "$java" "${jvm[@]}" -Djgrad.cases=10 -cp "$tcp" org.junit.platform.console.ConsoleLauncher execute \
    --select-class org.jgrad.backend.opencl.GemmTest --details=tree --disable-banner > "$out/gemm-test.log" 2>&1
  echo "GemmTest exit status $? (0: all passed)"
  grep -E '✘|\[ +[0-9]+ tests (successful|failed)' "$out/gemm-test.log" | head -30
fi
echo "== jgrad bench gemm per kernel"
for v in $variants; do
  start=$SECONDS
  timeout "${VARIANT_TIMEOUT:-13}" "$java" "${jvm[@]}" -Djgrad.opencl.gemm.gpu="$v" -cp "$cp" org.jgrad.cli.Main \
    bench gemm --device opencl --size "$sizes" --warmup 1 --samples 7 > "$out/gemm-$v.log" 2>&1
  rc=$?
  grep -E 'gflops=' "$out/gemm-$v.log" | sed "s/^/variant=$v /"
  [ "$rc" = 0 ] || { echo "variant=$v exit status $rc$( [ "$rc" = 124 ] && echo ' (timed out)') after $((SECONDS - start)) s:"; grep -v 'gflops=' "$out/gemm-$v.log" | tail -5 | sed 's/^/    /'; }
done
date -u
