#!/usr/bin/env bash
# Builds a self-contained bundle that runs Kiln's OpenCL conformance subset and GEMM benchmark on a GPU machine with
# no JDK and no package registry (see bench/README.md, "OpenCL on an NVIDIA GPU"). Run it HERE, from the repository,
# on a Debian machine with Maven and JDK 25 (/usr/lib/jvm/temurin-25-jdk-amd64):
#
#     bench/gpu/package.sh            # -> target/kiln-gpu-bundle/ and target/kiln-gpu-bundle.tar.gz
#
# The bundle carries: a jlink runtime with jdk.incubator.vector, the Kiln jar with its kernels, the test and
# benchmark classes, every dependency jar (JOCL brings its native glue inside its jar), the JUnit console launcher,
# Debian's OpenCL ICD loader libOpenCL.so.1 (used only when the GPU machine has none), run.sh and gemm_torch.py.
set -euo pipefail

cd "$(dirname "$0")/../.."
repo=$(pwd)
jdk=${KILN_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
out="$repo/target/kiln-gpu-bundle"
junit_console=org.junit.platform:junit-platform-console-standalone:1.11.4

step() { printf '==> [package] %s\n' "$*"; }
fail() { printf '==> [package] FAILED: %s\n' "$*" >&2; exit 1; }

[[ -x "$jdk/bin/jlink" ]] || fail "no jlink in $jdk (set KILN_JDK to a JDK 25)"
command -v mvn >/dev/null || fail "mvn not found"

step "1/6 build the jar and the test/benchmark classes (tests skipped: they run on the target)"
mvn -B -q -ntp -DskipTests package
mvn -B -q -ntp test-compile
jar=$(ls "$repo"/target/kiln-*.jar | grep -v -- '-tests\|-sources' | head -n 1)
[[ -f "$jar" ]] || fail "no jar in target/"

rm -rf "$out"
mkdir -p "$out/lib" "$out/native" "$out/results"

step "2/6 dependency jars (runtime and test scope; not the OpenBLAS peer, not the JUnit modules the console jar holds)"
mvn -B -q -ntp dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$out/lib" \
    -DexcludeGroupIds=org.bytedeco,org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
mvn -B -q -ntp dependency:copy -Dartifact="$junit_console" -DoutputDirectory="$out/lib"
cp "$jar" "$out/lib/kiln.jar"
(cd "$repo/target/test-classes" && "$jdk/bin/jar" --create --file "$out/lib/kiln-tests.jar" .)

step "3/6 jlink runtime"
# Modules: what jdeps finds in the jars, plus jdk.incubator.vector (the simd backend), java.management and
# jdk.management (JMH), jdk.unsupported (JMH and Jackson), jdk.zipfs (JUnit scanning packages inside jars).
cp_jars=$(ls "$out"/lib/*.jar | tr '\n' ':')
found=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps --class-path "$cp_jars" \
    "$out/lib/kiln.jar" "$out/lib/kiln-tests.jar" 2>/dev/null || true)
modules="java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector,java.xml,jdk.zipfs"
[[ -n "$found" ]] && modules="$modules,$found"
echo "    modules: $modules"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
    --output "$out/rt" 2>&1 | grep -v 'incubator modules' || true
"$out/rt/bin/java" --version | head -n 1 | sed 's/^/    /'

step "4/6 OpenCL ICD loader (used on the target only if it has none)"
icd=$(readlink -f /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 2>/dev/null || true)
if [[ -f "$icd" ]]; then
    cp "$icd" "$out/native/libOpenCL.so.1"
    echo "    $(basename "$icd") from $(dpkg -S "$icd" 2>/dev/null | cut -d: -f1 || echo '?')"
else
    echo "    WARNING: no /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 here (apt-get install ocl-icd-libopencl1);" \
         "the bundle will rely on the target's ICD loader"
fi

step "5/6 scripts"
cp "$repo/bench/gpu/run.sh" "$repo/bench/gpu/gemm_torch.py" "$out/"
chmod +x "$out/run.sh"
git -C "$repo" log -1 --format='%H %s' > "$out/VERSION" 2>/dev/null || echo unknown > "$out/VERSION"

step "6/6 archive"
tar -C "$repo/target" -czf "$repo/target/kiln-gpu-bundle.tar.gz" kiln-gpu-bundle
du -sh "$out" "$repo/target/kiln-gpu-bundle.tar.gz" | sed 's/^/    /'
echo "    copy target/kiln-gpu-bundle.tar.gz to the GPU machine, then: tar xzf kiln-gpu-bundle.tar.gz &&" \
     "kiln-gpu-bundle/run.sh"
