package dev.ferry.runtime.config;

import dev.ferry.api.PluginConfig;
import dev.ferry.config.ConfigTree;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * {@code cutover}: when and how the run ends.
 *
 * @param automatic cut over as soon as the copy is done and the applier caught up; otherwise
 *        wait for an operator command
 * @param disabled never cut over: copy, then keep replicating until stopped
 * @param before HTTP hook called before cutover, so the application stops writing, or null
 * @param after HTTP hook called after cutover, or null
 * @param catchUpTimeout how long cutover waits for the applier to reach the source's final position
 */
public record CutoverConfig(boolean automatic, boolean disabled, HttpHookConfig before, HttpHookConfig after, Duration catchUpTimeout)
{
    public CutoverConfig
    {
        requireNonNull(catchUpTimeout, "catchUpTimeout is null");
    }

    static CutoverConfig bind(ConfigTree config)
    {
        boolean automatic = config.bool("automatic", false);
        boolean disabled = config.bool("disabled", false);
        if (automatic && disabled) {
            config.problem("disabled", "cannot be true together with cutover.automatic");
        }
        PluginConfig hooks = config.section("hooks");
        HttpHookConfig before = HttpHookConfig.bindOptional(hooks, "before");
        HttpHookConfig after = HttpHookConfig.bindOptional(hooks, "after");
        Duration timeout = config.duration("catchUpTimeout", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(7));
        return new CutoverConfig(automatic, disabled, before, after, timeout);
    }
}
