#!/usr/bin/env bash
# Runs on the GPU machine, from the unpacked bundle made by bench/gpu/package.sh. Needs nothing installed but the
# GPU driver (for NVIDIA: its OpenCL ICD, libnvidia-opencl.so.1). Finishes in under 8 minutes and ends with a
# "FOUND" summary. Stages:
#   1. the OpenCL device: which platforms and devices exist, which one Kiln picks (a GPU if any)
#   2. the OpenCL conformance subset: Kiln's OpenCL tests and the shared conformance suites on every backend
#   3. GEMM in JMH, n = 1024, 2048, 4096: Kiln's OpenCL default tiles and the tiles GemmTuner picks on this GPU
#   4. the peer: cuBLAS through PyTorch's torch.mm (FP32, TF32 off), if python3 with CUDA torch is present
#
# Environment knobs: KILN_BENCH_SIZES (default 1024,2048,4096), KILN_BENCH_VARIANTS (default opencl,opencl-tuned),
# KILN_OPENCL_DEVICE (index or name substring, default: the first GPU), KILN_SKIP_TESTS=1, KILN_SKIP_TORCH=1.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
java="$here/rt/bin/java"
cp="$here/lib/*"
sizes=${KILN_BENCH_SIZES:-1024,2048,4096}
variants=${KILN_BENCH_VARIANTS:-opencl,opencl-tuned}
results="$here/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
summary="$results/FOUND.txt"
start=$SECONDS
jvm_flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dkiln.quiet=true)
[[ -n "${KILN_OPENCL_DEVICE:-}" ]] && jvm_flags+=("-Dkiln.opencl.device=$KILN_OPENCL_DEVICE")

step() { printf '\n==> [kiln-gpu %3ds] %s\n' $((SECONDS - start)) "$*"; }
found() { echo "FOUND: $*" | tee -a "$summary"; }

# PoCL (if the machine has it) needs a writable kernel cache; harmless otherwise.
export POCL_CACHE_DIR="${POCL_CACHE_DIR:-$here/results/pocl-cache}"
mkdir -p "$POCL_CACHE_DIR"

step "0/4 machine"
found "bundle $(cat "$here/VERSION" 2>/dev/null || echo unknown), host $(hostname), $(uname -srm)"
if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader 2>&1 \
        | while read -r line; do found "nvidia-smi: $line"; done
else
    found "nvidia-smi: not found"
fi
"$java" --version | head -n 1 | sed 's/^/    java: /'

# ICD loader: the system's if it has one, else the bundle's (Debian's ocl-icd).
if ldconfig -p 2>/dev/null | grep -q 'libOpenCL\.so\.1'; then
    found "OpenCL ICD loader: system ($(ldconfig -p | grep -m1 'libOpenCL\.so\.1' | sed 's/.*=> //'))"
elif [[ -f "$here/native/libOpenCL.so.1" ]]; then
    export LD_LIBRARY_PATH="$here/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    found "OpenCL ICD loader: bundled ($here/native/libOpenCL.so.1)"
else
    found "OpenCL ICD loader: none on the system and none bundled"
fi
# Vendor registry: /etc/OpenCL/vendors, or a bundle-local one naming NVIDIA's driver library when only that exists
# (containers often mount the driver without the .icd file).
if [[ -z "${OCL_ICD_VENDORS:-}" ]] && ! ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1; then
    if ldconfig -p 2>/dev/null | grep -q 'libnvidia-opencl\.so\.1'; then
        mkdir -p "$here/results/vendors"
        echo libnvidia-opencl.so.1 > "$here/results/vendors/nvidia.icd"
        export OCL_ICD_VENDORS="$here/results/vendors"
        found "OpenCL vendors: no /etc/OpenCL/vendors; using a bundle-local nvidia.icd (libnvidia-opencl.so.1)"
    else
        found "OpenCL vendors: no /etc/OpenCL/vendors/*.icd and no libnvidia-opencl.so.1 in the linker cache"
    fi
fi

step "1/4 OpenCL devices"
timeout 60s "$java" "${jvm_flags[@]}" -cp "$cp" io.kiln.bench.opencl.OpenClInfo 2>&1 | tee "$results/devices.txt"
info_rc=${PIPESTATUS[0]}
grep -E '^(DEVICE|CHOSEN|UNAVAILABLE):' "$results/devices.txt" | while read -r line; do found "$line"; done
if [[ $info_rc -ne 0 ]]; then
    found "no usable OpenCL device (exit $info_rc): stopping; see $results/devices.txt"
    exit 1
fi
if ! grep -q '^CHOSEN: GPU' "$results/devices.txt"; then
    found "WARNING: the chosen OpenCL device is not a GPU; the figures below are not GPU figures"
fi

if [[ "${KILN_SKIP_TESTS:-0}" != 1 ]]; then
    step "2/4 OpenCL conformance subset (JUnit, limit 200 s)"
    timeout --kill-after=10s 200s "$java" "${jvm_flags[@]}" -Xss4m -jar "$here"/lib/junit-platform-console-standalone-*.jar \
        execute --class-path "$(ls "$here"/lib/*.jar | grep -v console-standalone | tr '\n' ':')" \
        --select-package io.kiln.backend.opencl \
        --select-class io.kiln.conformance.ConformanceTest --select-class io.kiln.conformance.GoldenVectorTest \
        --select-class io.kiln.conformance.GradientCheckTest --select-class io.kiln.conformance.BadInputTest \
        --details summary --disable-banner --reports-dir "$results/junit" > "$results/tests.txt" 2>&1
    test_rc=$?
    tail -n 30 "$results/tests.txt"
    counts=$(grep -E '^\[ *[0-9]+ tests (successful|failed|skipped|aborted)' "$results/tests.txt" | tr -s ' ' \
        | sed 's/^\[ *//; s/ *\]$//' | paste -sd ',' -)
    if [[ $test_rc -eq 124 || $test_rc -eq 137 ]]; then
        found "conformance subset: TIMED OUT after 200 s ($counts)"
    elif [[ $test_rc -ne 0 ]]; then
        found "conformance subset: FAILED (exit $test_rc: $counts); failures in $results/tests.txt"
        grep -E 'MethodSource|=>' "$results/tests.txt" | head -n 20 | sed 's/^/    /' | tee -a "$summary"
    else
        found "conformance subset: passed ($counts)"
    fi
fi

step "3/4 GEMM, JMH (sizes $sizes, variants $variants, limit 220 s)"
timeout --kill-after=10s 220s "$java" "${jvm_flags[@]}" -cp "$cp" org.openjdk.jmh.Main OpenClGemmBench \
    -p n="$sizes" -p backend="$variants" -f 1 -wi 2 -w 1 -i 5 -r 1 -jvmArgsAppend "-Dkiln.bench.tuneSeconds=30" \
    -rf json -rff "$results/gemm.json" \
    > "$results/jmh.txt" 2>&1
jmh_rc=$?
grep -oE '# (OpenCL|Tuned) .*' "$results/jmh.txt" | sort -u | sed 's/^/    /'
if [[ -s "$results/gemm.json" ]]; then
    "$java" -cp "$cp" io.kiln.bench.opencl.JmhSummary "$results/gemm.json" | while read -r line; do
        found "$line"
    done
fi
if [[ $jmh_rc -ne 0 ]]; then
    if grep -q 'Unable to acquire the JMH lock' "$results/jmh.txt"; then
        found "JMH did not run: another JMH on this machine holds /tmp/jmh.lock; rerun when it is done"
    elif [[ $jmh_rc -eq 124 || $jmh_rc -eq 137 ]]; then
        found "JMH timed out after 220 s (figures above are the configurations that finished); log: $results/jmh.txt"
    else
        found "JMH exited $jmh_rc; log: $results/jmh.txt"
    fi
fi

if [[ "${KILN_SKIP_TORCH:-0}" != 1 ]]; then
    step "4/4 cuBLAS peer via torch.mm (limit 90 s)"
    if command -v python3 >/dev/null && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' \
        2>/dev/null; then
        timeout 90s python3 "$here/gemm_torch.py" "$sizes" 2>&1 | tee "$results/torch.txt"
        grep '^TORCH:' "$results/torch.txt" | while read -r line; do found "$line"; done
    else
        found "cuBLAS peer: skipped (no python3 with a CUDA-enabled torch here)"
    fi
fi

step "done in $((SECONDS - start)) s; results in $results"
echo
cat "$summary"
