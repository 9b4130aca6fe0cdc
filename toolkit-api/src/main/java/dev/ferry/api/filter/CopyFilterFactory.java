package dev.ferry.api.filter;

import dev.ferry.api.PluginFactory;

/**
 * Factory for {@link CopyFilter}s, selected by {@code copyFilter.type}.
 */
public interface CopyFilterFactory
        extends PluginFactory<CopyFilter>
{
}
