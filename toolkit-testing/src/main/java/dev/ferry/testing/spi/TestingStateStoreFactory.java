package dev.ferry.testing.spi;

import dev.ferry.api.PluginConfig;
import dev.ferry.api.PluginContext;
import dev.ferry.api.state.StateStore;
import dev.ferry.api.state.StateStoreFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code state.type: testing-memory}: the state in memory, for as long as the store lives. For
 * tests that run ferry in-process in modules that cannot see the built-in stores and need a
 * {@code state} section (its {@code checkpointInterval}, say) without files or tables; register
 * it in the test's {@code META-INF/services/dev.ferry.api.state.StateStoreFactory}.
 */
public final class TestingStateStoreFactory
        implements StateStoreFactory
{
    @Override
    public String name()
    {
        return "testing-memory";
    }

    @Override
    public StateStore create(PluginConfig config, PluginContext context)
    {
        AtomicReference<String> document = new AtomicReference<>();
        return new StateStore()
        {
            @Override
            public Optional<String> read()
            {
                return Optional.ofNullable(document.get());
            }

            @Override
            public void write(String state)
            {
                document.set(state);
            }

            @Override
            public String describe()
            {
                return "memory (testing-memory)";
            }
        };
    }
}
