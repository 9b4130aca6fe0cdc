package dev.ferry.runtime.apply;

/**
 * What the binlog applier is doing, exposed with the time it last changed for the health endpoint.
 */
public enum ApplierState
{
    /** Not started. */
    INIT,
    /** Waiting for events. */
    WAITING,
    /** Collecting events into a batch. */
    PROCESSING,
    /** Writing a batch to the target. */
    APPLYING,
    /** A batch was committed. */
    APPLIED
}
