package dev.sparkmnist.exchange;

import java.io.Serializable;

/**
 * Where member {@code rank} of an exchange listens, and which JVM it lives in: members in the same JVM (the tasks of
 * one executor, or every task in {@code local[N]}) hand each other arrays directly instead of using a socket.
 */
public record PeerAddress(int rank, String host, int port, String jvm) implements Serializable {
    @Override
    public String toString() {
        return "task " + rank + " (" + host + ":" + port + ")";
    }
}
