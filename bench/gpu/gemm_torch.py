#!/usr/bin/env python3
"""cuBLAS SGEMM through torch.mm: the peer for Kiln's OpenCL GEMM on an NVIDIA GPU (bench/gpu/run.sh, stage 4).

Square C = A @ B in FP32 with TF32 disabled (so it is the same arithmetic Kiln's kernel does), operands resident
on the GPU. Each size: 5 warm-up products, then 21 timed with CUDA events (one event pair per product); prints
one line per size: "TORCH: n=<n> median <x> GFLOP/s (min, max)". Usage: gemm_torch.py 1024,2048,4096
"""
import statistics
import sys

import torch


def main() -> None:
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "1024,2048,4096").split(",")]
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda")
    print(f"# torch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(dev)}, TF32 off")
    for n in sizes:
        a = torch.rand(n, n, device=dev, dtype=torch.float32) * 2 - 1
        b = torch.rand(n, n, device=dev, dtype=torch.float32) * 2 - 1
        c = torch.empty(n, n, device=dev, dtype=torch.float32)
        for _ in range(5):
            torch.mm(a, b, out=c)
        torch.cuda.synchronize()
        times_ms = []
        for _ in range(21):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            torch.mm(a, b, out=c)
            end.record()
            end.synchronize()
            times_ms.append(start.elapsed_time(end))
        gflops = sorted(2.0 * n ** 3 / (t * 1e-3) / 1e9 for t in times_ms)
        print(f"TORCH: n={n} median {statistics.median(gflops):.1f} GFLOP/s "
              f"(min {gflops[0]:.1f}, max {gflops[-1]:.1f}, 21 products; {statistics.median(times_ms):.3f} ms)")


if __name__ == "__main__":
    main()
