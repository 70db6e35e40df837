# Sourced by scripts/clientele, scripts/submit.sh and scripts/bench.sh: the JVM flags a Spark 4.1 driver needs on
# Java 17, as Spark's launcher (org.apache.spark.launcher.JavaModuleOptions) adds them. spark-submit
# adds them itself to a driver it starts in client mode, and YARN and Kubernetes to theirs in cluster
# mode; a standalone worker does not add them to a driver it starts (cluster deploy mode), which then
# fails on its first date conversion, so submit.sh passes them along.
# shellcheck disable=SC2034
spark_java_opts=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
)
