package dev.sparkmnist.collective;

import org.apache.spark.SecurityManager;
import org.apache.spark.SparkEnv;

/**
 * Spark's application secret in this JVM when {@code spark.authenticate} is on (null otherwise): the exchange
 * admits only peers that can prove they know it. On executors Spark hands the secret over in the environment; its
 * {@link SecurityManager} finds it there as on the driver.
 */
final class ExchangeSecurity {
    private ExchangeSecurity() {
    }

    static String secret() {
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            return null;
        }
        SecurityManager sm = env.securityManager();
        return sm.isAuthenticationEnabled() ? sm.getSecretKey() : null;
    }
}
