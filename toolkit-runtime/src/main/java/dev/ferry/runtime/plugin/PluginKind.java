package dev.ferry.runtime.plugin;

import dev.ferry.api.PluginFactory;
import dev.ferry.api.filter.CopyFilterFactory;
import dev.ferry.api.filter.TableFilterFactory;
import dev.ferry.api.state.StateStoreFactory;
import dev.ferry.api.throttle.ThrottlerFactory;
import dev.ferry.api.verify.VerifierFactory;

/**
 * The kinds of plugin ferry loads, each with its factory interface and the config key that
 * selects it.
 */
public enum PluginKind
{
    TABLE_FILTER("table-filter", "table filter", TableFilterFactory.class),
    COPY_FILTER("copy-filter", "copy filter", CopyFilterFactory.class),
    THROTTLER("throttler", "throttler", ThrottlerFactory.class),
    VERIFIER("verifier", "verifier", VerifierFactory.class),
    STATE_STORE("state-store", "state store", StateStoreFactory.class);

    private final String id;
    private final String displayName;
    private final Class<? extends PluginFactory<?>> factoryType;

    PluginKind(String id, String displayName, Class<? extends PluginFactory<?>> factoryType)
    {
        this.id = id;
        this.displayName = displayName;
        this.factoryType = factoryType;
    }

    public String id()
    {
        return id;
    }

    public String displayName()
    {
        return displayName;
    }

    public Class<? extends PluginFactory<?>> factoryType()
    {
        return factoryType;
    }
}
