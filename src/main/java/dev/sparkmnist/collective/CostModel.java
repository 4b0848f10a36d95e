package dev.sparkmnist.collective;

/**
 * The time an engine adds to a phase beyond the partitions' own compute, which is the same on both engines: the
 * job-per-round engine pays a Spark job per round (scheduling plus the model shipped to and returned from every
 * partition, through the driver); the collective engine pays one stage start per phase and per step an exchange
 * whose latency and bandwidth depend on whether the tasks share a JVM ({@code local[N]}) or talk over TCP.
 *
 * <p>The constants are this project's measurements on two cores (docs/scale-out.md; {@code bench/run.sh --only
 * engines}, which prints them again with an alpha-beta fit of the exchange): a round of the job engine costs 26 ms
 * plus 3 ms per partition on the driver, plus the bytes of the shipped and returned models.
 *
 * @param jobBase            seconds a Spark job costs with one partition
 * @param jobPerPartition    seconds each further partition adds to a job
 * @param driverBytesPerSec  bytes per second the driver moves when it ships and collects models
 * @param stageStart         seconds a collective stage costs to start (grouping, barrier launch, registration)
 * @param exchangeLatency    seconds per message of the exchange (alpha)
 * @param exchangeBytesPerSec bytes per second of the exchange (1/beta)
 */
record CostModel(double jobBase, double jobPerPartition, double driverBytesPerSec, double stageStart,
                 double exchangeLatency, double exchangeBytesPerSec) {

    /** Tasks in one JVM: the exchange hands over references; the sums are memory-bound. */
    static final CostModel IN_ONE_JVM = new CostModel(0.026, 0.003, 1.0e9, 0.5, 20e-6, 4.0e9);
    /** Tasks in separate JVMs over TCP (loopback here; 10 Gbit/s networks are slower per byte). */
    static final CostModel SEPARATE_JVMS = new CostModel(0.026, 0.003, 1.0e9, 1.0, 150e-6, 1.0e9);

    /**
     * Seconds the job engine adds to a phase of {@code rounds} rounds on {@code partitions} partitions that ship
     * {@code shippedBytes} and each return {@code resultBytes}.
     */
    double jobEngine(long rounds, int partitions, long shippedBytes, long resultBytes) {
        double perRound = jobBase + jobPerPartition * (partitions - 1)
                + (shippedBytes + (double) resultBytes * partitions) / driverBytesPerSec;
        return rounds * perRound;
    }

    /**
     * Seconds the collective engine adds to a phase of {@code rounds} exchanges among {@code tasks} tasks for
     * {@code partitions} partitions each contributing {@code contributionBytes}, the sums gathered as
     * {@code sumBytes}.
     */
    double collectiveEngine(long rounds, int tasks, int partitions, long contributionBytes, long sumBytes) {
        if (tasks == 1) {
            return stageStart;
        }
        double perTask = (double) partitions / tasks;
        double moved = (perTask * contributionBytes + sumBytes) * (tasks - 1) / tasks;
        return stageStart + rounds * (2 * (tasks - 1) * exchangeLatency + moved / exchangeBytesPerSec);
    }
}
