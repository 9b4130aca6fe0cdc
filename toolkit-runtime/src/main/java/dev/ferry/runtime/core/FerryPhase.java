package dev.ferry.runtime.core;

/**
 * Where a run is.
 */
public enum FerryPhase
{
    STARTING("starting"),
    COPYING("copying"),
    WAITING_FOR_CUTOVER("waiting-for-cutover"),
    CUTOVER("cutover"),
    DONE("done"),
    STOPPED("stopped"),
    FAILED("failed");

    private final String label;

    FerryPhase(String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }
}
