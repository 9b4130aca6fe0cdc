package dev.ferry.api;

/**
 * Creates plugin instances of one kind. Each plugin kind has its own factory interface extending
 * this one, registered with {@code provides ... with ...} and found through {@link java.util.ServiceLoader}.
 *
 * <p>Factories are stateless and thread-safe; they may be instantiated several times.
 *
 * @param <T> the plugin kind
 */
public interface PluginFactory<T>
{
    /**
     * The value users write in the {@code type} key of the plugin's config section. Lower case,
     * words separated by {@code -}. Unique per plugin kind.
     */
    String name();

    /**
     * One line saying what the plugin does, shown by {@code ferry plugins}.
     */
    default String description()
    {
        return "";
    }

    /**
     * Binds {@code config} (the plugin's section without {@code type}) and creates the plugin.
     *
     * <p>Invalid values are reported through {@link PluginConfig#problem} or the accessors of
     * {@code config}, not thrown, so that validation can list every problem at once; the plugin
     * returned from a config with problems is discarded. Keys the plugin did not read are reported
     * by the runtime as unknown. Must not open connections or start threads: that belongs to the
     * plugin's lifecycle methods, because {@code ferry validate} calls this too.
     *
     * @param config the plugin's config section, never null
     * @param context engine services, never null
     * @return the plugin, never null
     */
    T create(PluginConfig config, PluginContext context);
}
