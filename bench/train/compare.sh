#!/usr/bin/env bash
# Kiln vs PyTorch on the same job: MLP 784-512-512-10, GELU (tanh), Adam lr 1e-3, batch 128, softmax cross-entropy,
# Fashion-MNIST (Debian's dataset-fashion-mnist), ONE thread each. Prints both runs' training examples/s and test
# accuracy, then the ratio Kiln / PyTorch (median over REPEATS runs, with min-max).
#
#   bench/train/compare.sh                       # 3 epochs, auto backend, 1 repeat
#   REPEATS=3 KILN_BACKEND=simd bench/train/compare.sh
#   KILN_EXTRA="--time-budget 120s" bench/train/compare.sh    # bound a slow backend (reference)
#
# Environment: EPOCHS (3), REPEATS (1), KILN_BACKEND (auto), KILN_EXTRA (extra `kiln train` options),
# PYTHON (/usr/bin/python3: Debian's, with python3-torch; a `python3` on PATH may lack torch).
# PyTorch's BLAS: Debian's torch calls the system libblas.so.3; when OpenBLAS (libopenblas0-pthread) is installed
# its directory goes first on LD_LIBRARY_PATH so torch uses it (netlib's reference BLAS is ~10x slower), pinned to
# one thread. Kiln runs in a JVM started with -XX:ActiveProcessorCount=1 (the simd backend sizes its pool from it).
# Results (JSON) go to bench/results/tmp/train/. Both runs time the training loop only (no data loading, no eval).
set -euo pipefail
cd "$(dirname "$0")/../.."

EPOCHS=${EPOCHS:-3}
REPEATS=${REPEATS:-1}
KILN_BACKEND=${KILN_BACKEND:-auto}
KILN_EXTRA=${KILN_EXTRA:-}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=bench/results/tmp/train
mkdir -p "$OUT"

OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ -d "$OPENBLAS_DIR" ]; then
  export LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  BLAS="OpenBLAS ($OPENBLAS_DIR)"
else
  BLAS="system libblas.so.3 (install libopenblas0-pthread for a fair peer)"
fi
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

JVM_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:ActiveProcessorCount=1"
TRAIN_ARGS="train --data fashion-mnist --layers 512,512 --activation gelu_tanh --optimizer adam --lr 1e-3 \
--batch-size 128 --epochs $EPOCHS --threads 1 --no-progress --train-eval-rows 10000 $KILN_EXTRA"

if grep -q TrainCommand src/main/java/io/kiln/cli/KilnCli.java 2>/dev/null; then
  mvn -q compile
  # compile in the same invocation: it selects the JDK 25 toolchain that exec:exec then runs
  run_kiln() { mvn -q compile exec:exec -Dkiln.jvm.flags="$JVM_FLAGS" -Dkiln.args="--backend $KILN_BACKEND $TRAIN_ARGS --report $1"; }
else
  # a KilnCli without TrainCommand (an older tree): the test-scope TrainMain adds it (same options, same output)
  mvn -q test-compile
  mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
  JAVA=$(ls -d /usr/lib/jvm/temurin-25-jdk-amd64/bin/java 2>/dev/null || command -v java)
  CP="target/classes:target/test-classes:$(cat "$OUT/classpath.txt")"
  run_kiln() { "$JAVA" $JVM_FLAGS -cp "$CP" io.kiln.train.TrainMain --backend "$KILN_BACKEND" $TRAIN_ARGS --report "$1"; }
fi

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(grep -c ^processor /proc/cpuinfo) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pytorch BLAS: $BLAS"
for r in $(seq 1 "$REPEATS"); do
  echo "== run $r/$REPEATS: PyTorch"
  "$PYTHON" bench/train/pytorch_mlp.py --epochs "$EPOCHS" | tee "$OUT/pytorch-$r.log"
  tail -n 1 "$OUT/pytorch-$r.log" > "$OUT/pytorch-$r.json"
  echo "== run $r/$REPEATS: Kiln ($KILN_BACKEND)"
  run_kiln "$OUT/kiln-$r.json" 2>&1 | grep -v '^WARNING' | tee "$OUT/kiln-$r.log"
done

"$PYTHON" - "$OUT" "$REPEATS" <<'PY'
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
torch = [json.load(open(f"{out}/pytorch-{r}.json")) for r in range(1, n + 1)]
kiln = [json.load(open(f"{out}/kiln-{r}.json")) for r in range(1, n + 1)]
def summary(name, xs, fmt):
    return f"{name}: median {fmt(statistics.median(xs))} (min {fmt(min(xs))}, max {fmt(max(xs))}, {len(xs)} run(s))"
t_eps = [t["examples_per_second"] for t in torch]
k_eps = [k["efficiency"]["trainingExamplesPerSecond"] for k in kiln]
t_acc = [t["test_accuracy"] for t in torch]
k_acc = [k["evaluation"]["test"]["accuracy"] for k in kiln]
ratios = [k / t for k, t in zip(k_eps, t_eps)]
f0 = lambda v: f"{v:,.0f}"
f4 = lambda v: f"{v:.4f}"
print()
print("backend:", kiln[0]["backend"]["name"], "-", kiln[0]["backend"]["description"])
print("Kiln epochs run:", [k["training"]["epochs"] for k in kiln], "stopped by:", kiln[0]["training"]["stoppedBy"])
print(summary("PyTorch training examples/s", t_eps, f0))
print(summary("Kiln    training examples/s", k_eps, f0))
print(summary("ratio Kiln/PyTorch (paired per run)", ratios, lambda v: f"{v:.3f}x"))
print(summary("PyTorch test accuracy", t_acc, f4))
print(summary("Kiln    test accuracy", k_acc, f4))
print(f"accuracy difference (Kiln - PyTorch, medians): {100 * (statistics.median(k_acc) - statistics.median(t_acc)):+.2f} points")
PY
