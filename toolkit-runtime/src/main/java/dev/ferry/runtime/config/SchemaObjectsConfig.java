package dev.ferry.runtime.config;

import dev.ferry.api.PluginConfig;

import static java.util.Objects.requireNonNull;

/**
 * {@code schemaObjects}: which views, triggers, routines and events of the moved databases ferry
 * creates on the target, and whose {@code DEFINER} they get. The defaults move them all, as a
 * whole-database move needs; a tenant move into a shared database turns them off.
 *
 * @param views views, created once the tables exist and refreshed at cutover
 * @param triggers triggers, created at cutover only (nothing fires twice while ferry applies rows)
 * @param routines stored procedures and functions, created at start and refreshed at cutover
 * @param events events, created at cutover only with the source's status
 * @param definer keep the source's definers, or give every object ferry's target user
 */
public record SchemaObjectsConfig(boolean views, boolean triggers, boolean routines, boolean events, Definer definer)
{
    /**
     * Whose {@code DEFINER} the created objects get.
     */
    public enum Definer
            implements ConfigValue
    {
        /** The source's definer; the target must have the account and let ferry's user name it. */
        KEEP("keep"),
        /** Ferry's target user, the definer of a statement without a {@code DEFINER} clause. */
        TARGET_USER("target-user");

        private final String configName;

        Definer(String configName)
        {
            this.configName = configName;
        }

        @Override
        public String configName()
        {
            return configName;
        }
    }

    public SchemaObjectsConfig
    {
        requireNonNull(definer, "definer is null");
    }

    public static SchemaObjectsConfig defaults()
    {
        return new SchemaObjectsConfig(true, true, true, true, Definer.KEEP);
    }

    /**
     * Whether any kind is on.
     */
    public boolean any()
    {
        return views || triggers || routines || events;
    }

    static SchemaObjectsConfig bind(PluginConfig config)
    {
        return new SchemaObjectsConfig(config.bool("views", true), config.bool("triggers", true), config.bool("routines", true),
                config.bool("events", true), ConfigValue.oneOf(config, "definer", Definer.KEEP));
    }
}
