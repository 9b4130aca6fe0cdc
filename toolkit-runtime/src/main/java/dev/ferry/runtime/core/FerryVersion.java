package dev.ferry.runtime.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The ferry version, written into a resource by the build; {@code dev} when run from an IDE.
 */
public final class FerryVersion
{
    private static final String VERSION = load();

    private FerryVersion() {}

    public static String get()
    {
        return VERSION;
    }

    private static String load()
    {
        try (InputStream in = FerryVersion.class.getResourceAsStream("ferry-version.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "");
                if (!version.isBlank() && !version.startsWith("${")) {
                    return version;
                }
            }
        }
        catch (IOException e) {
            // fall through
        }
        return "dev";
    }
}
