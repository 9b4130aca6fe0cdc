package dev.ferry.runtime;

/**
 * The ferry version, from the runtime jar's manifest, or {@code dev} when run from classes.
 */
public final class FerryVersion
{
    private FerryVersion() {}

    public static String get()
    {
        String version = FerryVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
