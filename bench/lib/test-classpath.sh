# Sourced by the bench scripts: build_test_classpath compiles the server's tests in one reactor run (nothing
# installed into the local repository; offline if MAVEN_ARGS=-o) and sets CP to the server's test classpath.
build_test_classpath() {
  # Both modules write the file; the server module, built last, leaves its own.
  mvn -q -B -ntp ${MAVEN_ARGS:-} -pl cohort,server test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/server/target/bench.classpath" -Dmdep.includeScope=test
  CP="server/target/classes:server/target/test-classes:$(cat server/target/bench.classpath)"
}
