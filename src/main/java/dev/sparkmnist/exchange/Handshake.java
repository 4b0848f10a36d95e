package dev.sparkmnist.exchange;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Mutual challenge-response at the start of every connection: the accepting side sends a magic word and a nonce,
 * the connecting side answers with its own nonce, who it is and an HMAC over both nonces; the acceptor checks it and
 * proves itself the same way. A peer with another token or secret, or one that sends anything else (a port scanner,
 * garbage bytes), fails the check and its connection is closed before any data is exchanged.
 */
final class Handshake {
    private static final int MAGIC = 0x534d4e58; // "SMNX"
    private static final byte[] CLIENT = "client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER = "server".getBytes(StandardCharsets.US_ASCII);

    private Handshake() {
    }

    /** The connecting side: proves itself as {@code id} and checks the acceptor. */
    static void connect(DataInputStream in, DataOutputStream out, Credentials credentials, int id)
            throws IOException {
        if (in.readInt() != MAGIC) {
            throw new RefusedException("the other side is not a spark-mnist exchange");
        }
        byte[] serverNonce = readNonce(in);
        byte[] clientNonce = Credentials.nonce();
        out.writeInt(MAGIC);
        out.writeInt(id);
        out.write(clientNonce);
        out.write(credentials.mac(CLIENT, serverNonce, clientNonce, intBytes(id)));
        out.flush();
        byte[] proof = readNonce(in);
        if (!Credentials.same(proof, credentials.mac(SERVER, serverNonce, clientNonce, intBytes(id)))) {
            throw new RefusedException("the other side could not prove it belongs to this run");
        }
    }

    /** The accepting side: returns the proven id of the connecting peer, or throws {@link RefusedException}. */
    static int accept(DataInputStream in, DataOutputStream out, Credentials credentials) throws IOException {
        byte[] serverNonce = Credentials.nonce();
        out.writeInt(MAGIC);
        out.write(serverNonce);
        out.flush();
        if (in.readInt() != MAGIC) {
            throw new RefusedException("not a spark-mnist exchange peer (bad magic)");
        }
        int id = in.readInt();
        byte[] clientNonce = readNonce(in);
        byte[] proof = readNonce(in);
        if (!Credentials.same(proof, credentials.mac(CLIENT, serverNonce, clientNonce, intBytes(id)))) {
            throw new RefusedException("peer claiming to be " + id + " failed authentication");
        }
        out.write(credentials.mac(SERVER, serverNonce, clientNonce, intBytes(id)));
        out.flush();
        return id;
    }

    private static byte[] readNonce(DataInputStream in) throws IOException {
        byte[] b = new byte[32];
        in.readFully(b);
        return b;
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** A connection that failed the handshake. */
    static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }
}
