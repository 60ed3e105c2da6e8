#!/usr/bin/env bash
# Packs .gpu/ at the repository root: everything bench/gpu/run.sh needs on a GPU host that has no Java and no
# OpenCL ICD loader — a jlink runtime, the launcher's and the OpenCL tests' jars, JUnit's console launcher and
# Debian's ocl-icd loader. Run it here, then hand .gpu/ and the working tree to the GPU host (see run.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

./mvnw -B -q -DskipTests -pl cli,backend-opencl -am package
rm -rf .gpu && mkdir -p .gpu/lib .gpu/test
cp cli/target/jgrad-cli.jar cli/target/lib/*.jar .gpu/lib/
cp tests/target/jgrad-tests-*.jar .gpu/test/
jar --create --file .gpu/test/jgrad-backend-opencl-tests.jar -C backend-opencl/target/test-classes .
junit="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml)"
./mvnw -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:${junit/5./1.}" \
  -DoutputDirectory=.gpu/test
# The modules the launcher, LWJGL and the JUnit console use; compressed, the runtime is ~25 MB of the 64 MB a
# device call may carry.
jlink --add-modules java.base,java.logging,java.xml,java.management,jdk.unsupported,jdk.incubator.vector,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress zip-9 --output .gpu/jrt 2>/dev/null
tar -C .gpu -cJf .gpu/jrt.tar.xz jrt && rm -rf .gpu/jrt
# Under the name LWJGL opens, found through LD_LIBRARY_PATH by the tests' forked JVMs too.
mkdir -p .gpu/ocl && cp -L /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 .gpu/ocl/libOpenCL.so
du -sh .gpu
