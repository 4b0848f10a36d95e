package dev.sparkmnist.exchange;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a peer must know to join one exchange: a random token made for the run (it travels to the tasks inside the
 * task closure) and, when {@code spark.authenticate} is on, Spark's application secret, which the closure never
 * carries. Peers prove knowledge of both with an HMAC-SHA256 over fresh nonces ({@link Handshake}); nothing secret
 * ever crosses the socket.
 */
public final class Credentials implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] token;
    /** Spark's secret is looked up where the credentials are used, never serialised with them. */
    private transient byte[] secret;

    private Credentials(byte[] token, byte[] secret) {
        this.token = token;
        this.secret = secret;
    }

    /** Fresh credentials for one run: a new random token, plus {@code sparkSecret} (null when authentication is off). */
    public static Credentials fresh(String sparkSecret) {
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        return new Credentials(token, bytes(sparkSecret));
    }

    /** The same token with the secret of the JVM where the credentials are used (null: authentication off). */
    public Credentials withSecret(String sparkSecret) {
        return new Credentials(token, bytes(sparkSecret));
    }

    /** HMAC-SHA256 of {@code parts} under the token and the secret. */
    byte[] mac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            byte[] key = secret == null ? token : concat(token, secret);
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Constant-time comparison of two MACs. */
    static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    static byte[] nonce() {
        byte[] n = new byte[32];
        RANDOM.nextBytes(n);
        return n;
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
