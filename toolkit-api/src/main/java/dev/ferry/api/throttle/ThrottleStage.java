package dev.ferry.api.throttle;

/**
 * The pipeline stage a throttler slows: the bulk copy or the binlog apply. Each stage has its own
 * throttlers ({@code throttlers.copy}, {@code throttlers.replication}).
 */
public enum ThrottleStage
{
    COPY, REPLICATION
}
