package dev.ferry.api.filter;

import dev.ferry.api.PluginFactory;

/**
 * Factory for {@link TableFilter}s, selected by {@code tableFilter.type}.
 */
public interface TableFilterFactory
        extends PluginFactory<TableFilter>
{
}
