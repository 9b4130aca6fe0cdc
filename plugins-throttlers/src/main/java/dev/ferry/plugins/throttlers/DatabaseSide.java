package dev.ferry.plugins.throttlers;

import dev.ferry.api.PluginContext;

import javax.sql.DataSource;

import java.util.List;

/**
 * Which of the run's servers a throttler queries.
 */
public enum DatabaseSide
{
    SOURCE("source"), TARGET("target");

    static final List<String> NAMES = List.of("source", "target");

    private final String key;

    DatabaseSide(String key)
    {
        this.key = key;
    }

    public String key()
    {
        return key;
    }

    static DatabaseSide of(String key)
    {
        return "target".equals(key) ? TARGET : SOURCE;
    }

    DataSource dataSource(PluginContext context)
    {
        return this == SOURCE ? context.source() : context.target();
    }
}
