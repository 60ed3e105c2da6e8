# The environment of the GPU scripts (run.sh, gemm-variants.sh), sourced from the repository root with .gpu/ from
# bench/gpu/bundle.sh: the carried Java runtime unpacked, NVIDIA's OpenCL named in an ICD file for the carried
# ocl-icd loader, and `jgrad`, the launcher under a time limit.
tar -C /tmp -xJf .gpu/jrt.tar.xz
java=/tmp/jrt/bin/java
# NVIDIA's OpenCL driver, named in an ICD file the carried ocl-icd loader reads.
nv="$(ldconfig -p | awk '/libnvidia-opencl.so.1/ {print $NF; exit}')"
[ -n "$nv" ] || nv="$(find / -xdev -name 'libnvidia-opencl.so.1*' 2>/dev/null | head -1)"
mkdir -p /tmp/icd
if [ -n "$nv" ]; then echo "$nv" > /tmp/icd/nvidia.icd; export OCL_ICD_VENDORS=/tmp/icd; echo "ICD: $nv";
else echo "no libnvidia-opencl.so.1 on this host; using whatever ICDs /etc/OpenCL/vendors lists"; fi
export LD_LIBRARY_PATH="$root/.gpu/ocl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" # the carried ocl-icd loader
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
     -Dorg.lwjgl.system.SharedLibraryExtractPath=/tmp/lwjgl)
cp=".gpu/lib/*"
jgrad() { timeout 90 "$java" "${jvm[@]}" -cp "$cp" org.jgrad.cli.Main "$@"; } # no one measurement may eat the lease

# The OpenCL tests and JUnit's console launcher, on the class path itself (not --class-path), so the tests that
# fork a JVM hand it everything.
tcp=".gpu/test/jgrad-backend-opencl-tests.jar:$(echo .gpu/test/jgrad-tests-*.jar .gpu/test/junit-platform-console-standalone-*.jar .gpu/lib/*.jar | tr ' ' :)"
